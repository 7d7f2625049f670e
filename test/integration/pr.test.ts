import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { ROOT, useWorlds, type World } from './helpers.js';

const world = useWorlds();

const done = { msg: ['done', '--text', 'did the work'] };
const approve = { msg: ['review', '--json', JSON.stringify({ verdict: 'approve', summary: 'looks right to me', findings: [{ severity: 'low', title: 'name could be clearer' }] })] };
const writeWork = { write: ['work.txt', 'work\n'] };
const changes = { msg: ['review', '--json', JSON.stringify({ verdict: 'changes', summary: 'not yet', findings: [{ severity: 'high', title: 'work.txt lacks a header', file: 'work.txt', line: 1 }] })] };
const GH_FIXTURE = join(ROOT, 'test', 'fixtures', 'gh');

const git = async (cwd: string, ...args: string[]) => (await execa('git', args, { cwd })).stdout.trim();

/** A world whose repository has a local bare repository as `origin`, and a completed --worktree run. */
async function completedRun(): Promise<{ w: World; id: string; commit: string; origin: string }> {
  const w = await world();
  const origin = join(w.base, 'origin.git');
  await execa('git', ['init', '-q', '--bare', origin]);
  await git(w.repo, 'remote', 'add', 'origin', origin);
  w.configure({ on: { task: [[writeWork, done]] } }, { on: { 'review-request': [[changes], [approve]] } }, { plan: 'off' });
  const run = await w.loop(['run', '--ci', '--worktree', 'Add work.txt for the pull request']);
  assert.equal(run.exitCode, 0, run.all);
  const { manifest } = w.onlyRun();
  return { w, id: manifest.id, commit: manifest.commit, origin };
}

/** A PATH with git on it and nothing else (so no gh, whatever this machine has). */
function pathWithoutGh(w: World): string {
  const bin = join(w.base, 'bin-no-gh');
  mkdirSync(bin, { recursive: true });
  const gitPath = ['/usr/bin/git', '/bin/git', '/usr/local/bin/git'].find(existsSync);
  assert.ok(gitPath, 'git is installed');
  symlinkSync(gitPath, join(bin, 'git'));
  return bin;
}

describe('loop pr', () => {
  test('pushes the run\'s branch to origin and opens a draft pull request with the title and a body holding the proof table', async () => {
    const { w, id, commit, origin } = await completedRun();
    const log = join(w.base, 'gh.log');
    const result = await w.loop(['pr', id], { env: { PATH: `${GH_FIXTURE}:${process.env.PATH}`, FAKE_GH_LOG: log } });
    assert.equal(result.exitCode, 0, result.all);
    assert.match(result.all, new RegExp(`pushed loop/${id} to origin`));
    assert.match(result.all, /draft pull request: https:\/\/github\.com\/example\/repo\/pull\/7/);
    assert.equal(await git(origin, 'rev-parse', `refs/heads/loop/${id}`), commit);
    const calls = readFileSync(log, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as string[]);
    assert.deepEqual(calls[0], ['auth', 'status']);
    const create = calls[1]!;
    assert.deepEqual(create.slice(0, 3), ['pr', 'create', '--draft']);
    const arg = (name: string) => create[create.indexOf(name) + 1];
    assert.equal(arg('--head'), `loop/${id}`);
    assert.equal(arg('--title'), 'Add work.txt for the pull request');
    const body = arg('--body')!;
    assert.match(body, /^### Task\n\n```\nAdd work.txt for the pull request\n```$/m);
    assert.match(body, /### Proof\n\nRun by loop: \*\*passed\*\* on tree `[0-9a-f]{40}`\.\n\n\| command \| exit \| duration \|\n\|---\|---\|---\|\n\| `test -f work.txt` \| 0 \| [\d.]+ m?s \|/);
    assert.match(body, /### Reviews\n\n- reviewer \(`fake-reviewer`\): \*\*approve\*\* — looks right to me/);
    assert.match(body, /### Resolved findings\n\n\| severity \| file:line \| title \|\n\|---\|---\|---\|\n\| high \| `work.txt:1` \| work.txt lacks a header \|/);
    assert.match(body, /### Open findings\n\n\| severity \| file:line \| title \|\n\|---\|---\|---\|\n\| low \| — \| name could be clearer \|/);
    assert.match(body, /### Proof surface/);
    assert.match(body, new RegExp(`### Run \`${id}\`[\\s\\S]*- commit: \`${commit}\``));
  });

  test('without gh: exit 2 with the fix, nothing pushed; logged out: exit 2, gh auth login', async () => {
    const { w, id, origin } = await completedRun();
    const missing = await w.loop(['pr', id], { env: { PATH: pathWithoutGh(w) } });
    assert.equal(missing.exitCode, 2, missing.all);
    assert.match(missing.stderr, /the GitHub CLI \(gh\) is not installed or not on PATH/);
    assert.match(missing.stderr, /https:\/\/cli\.github\.com.*gh auth login/);
    const loggedOut = await w.loop(['pr', id], { env: { PATH: `${GH_FIXTURE}:${process.env.PATH}`, FAKE_GH_LOGGED_OUT: '1' } });
    assert.equal(loggedOut.exitCode, 2, loggedOut.all);
    assert.match(loggedOut.stderr, /gh is not logged in to GitHub .*\n.*log in: gh auth login/);
    assert.equal(await git(origin, 'for-each-ref'), '', 'nothing was pushed');
  });

  test('a run without a commit is refused with exit 2', async () => {
    const w = await world();
    w.configure({ on: { task: [[done]] } }, { on: { 'review-request': [[approve]] } }, { plan: 'off', maxIterations: 1 });
    const run = await w.loop(['run', '--ci', '--worktree', 'never proven']);
    assert.equal(run.exitCode, 1, run.all);
    const pr = await w.loop(['pr', w.onlyRun().manifest.id], { env: { PATH: `${GH_FIXTURE}:${process.env.PATH}` } });
    assert.equal(pr.exitCode, 2, pr.all);
    assert.match(pr.stderr, /has no commit of an approved tree \(it is failed, exit 1\)/);
  });
});
