import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { CheckoutLock, checkoutLockPath } from '../../src/run/checkout-lock.js';
import { ensureDir } from '../../src/run/fs-atomic.js';
import { dirname } from 'node:path';
import { loopError, scratchDir } from '../helpers/shared.js';

const home = scratchDir('loop-checkout-lock');
const checkout = scratchDir('loop-checkout');

const writeHolder = (pid: number, runId: string) => {
  const path = checkoutLockPath(home, checkout);
  ensureDir(dirname(path));
  writeFileSync(path, JSON.stringify({ pid, host: hostname(), runId, checkout, startedAt: new Date().toISOString() }));
};

describe('the checkout lock', () => {
  test('taken, released, taken again', () => {
    const lock = CheckoutLock.acquire(home, checkout, 'run-a');
    assert.ok(existsSync(lock.path));
    lock.release();
    assert.equal(existsSync(lock.path), false);
    CheckoutLock.acquire(home, checkout, 'run-b').release();
  });

  test('a live holder (another process) refuses: exit 2 naming the run and the way out', async () => {
    const holder = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    try {
      writeHolder(holder.pid!, 'run-live');
      const error = loopError(() => CheckoutLock.acquire(home, checkout, 'run-c'));
      assert.equal(error.exitCode, 2);
      assert.equal(error.message, `${checkout}: another live run (run-live, pid ${holder.pid}) is using this checkout`);
      assert.match(error.hint ?? '', /loop run --worktree/);
    } finally {
      holder.kill('SIGKILL');
      await new Promise((resolve) => holder.once('exit', resolve));
    }
  });

  test('a dead holder is taken over', () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid!;
    writeHolder(dead, 'run-dead');
    const lock = CheckoutLock.acquire(home, checkout, 'run-d');
    assert.equal(lock.holder.runId, 'run-d');
    lock.release();
  });
});
