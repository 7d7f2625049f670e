import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeSpoolRecord } from '../../src/bus/spool.js';
import { dropBoxDir } from '../../src/isolation/agent-area.js';
import { loadRoleKeys } from '../../src/isolation/role-keys.js';
import { isProcessAlive } from '../../src/pty/process-tree.js';
import { envelopes, killLoopWhen, readRun, useWorlds, waitForJournal } from './helpers.js';

const world = useWorlds();

const done = { msg: ['done', '--text', 'did it'] };
const approve = { msg: ['review', '--json', '{"verdict":"approve","summary":"good"}'] };
const writeWork = { write: ['work.txt', 'work\n'] };

/** Spool files waiting anywhere in a run directory (not the rejected ones). */
function spoolFiles(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) {
        if (name !== 'rejected') walk(path);
      } else if (name.endsWith('.json') && d.split('/').includes('spool')) found.push(path);
    }
  };
  walk(dir);
  return found;
}

/** Has the machine consumed this agent message (a transition whose input names it)? */
const consumed = (events: Record<string, any>[], id: string) =>
  events.filter((e) => e.type === 'transition' && e.input?.type === 'message' && e.input.id === id).length;

describe('exactly once across crashes', () => {
  test('a spool file whose id the journal already holds (killed between journaling and removing it) is skipped, journaled, removed; the done is applied once', async () => {
    const w = await world();
    w.configure({ on: { task: [[writeWork, done]] } }, { on: { 'review-request': [[approve]] } });
    const killed = await killLoopWhen(w, w.loop(['run', '--ci', 'do it']), (events) => envelopes(events).some((e) => e.kind === 'done'));
    const { dir } = killed;
    const claim = envelopes(killed.events).find((e) => e.kind === 'done')!;
    // What the killed loop leaves when the kill falls after the `message` line and before the file's removal.
    const submission = { id: claim.id, from: 'worker' as const, kind: 'done', payload: claim.payload, at: claim.at, via: 'cli' as const };
    const file = writeSpoolRecord(dropBoxDir(dir, 'worker'), claim.id, { type: 'submission', submission }, loadRoleKeys(dir, ['worker', 'reviewer']).worker);

    const resumed = await w.loop(['resume', '--ci', killed.manifest.id]);
    assert.equal(resumed.exitCode, 0, resumed.all);
    const run = readRun(dir);
    assert.equal(run.events.filter((e) => e.type === 'message' && e.envelope.id === claim.id).length, 1, 'journaled once');
    const skipped = run.events.filter((e) => e.type === 'message.duplicate');
    assert.deepEqual(skipped.map((e) => [e.id, e.from, e.reason]), [[claim.id, 'worker', 'already journaled (a spool file left by a crash)']]);
    assert.equal(consumed(run.events, claim.id), 1, 'applied once');
    assert.equal(envelopes(run.events).filter((e) => e.kind === 'nack' && e.replyTo === claim.id).length, 0);
    assert.equal(existsSync(file), false, 'the leftover file is removed');
    const ids = envelopes(run.events).map((e) => e.id);
    assert.equal(new Set(ids).size, ids.length, 'no id at two seqs');
  });

  test('killed while finishing (the approving transition journaled, run.finished not): resume only finishes, nothing is applied twice', async () => {
    const w = await world();
    // A process in the reviewer's group that ignores SIGTERM holds the finish in stopping the agents for a while.
    const holdTerm = { sh: "(trap '' TERM; sleep 30) >/dev/null 2>&1 &" };
    w.configure({ on: { task: [[writeWork, done]] } }, { on: { 'review-request': [[holdTerm, approve]] } });
    const killed = await killLoopWhen(w, w.loop(['run', '--ci', 'do it']), (events) => events.some((e) => e.type === 'transition' && e.state?.finished));
    assert.equal(killed.events.some((e) => e.type === 'run.finished'), false, 'killed before run.finished');
    const approval = envelopes(killed.events).find((e) => e.kind === 'review')!;
    const launched = killed.events.filter((e) => e.type === 'agent.started').length;

    const resumed = await w.loop(['resume', '--ci', killed.manifest.id]);
    assert.equal(resumed.exitCode, 0, resumed.all);
    const run = readRun(killed.dir);
    assert.equal(run.manifest.status, 'completed');
    assert.equal(consumed(run.events, approval.id), 1, 'the approval is applied once');
    assert.equal(run.events.filter((e) => e.type === 'agent.started').length, launched, 'no agent is started to finish');
    assert.equal(run.events.at(-1)!.type, 'run.finished');
  });

  test('killed after run.finished but before the final manifest: resume brings the manifest in step and resumes nothing', async () => {
    const w = await world();
    w.configure({ on: { task: [[writeWork, done]] } }, { on: { 'review-request': [[approve]] } });
    const first = await w.loop(['run', '--ci', 'do it']);
    assert.equal(first.exitCode, 0, first.all);
    const run = w.onlyRun();
    // What that kill leaves: the journal ends with run.finished, the manifest is one step behind.
    writeFileSync(join(run.dir, 'manifest.json'), `${JSON.stringify({ ...run.manifest, status: 'running', phase: 'reviewing', result: undefined }, null, 2)}\n`);
    const resumed = await w.loop(['resume', '--ci', run.manifest.id]);
    assert.equal(resumed.exitCode, 2, resumed.all);
    assert.match(resumed.stderr, /has already finished \(completed: .*\); its manifest was behind the journal and now agrees with it/);
    const after = readRun(run.dir);
    assert.equal(after.manifest.status, 'completed');
    assert.equal(after.manifest.result.exitCode, 0);
    assert.equal(after.events.length, run.events.length, 'nothing resumed, nothing journaled');
    const verify = await w.loop(['verify', run.manifest.id]);
    assert.equal(verify.exitCode, 0, verify.all);
  });

  test('a step that fails unexpectedly ends the run as infra (exit 5) with the reason; the message it was taking stays in the spool and resume takes it', async () => {
    const w = await world();
    // The worker breaks git's index before its done claim: sealing the claim (its tree hash) then fails.
    w.configure({ on: { task: [[writeWork, { sh: 'test -f ../broke || { touch ../broke; printf garbage > .git/index; }' }, done]] } }, { on: { 'review-request': [[approve]] } });
    const result = await w.loop(['run', '--ci', 'do it']);
    assert.equal(result.exitCode, 5, result.all);
    const run = w.onlyRun();
    assert.equal(run.manifest.status, 'failed');
    assert.equal(run.manifest.result.exitCode, 5);
    assert.match(run.manifest.result.reason, /^internal error: .*failed: /);
    assert.match(result.all, /could not run \(exit 5\): internal error/);
    assert.equal(run.events.at(-1)!.type, 'run.finished');
    assert.equal(envelopes(run.events).filter((e) => e.kind === 'done').length, 0, 'the claim was not journaled');
    const kept = spoolFiles(run.dir);
    assert.equal(kept.length, 1, 'the spool file is kept, not deleted');
    assert.equal(existsSync(join(run.dir, 'lock')), false, 'the lock is released');
    for (const e of run.events.filter((x) => x.type === 'agent.started')) assert.equal(isProcessAlive(e.pid), false);

    rmSync(join(w.repo, '.git', 'index')); // repaired: git rebuilds nothing, the claim now seals
    const resumed = await w.loop(['resume', '--ci', run.manifest.id]);
    assert.equal(resumed.exitCode, 0, resumed.all);
    const after = readRun(run.dir);
    const dones = envelopes(after.events).filter((e) => e.kind === 'done');
    assert.equal(dones.length, 1);
    assert.equal(consumed(after.events, dones[0].id), 1);
    assert.deepEqual(spoolFiles(run.dir), []);
  });
});

