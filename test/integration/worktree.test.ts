import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { execa } from 'execa';
import { envelopes, gate, gatePath, killLoopWhen, openGate, readRun, useWorlds, type World } from './helpers.js';

const world = useWorlds();

const done = { msg: ['done', '--text', 'did the work'] };
const approve = { msg: ['review', '--json', JSON.stringify({ verdict: 'approve', summary: 'looks right', findings: [] })] };
const writeWork = { write: ['work.txt', 'work\n'] };
const EXTRA = { plan: 'off', maxIterations: 2 };

const git = async (cwd: string, ...args: string[]) => (await execa('git', args, { cwd })).stdout.trim();

/** Every file of a checkout (its .git's index and refs included), byte for byte. */
function snapshot(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      // git's own bookkeeping of the new worktree and branch (objects, worktrees/, logs, refs/heads/loop/) is not the checkout.
      if (['objects', 'worktrees', 'logs', join('refs', 'heads', 'loop')].some((skip) => relative(root, path) === join('.git', skip))) continue;
      const stat = statSync(path);
      if (stat.isDirectory()) walk(path);
      else files.set(relative(root, path), `${stat.mode.toString(8)}:${readFileSync(path).toString('base64')}`);
    }
  };
  walk(root);
  return files;
}

/** The tree the reviewer approved, from the journal: the approval's tree hash. */
const approvedTree = (events: Record<string, any>[]) => {
  const approval = envelopes(events).filter((e) => e.kind === 'review' && e.payload.verdict === 'approve').pop();
  return approval?.treeHash as string;
};

const runs = (w: World) => w.runDirs().map(readRun);

describe('a live run owns its checkout', () => {
  test('a checkout with uncommitted changes is refused (exit 2, the fix named, nothing started); --here takes it as it is', async () => {
    const w = await world();
    w.configure({ on: { task: [[writeWork, done]] } }, { on: { 'review-request': [[approve]] } }, EXTRA);
    writeFileSync(join(w.repo, 'notes.txt'), 'mine\n');
    writeFileSync(join(w.repo, 'README.md'), '# changed\n');
    const refused = await w.loop(['run', '--ci', 'write work.txt']);
    assert.equal(refused.exitCode, 2, refused.all);
    assert.match(refused.all, /the checkout has uncommitted changes \(2 files: README\.md, notes\.txt\)/);
    assert.match(refused.all, /loop run --worktree/);
    assert.match(refused.all, /loop run --here/);
    assert.doesNotMatch(refused.all, /\n\s+at /); // no stack trace
    assert.deepEqual(w.runDirs(), []);
    const carry = await w.loop(['run', '--ci', '--carry', 'write work.txt']);
    assert.equal(carry.exitCode, 2, carry.all);
    assert.match(carry.all, /--carry .* needs --worktree/);
    const here = await w.loop(['run', '--ci', '--here', 'write work.txt']);
    assert.equal(here.exitCode, 0, here.all);
    assert.equal(w.onlyRun().manifest.worktree, undefined);
  });

  test('a plain run while another live run uses the checkout is refused; of two started at once exactly one proceeds', async () => {
    const w = await world();
    w.configure({ on: { task: [[gate(w, 'go'), writeWork, done]] } }, { on: { 'review-request': [[approve]] } }, EXTRA);
    await git(w.repo, 'add', '.loop.json');
    await execa('git', ['-c', 'user.name=t', '-c', 'user.email=t@t.invalid', 'commit', '-q', '-m', 'config'], { cwd: w.repo });
    const first = w.loop(['run', '--ci', 'first']);
    const second = w.loop(['run', '--ci', 'second']);
    // The worker of the run that got the checkout waits at the gate: the first to end is the one refused.
    const loser = await Promise.race([first, second]);
    assert.equal(loser.exitCode, 2, loser.all);
    assert.match(loser.all, /another live run \(\S+, pid \d+\) is using this checkout/);
    assert.match(loser.all, /loop run --worktree/);
    const third = await w.loop(['run', '--ci', '--here', 'third']);
    assert.equal(third.exitCode, 2, third.all);
    assert.match(third.all, /another live run/);
    openGate(w, 'go');
    const [a, b] = await Promise.all([first, second]);
    assert.deepEqual([a.exitCode, b.exitCode].sort(), [0, 2], `${a.all}\n---\n${b.all}`);
    assert.equal(w.runDirs().length, 1, 'the refused runs left no run directory');
    // The checkout is free again once the run has finished.
    const again = await w.loop(['run', '--ci', '--here', 'again']);
    assert.equal(again.exitCode, 0, again.all);
  });
});

