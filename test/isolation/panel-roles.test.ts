import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Arrival } from '../../src/bus/intake.js';
import type { Role } from '../../src/bus/message.js';
import { agentAreaDir } from '../../src/isolation/agent-area.js';
import { establishRole } from '../../src/isolation/provenance.js';
import { loadRoleKeys, macOf } from '../../src/isolation/role-keys.js';
import { isRoleFile, sandboxArgs } from '../../src/isolation/sandbox-args.js';

// A panel's reviewers are agents like the others: each its own harness files, drop-box and key.
const base = mkdtempSync(join(tmpdir(), 'loop-panel-roles-'));
after(() => rmSync(base, { recursive: true, force: true }));

const arrival = (from: Role, box: Arrival['box'], key?: string): Arrival => {
  const record = { type: 'submission' as const, submission: { id: 'm-000000001aaaaaaaa', from, kind: 'review', payload: {}, at: 'now', via: 'cli' as const } };
  const body = JSON.stringify(record);
  return { record, box, file: '/x.json', body, ...(key ? { mac: macOf(key, body) } : {}) };
};

describe("a panel's reviewer roles in isolation", () => {
  test("the reviewer's harness files are not reviewer-2's, and the other way round", () => {
    assert.equal(isRoleFile('reviewer-claude-settings.json', 'reviewer'), true);
    assert.equal(isRoleFile('reviewer-2-gemini-system-settings.json', 'reviewer'), false);
    assert.equal(isRoleFile('reviewer-2-gemini-system-settings.json', 'reviewer-2'), true);
    assert.equal(isRoleFile('reviewer-claude-settings.json', 'reviewer-2'), false);
  });

  test('under the sandbox a reviewer sees only its own harness files, and every other role\'s area leads to its own', () => {
    const runDir = join(base, 'runs', 'repo', 'run');
    mkdirSync(runDir, { recursive: true });
    for (const name of ['worker-claude-mcp.json', 'reviewer-claude-settings.json', 'reviewer-2-gemini-system-settings.json']) writeFileSync(join(runDir, name), '{}');
    const args = sandboxArgs({ role: 'reviewer-2', runDir, runsDir: join(base, 'runs'), cwd: base, hidden: [], readOnly: [] });
    const roBound = args.flatMap((arg, i) => (arg === '--ro-bind' ? [args[i + 1]!] : []));
    assert.ok(roBound.includes(join(runDir, 'reviewer-2-gemini-system-settings.json')));
    assert.ok(!roBound.includes(join(runDir, 'reviewer-claude-settings.json')));
    assert.ok(!roBound.includes(join(runDir, 'worker-claude-mcp.json')));
    const own = agentAreaDir(runDir, 'reviewer-2');
    const ontoOwn = args.flatMap((arg, i) => (arg === '--bind' && args[i + 1] === own ? [args[i + 2]!] : []));
    for (const other of ['worker', 'reviewer', 'reviewer-3', 'reviewer-4', 'reviewer-5'] as const) assert.ok(ontoOwn.includes(agentAreaDir(runDir, other)), other);
  });

  test('a key per role of the run, kept; a role the run does not have has none', () => {
    const runDir = join(base, 'keys');
    mkdirSync(join(runDir, 'private'), { recursive: true });
    const keys = loadRoleKeys(runDir, ['worker', 'reviewer', 'reviewer-2']);
    assert.deepEqual(Object.keys(keys), ['worker', 'reviewer', 'reviewer-2']);
    assert.deepEqual(loadRoleKeys(runDir, ['worker', 'reviewer', 'reviewer-2']), keys);
    const NONE = { mode: 'none' as const, why: 'asked' };
    assert.deepEqual(establishRole(arrival('reviewer-2', 'shared', keys['reviewer-2']), NONE, keys), { ok: true, role: 'reviewer-2' });
    assert.deepEqual(establishRole(arrival('reviewer-3', 'shared', keys['reviewer-2']), NONE, keys), {
      ok: false, claimed: 'reviewer-3', reason: 'claims to be from the reviewer-3, a role this run does not have',
    });
    assert.equal(establishRole(arrival('reviewer', 'shared', keys['reviewer-2']), NONE, keys).ok, false, "reviewer-2's key does not sign for the reviewer");
    const SANDBOX = { mode: 'sandbox' as const, tool: 'bubblewrap 0.8.0' };
    assert.deepEqual(establishRole(arrival('reviewer', 'reviewer-2'), SANDBOX, keys), {
      ok: false, claimed: 'reviewer', reason: "claims to be from the reviewer, but came from the reviewer-2's drop-box",
    });
  });
});
