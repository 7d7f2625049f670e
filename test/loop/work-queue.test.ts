import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkQueue } from '../../src/loop/work-queue.js';

describe('WorkQueue: the driver steps, one at a time, no failure swallowed', () => {
  test('steps run in order, one at a time', async () => {
    const order: string[] = [];
    const queue = new WorkQueue(() => assert.fail('no failure expected'));
    void queue.push(async () => {
      order.push('a start');
      await new Promise((resolve) => setImmediate(resolve));
      order.push('a end');
    });
    void queue.push(() => void order.push('b'));
    assert.equal(await queue.pushAndWait(() => 'c'), 'c');
    assert.deepEqual(order, ['a start', 'a end', 'b']);
  });

  test('a failing step is reported once, pushAndWait rejects with it, and the queue goes on', async () => {
    const failures: unknown[] = [];
    const queue = new WorkQueue((error) => failures.push(error));
    const boom = new Error('boom');
    const pushed = queue.push(() => {
      throw boom;
    });
    await assert.rejects(queue.pushAndWait(() => Promise.reject(new Error('second'))), /second/);
    assert.equal(await pushed, undefined, 'push never rejects');
    assert.equal(await queue.pushAndWait(() => 'after'), 'after');
    assert.deepEqual(failures.map((e) => (e as Error).message), ['boom', 'second']);
  });
});
