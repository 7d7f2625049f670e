import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Arrival } from '../../src/bus/intake.js';
import { establishRole } from '../../src/isolation/provenance.js';
import { macOf } from '../../src/isolation/role-keys.js';

const keys = { worker: 'w'.repeat(64), reviewer: 'r'.repeat(64) };
const SANDBOX = { mode: 'sandbox' as const, tool: 'bubblewrap 0.8.0' };
const NONE = { mode: 'none' as const, why: 'asked' };

function arrival(from: 'worker' | 'reviewer', box: Arrival['box'], key?: string): Arrival {
  const record = { type: 'submission' as const, submission: { id: 'm-000000001aaaaaaaa', from, kind: 'review', payload: {}, at: 'now', via: 'cli' as const } };
  const body = JSON.stringify(record);
  return { record, box, file: '/x.json', body, ...(key ? { mac: macOf(key, body) } : {}) };
}

describe('establishRole under the sandbox: the drop-box is the origin', () => {
  test("a record in the reviewer's drop-box that says reviewer is the reviewer's", () => {
    assert.deepEqual(establishRole(arrival('reviewer', 'reviewer'), SANDBOX, keys), { ok: true, role: 'reviewer' });
  });
  test("a record in the worker's drop-box that claims reviewer is a forgery, whatever key it carries", () => {
    assert.deepEqual(establishRole(arrival('reviewer', 'worker', keys.reviewer), SANDBOX, keys), {
      ok: false, claimed: 'reviewer', reason: "claims to be from the reviewer, but came from the worker's drop-box",
    });
  });
  test('the shared spool/ is nobody’s drop-box', () => {
    const result = establishRole(arrival('worker', 'shared'), SANDBOX, keys);
    assert.equal(result.ok, false);
  });
});

describe('establishRole without a sandbox: the role key is the proof', () => {
  test('signed with its own key: accepted, in its box or the shared spool', () => {
    assert.deepEqual(establishRole(arrival('reviewer', 'reviewer', keys.reviewer), NONE, keys), { ok: true, role: 'reviewer' });
    assert.deepEqual(establishRole(arrival('worker', 'shared', keys.worker), NONE, keys), { ok: true, role: 'worker' });
  });
  test("unsigned, or signed with the worker's key while claiming reviewer: a forgery", () => {
    assert.deepEqual(establishRole(arrival('reviewer', 'reviewer'), NONE, keys), {
      ok: false, claimed: 'reviewer', reason: 'claims to be from the reviewer, but carries no role signature (LOOP_TOKEN)',
    });
    assert.deepEqual(establishRole(arrival('reviewer', 'reviewer', keys.worker), NONE, keys), {
      ok: false, claimed: 'reviewer', reason: "claims to be from the reviewer, but its signature is not the reviewer's",
    });
  });
  test("a body changed after signing does not match", () => {
    const a = arrival('reviewer', 'reviewer', keys.reviewer);
    assert.equal(establishRole({ ...a, body: a.body.replace('review', 'note') }, NONE, keys).ok, false);
  });
});
