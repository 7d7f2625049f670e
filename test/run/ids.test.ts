import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { newMessageId, newRunId, RUN_ID_PATTERN } from '../../src/run/ids.js';
import { MESSAGE_ID } from '../../src/bus/message.js';

describe('run ids', () => {
  test('match the contract pattern and start with the UTC date and time', () => {
    const id = newRunId(new Date('2026-11-23T23:22:45.123Z'));
    assert.match(id, RUN_ID_PATTERN);
    assert.match(id, /^20261123-232245-123-[a-z0-9]+$/);
    assert.equal(RUN_ID_PATTERN.source, '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$');
  });

  test('sort by creation time', () => {
    const times = ['2025-12-31T23:59:59.999Z', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.001Z', '2026-01-01T00:00:01.000Z', '2026-02-01T09:00:00.000Z'];
    const ids = times.map((t) => newRunId(new Date(t)));
    assert.deepEqual([...ids].sort(), ids);
    assert.deepEqual([...ids].reverse().sort((a, b) => a.localeCompare(b)), ids);
  });

  test('1000 ids in the same millisecond are unique and valid', () => {
    const now = new Date('2026-01-01T00:00:00.000Z');
    const ids = Array.from({ length: 1000 }, () => newRunId(now));
    assert.equal(new Set(ids).size, 1000);
    for (const id of ids) assert.match(id, RUN_ID_PATTERN);
  });
});

describe('message ids', () => {
  test('match MESSAGE_ID', () => {
    assert.match(newMessageId(), MESSAGE_ID);
    assert.match(newMessageId(0), MESSAGE_ID);
    assert.match(newMessageId(Date.parse('2100-01-01T00:00:00Z')), MESSAGE_ID);
  });

  test('sort by creation time and are unique within a millisecond', () => {
    const a = newMessageId(1_700_000_000_000);
    const b = newMessageId(1_700_000_000_001);
    const c = newMessageId(1_800_000_000_000);
    assert.deepEqual([c, a, b].sort(), [a, b, c]);
    const same = Array.from({ length: 1000 }, () => newMessageId(1_700_000_000_000));
    assert.equal(new Set(same).size, 1000);
  });
});
