import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { useWorlds, type World } from './helpers.js';

const world = useWorlds();

const done = { msg: ['done', '--text', 'did it'] };
const approve = { msg: ['review', '--json', '{"verdict":"approve","summary":"good"}'] };
const writeWork = { write: ['work.txt', 'work\n'] };

describe('loop verify, show and ls on a completed run', () => {
  let w: World;
  let run: { dir: string; manifest: Record<string, any>; events: Record<string, any>[] };
  before(async () => {
    w = await world();
    w.configure({ on: { task: [[writeWork, done]] } }, { on: { 'review-request': [[approve]] } });
    const result = await w.loop(['run', '--ci', 'write work.txt']);
    assert.equal(result.exitCode, 0, result.all);
    run = w.onlyRun();
  });

  test('verify --rerun: every check holds, in order, and the temporary worktree is gone', async () => {
    const { id, cwd, lastProof } = run.manifest;
    const n = run.events.length;
    const result = await w.loop(['verify', id, '--rerun']);
    assert.equal(result.exitCode, 0, result.all);
    const lines = result.stdout.split('\n');
    assert.deepEqual(lines.slice(0, 4), [
      `✓ journal chain  intact (${n} events)`,
      `✓ manifest       agrees with the journal (head seq ${n}; completed, exit 0)`,
      `✓ approval       the reviewer approved, and the proof passed, on tree ${lastProof.treeHash}`,
      `✓ tree object    tree ${lastProof.treeHash} is in the repository at ${cwd}`,
    ]);
    assert.match(lines[4]!, /^✓ rerun 1\/1      test -f work\.txt: exit 0 in \d+\.\d s$/);
    assert.deepEqual(lines.slice(5), ['✓ rerun tree     the rerun left the approved tree', '', `run ${id}: every check holds.`]);
    const worktrees = await execa('git', ['worktree', 'list', '--porcelain'], { cwd: w.repo });
    assert.equal(worktrees.stdout.split('\n').filter((l) => l.startsWith('worktree ')).length, 1, worktrees.stdout);

    const json = JSON.parse((await w.loop(['verify', id, '--json'])).stdout);
    assert.equal(json.ok, true);
    assert.deepEqual(json.checks.map((c: { name: string }) => c.name), ['journal chain', 'manifest', 'approval', 'tree object']);
  });

  test('show says the chain is intact; --json carries it', async () => {
    const { id } = run.manifest;
    const show = await w.loop(['show', id]);
    assert.ok(show.stdout.split('\n').includes(`journal   chain intact (${run.events.length} events)`), show.stdout);
    const json = JSON.parse((await w.loop(['show', id, '--json'])).stdout);
    assert.deepEqual(json.chain, { ok: true, chained: true, events: run.events.length });
    assert.equal(json.tampered, undefined);
  });

  test('one changed character in a middle line: verify fails naming that line; show and ls mark the run tampered', async () => {
    const { id } = run.manifest;
    const path = join(run.dir, 'events.jsonl');
    const original = readFileSync(path, 'utf8');
    const lines = original.split('\n');
    const k = Math.floor(run.events.length / 2); // 1-based line number
    lines[k - 1] = lines[k - 1]!.replace('"at":"2', '"at":"3');
    writeFileSync(path, lines.join('\n'));
    try {
      const reason = `changed after it was written (line ${k + 1}'s prev no longer matches it)`;
      const verify = await w.loop(['verify', id]);
      assert.equal(verify.exitCode, 1, verify.all);
      const out = verify.stdout.split('\n');
      assert.equal(out[0], `✗ journal chain  broken at line ${k}: ${reason}`);
      assert.equal(out[1], `✗ manifest       journalHead names seq ${run.events.length}, which the journal does not have intact`);
      assert.equal(out[out.length - 1], `run ${id}: 2 check(s) failed.`);

      const show = (await w.loop(['show', id])).stdout.split('\n');
      assert.ok(show.includes('status    tampered (the manifest says completed, exit 0)'), show.join('\n'));
      assert.ok(show.includes(`journal   CHAIN BROKEN at line ${k}: ${reason} — see loop verify ${id}`), show.join('\n'));
      const showJson = JSON.parse((await w.loop(['show', id, '--json'])).stdout);
      assert.deepEqual(showJson.chain, { ok: false, chained: true, events: k - 1, brokenAt: k, reason });

      const ls = await w.loop(['ls']);
      assert.match(ls.stdout, new RegExp(`^${id}  tampered  1/3 `, 'm'));
      assert.doesNotMatch(ls.stdout, /completed/);
      const [entry] = JSON.parse((await w.loop(['ls', '--json'])).stdout);
      assert.deepEqual([entry.status, entry.tampered, entry.tamperReason, entry.claimedStatus], ['tampered', true, `journal chain broken at line ${k}: ${reason}`, 'completed']);
    } finally {
      writeFileSync(path, original);
    }
    assert.equal((await w.loop(['verify', id])).exitCode, 0);
  });

  test('an unknown id is a usage error', async () => {
    const result = await w.loop(['verify', 'no-such-run']);
    assert.equal(result.exitCode, 2);
    assert.equal(result.stderr, "loop: no run matches 'no-such-run' (by run id, id prefix or agent session id)\n  hint: list runs with: loop ls");
  });
});

describe('loop verify and ls on a run that did not complete', () => {
  test('a failed run verifies (approval does not apply); its manifest edited to completed: ls shows tampered, verify fails', async () => {
    const w = await world();
    w.configure({ on: { task: [[done]] } }, { on: { 'review-request': [[approve]] } }, { maxIterations: 1 });
    const result = await w.loop(['run', '--ci', 'write work.txt']);
    assert.equal(result.exitCode, 1, result.all);
    const { dir, manifest, events } = w.onlyRun();
    const n = events.length;

    const honest = await w.loop(['verify', manifest.id, '--rerun']);
    assert.equal(honest.exitCode, 0, honest.all);
    assert.equal(honest.stdout, [
      `✓ journal chain  intact (${n} events)`,
      `✓ manifest       agrees with the journal (head seq ${n}; failed, exit 1)`,
      '- approval       does not apply: the run is failed, not completed',
      '',
      `run ${manifest.id}: every check holds.`,
    ].join('\n'));

    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, status: 'completed', result: { exitCode: 0, reason: 'approved and proof passed' } }, null, 2));
    const ls = await w.loop(['ls']);
    assert.match(ls.stdout, new RegExp(`^${manifest.id}  tampered  `, 'm'));
    const [entry] = JSON.parse((await w.loop(['ls', '--json'])).stdout);
    const reason = "the manifest says completed, exit 0, but the journal's run.finished says failed, exit 1";
    assert.deepEqual([entry.status, entry.tampered, entry.tamperReason], ['tampered', true, reason]);
    const show = (await w.loop(['show', manifest.id])).stdout.split('\n');
    assert.ok(show.includes(`status    tampered: ${reason} — see loop verify ${manifest.id}`), show.join('\n'));

    const verify = await w.loop(['verify', manifest.id]);
    assert.equal(verify.exitCode, 1, verify.all);
    assert.equal(verify.stdout, [
      `✓ journal chain  intact (${n} events)`,
      `✗ manifest       ${reason}`,
      '✗ approval       the journal records no passing proof receipt',
      '',
      `run ${manifest.id}: 2 check(s) failed.`,
    ].join('\n'));
  });
});