describe('--worktree', () => {
  test('completes in its own worktree; the dirty checkout is byte-for-byte unchanged; the commit on loop/<id> has the approved tree', async () => {
    const w = await world();
    w.configure({ on: { task: [[writeWork, done]] } }, { on: { 'review-request': [[approve]] } }, EXTRA);
    writeFileSync(join(w.repo, 'notes.txt'), 'uncommitted, mine\n');
    writeFileSync(join(w.repo, 'README.md'), '# edited, not committed\n');
    const head = await git(w.repo, 'rev-parse', 'HEAD');
    const before = snapshot(w.repo);
    const result = await w.loop(['run', '--ci', '--worktree', 'Write work.txt\n\nwith the word work in it']);
    assert.equal(result.exitCode, 0, result.all);
    assert.deepEqual(snapshot(w.repo), before, 'the user checkout changed');
    assert.equal(await git(w.repo, 'rev-parse', 'HEAD'), head);

    const run = w.onlyRun();
    const m = run.manifest;
    assert.equal(m.worktree, join(w.home, 'worktrees', m.id));
    assert.equal(m.cwd, m.worktree);
    assert.equal(m.branch, `loop/${m.id}`);
    assert.equal(m.baseCommit, head);
    assert.equal(m.checkout, w.repo);
    assert.equal(await git(w.repo, 'rev-parse', m.branch), m.commit);
    const tree = approvedTree(run.events);
    assert.match(tree, /^[0-9a-f]{40}$/);
    assert.equal(await git(w.repo, 'rev-parse', `${m.commit}^{tree}`), tree);
    assert.equal(await git(w.repo, 'rev-parse', `${m.commit}^`), head);
    assert.equal(run.events.find((e) => e.type === 'run.commit')?.commit, m.commit);
    const message = await git(w.repo, 'log', '-1', '--format=%B', m.commit);
    assert.equal(message, [
      'Write work.txt', '', `Loop-Run: ${m.id}`, `Loop-Tree: ${tree}`, 'Loop-Proof: passed: test -f work.txt', 'Loop-Reviewed-By: reviewer (fake-reviewer)',
    ].join('\n'));
    // The worktree got the work, not the user's uncommitted changes; its index agrees with its commit.
    assert.equal(readFileSync(join(m.worktree, 'work.txt'), 'utf8'), 'work\n');
    assert.equal(existsSync(join(m.worktree, 'notes.txt')), false);
    assert.equal(readFileSync(join(m.worktree, 'README.md'), 'utf8'), '# scratch\n');
    assert.equal(await git(m.worktree, 'status', '--porcelain'), '');
    const show = await w.loop(['show', m.id]);
    assert.match(show.all, new RegExp(`commit    ${m.commit} on loop/${m.id}`));

    // loop clean: the worktree goes, the branch stays (unless asked).
    const cleaned = await w.loop(['clean', m.id]);
    assert.equal(cleaned.exitCode, 0, cleaned.all);
    assert.match(cleaned.all, new RegExp(`removed worktree .*; branch loop/${m.id} kept`));
    assert.equal(existsSync(m.worktree), false);
    assert.equal(await git(w.repo, 'rev-parse', m.branch), m.commit);
    assert.deepEqual(snapshot(w.repo), before);
    const verify = await w.loop(['verify', m.id]);
    assert.equal(verify.exitCode, 0, verify.all);
    const branches = await w.loop(['clean', m.id, '--branches']);
    assert.equal(branches.exitCode, 0, branches.all);
    assert.equal((await execa('git', ['rev-parse', '--verify', '--quiet', m.branch], { cwd: w.repo, reject: false })).exitCode, 1);
  });

  test('--carry brings the uncommitted changes (tracked and untracked) into the worktree; the checkout stays as it was', async () => {
    const w = await world({ 'README.md': '# scratch\n', 'gone.txt': 'to be deleted\n' });
    w.configure({ on: { task: [[writeWork, done]] } }, { on: { 'review-request': [[approve]] } }, EXTRA);
    writeFileSync(join(w.repo, 'notes.txt'), 'carried\n');
    writeFileSync(join(w.repo, 'README.md'), '# edited\n');
    await execa('git', ['rm', '-q', 'gone.txt'], { cwd: w.repo });
    const before = snapshot(w.repo);
    const result = await w.loop(['run', '--ci', '--worktree', '--carry', 'write work.txt']);
    assert.equal(result.exitCode, 0, result.all);
    assert.deepEqual(snapshot(w.repo), before);
    const m = w.onlyRun().manifest;
    const files = (await git(w.repo, 'ls-tree', '-r', '--name-only', m.commit)).split('\n');
    assert.deepEqual(files.sort(), ['.loop.json', 'README.md', 'notes.txt', 'work.txt']);
    assert.equal(await git(w.repo, 'show', `${m.commit}:README.md`), '# edited');
  });

  test('two --worktree runs started at the same moment both complete, in separate worktrees', async () => {
    const w = await world();
    w.configure({ on: { task: [[writeWork, done]] } }, { on: { 'review-request': [[approve]] } }, EXTRA);
    const [a, b] = await Promise.all([w.loop(['run', '--ci', '--worktree', 'task a']), w.loop(['run', '--ci', '--worktree', 'task b'])]);
    assert.equal(a.exitCode, 0, a.all);
    assert.equal(b.exitCode, 0, b.all);
    const [x, y] = runs(w).map((r) => r.manifest);
    assert.ok(x && y);
    assert.notEqual(x.worktree, y.worktree);
    for (const m of [x, y]) {
      assert.equal(m.status, 'completed');
      assert.equal(await git(w.repo, 'rev-parse', m.branch), m.commit);
    }
  });

  test('resume reuses the run\'s worktree', async () => {
    const w = await world();
    w.configure({ startGate: gatePath(w, 'start'), on: { task: [[writeWork, done]] } }, { on: { 'review-request': [[approve]] } }, EXTRA);
    const running = w.loop(['run', '--ci', '--worktree', 'write work.txt']);
    const killed = await killLoopWhen(w, running, (events) => events.some((e) => e.type === 'transition'));
    openGate(w, 'start');
    const resumed = await w.loop(['resume', '--ci', killed.manifest.id]);
    assert.equal(resumed.exitCode, 0, resumed.all);
    const m = w.onlyRun().manifest;
    assert.equal(m.worktree, killed.manifest.worktree);
    assert.deepEqual(readdirSync(join(w.home, 'worktrees')), [m.id]);
    assert.equal(await git(w.repo, 'rev-parse', `${m.commit}^{tree}`), approvedTree(w.onlyRun().events));
    // A finished run's worktree is kept until loop clean; a clean of every finished run removes it.
    const cleaned = await w.loop(['clean', '--finished']);
    assert.equal(cleaned.exitCode, 0, cleaned.all);
    assert.equal(existsSync(m.worktree), false);
  });

  test('--commit in place commits the approved tree on the current branch', async () => {
    const w = await world();
    w.configure({ on: { task: [[writeWork, done]] } }, { on: { 'review-request': [[approve]] } }, EXTRA);
    const head = await git(w.repo, 'rev-parse', 'HEAD');
    const result = await w.loop(['run', '--ci', '--commit', 'write work.txt']);
    assert.equal(result.exitCode, 0, result.all);
    const run = w.onlyRun();
    assert.equal(run.manifest.branch, 'main');
    assert.equal(await git(w.repo, 'rev-parse', 'main'), run.manifest.commit);
    assert.equal(await git(w.repo, 'rev-parse', 'HEAD^'), head);
    assert.equal(await git(w.repo, 'rev-parse', 'HEAD^{tree}'), approvedTree(run.events));
    assert.equal(await git(w.repo, 'status', '--porcelain'), '');
  });
});