describe('cancelling a run cancels its proof', () => {
  test('loop stop while the proof runs: its process group is stopped and awaited, no receipt; resume proves again', async () => {
    const w = await world();
    const pidFile = join(w.base, 'proof.pid');
    const fast = join(w.base, 'fast');
    const proof = `test -f ${fast} && exit 0; sleep 120 & echo $! > ${pidFile}; wait`;
    w.configure({ on: { task: [[writeWork, done]] } }, { on: { 'review-request': [[approve]] } }, { proof: [proof] });
    const first = w.loop(['run', '--ci', 'do it']);
    const dir = await waitForJournal(w, (events) => events.some((e) => e.type === 'proof.started') && existsSync(pidFile));
    const sleeper = Number(readFileSync(pidFile, 'utf8'));
    const id = readRun(dir).manifest.id;
    const stop = await w.loop(['stop', id]);
    assert.equal(stop.exitCode, 0, stop.all);
    const stopped = await first;
    assert.equal(stopped.exitCode, 130, stopped.all);
    if (isProcessAlive(sleeper)) assert.fail(`the proof command outlived its run: ${readFileSync(`/proc/${sleeper}/stat`, 'utf8')}`);
    const run = readRun(dir);
    const types = run.events.map((e) => e.type);
    assert.ok(types.includes('proof.cancelled'), types.join(' '));
    assert.ok(!types.includes('proof.receipt'), 'a cancelled proof has no receipt');
    assert.ok(types.indexOf('proof.cancelled') < types.indexOf('run.finished'), 'the proof was over before the run finished');

    writeFileSync(fast, '');
    const resumed = await w.loop(['resume', '--ci', id]);
    assert.equal(resumed.exitCode, 0, resumed.all);
    const after = readRun(dir);
    assert.equal(after.events.filter((e) => e.type === 'proof.receipt').length, 1);
  });
});
