import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, test } from 'node:test';
import { ROOT, useWorlds, type World } from '../integration/helpers.js';
import { parseOutputFile, runAction } from './runner.js';

const world = useWorlds();
const done = () => ({ msg: ['done', '--text', 'did the work'] });
const review = (verdict: string, findings: unknown[] = []) => ({ msg: ['review', '--json', JSON.stringify({ verdict, summary: `verdict ${verdict}`, findings })] });

/** The action run as a job would run it: this checkout installed as the package (npm links a folder), in w's repository. */
const runInJob = (w: World, inputs: Record<string, string>) => {
  const temp = join(w.base, 'runner-temp');
  mkdirSync(temp);
  return runAction(ROOT, { package: ROOT, ...inputs }, {
    workspace: w.repo, temp,
    env: { ...w.env(), HOME: w.base, PATH: process.env.PATH ?? '', npm_config_cache: join(w.base, 'npm-cache'), GITHUB_RUN_ID: '7', GITHUB_REPOSITORY: 'me/repo' },
  });
};

describe('action.yml, its steps run as the runner runs them (GITHUB_* files in a temp folder)', () => {
  test('a completed run: loop installed from the package input and put on PATH, the inputs on its command line, the outputs mapped, the bundle uploaded, exit 0', async () => {
    const w = await world();
    w.configure({ on: { task: [[{ write: ['work.txt', 'w\n'] }, done()]] } }, { on: { 'review-request': [[review('approve')]] } });
    // A task that would run commands if it were pasted into the script, and starts like an option.
    const task = '--write work.txt $(touch injected) `touch injected2`';
    const run = await runInJob(w, {
      task, worker: 'fake-worker', reviewer: 'fake-reviewer\n', proof: 'test -f work.txt\n\ngrep -q w work.txt\n', 'max-iterations': '2',
    });
    assert.deepEqual(run.steps.map((s) => [s.name, s.ran, s.exitCode]), [
      ['Install loop', true, 0], ['Run loop', true, 0], ["Upload the run's bundle", true, 0], ["Exit with loop's exit code", true, 0],
    ], run.steps.map((s) => `${s.name}: ${s.stdout}\n${s.stderr}`).join('\n'));
    assert.equal(run.exitCode, 0);
    const { dir, manifest } = w.onlyRun();
    assert.equal(manifest.task.text ?? manifest.task, task);
    assert.deepEqual(manifest.proof, ['test -f work.txt', 'grep -q w work.txt']);
    assert.equal(manifest.config.maxIterations, 2);
    assert.equal(existsSync(join(w.repo, 'injected')) || existsSync(join(w.repo, 'injected2')), false, 'the task ran as shell');
    assert.ok(existsSync(join(w.base, 'runner-temp', 'proofloop', 'bin', 'loop')), 'installed under RUNNER_TEMP');
    const runId = basename(dir);
    const bundle = join(w.base, 'runner-temp', 'loop', `${runId}.tar.gz`);
    assert.deepEqual(run.outputs, { 'run-id': runId, 'exit-code': '0', status: 'completed', 'tree-hash': manifest.lastProof.treeHash, iterations: '1', bundle });
    assert.deepEqual(run.uploads, [{ name: `loop-${runId}`, path: bundle }]);
    assert.ok(existsSync(bundle));
    assert.match(run.summary, /loop run/);
  });

  test('a run that is not proven: the bundle is still uploaded, the outputs say failed, the action fails with exit 1 and the ::error annotation is in the log', async () => {
    const w = await world({ 'hello.txt': 'hello\n' });
    const finding = { severity: 'high', title: 'Greeting is wrong', body: 'say hi', file: 'hello.txt', line: 1 };
    w.configure({ on: { task: [[{ write: ['work.txt', 'w\n'] }, done()]] } }, { on: { 'review-request': [[review('changes', [finding])]] } });
    const run = await runInJob(w, { task: 'write work.txt', 'max-iterations': '1', args: '--plan off' });
    assert.deepEqual(run.steps.map((s) => [s.name, s.ran, s.exitCode]), [
      ['Install loop', true, 0], ['Run loop', true, 0], ["Upload the run's bundle", true, 0], ["Exit with loop's exit code", true, 1],
    ], run.steps.map((s) => `${s.name}: ${s.stdout}\n${s.stderr}`).join('\n'));
    assert.equal(run.exitCode, 1);
    const runId = basename(w.onlyRun().dir);
    assert.equal(w.onlyRun().manifest.config.plan, 'off', 'args reached loop run');
    assert.deepEqual([run.outputs['exit-code'], run.outputs.status, run.outputs['run-id']], ['1', 'failed', runId]);
    assert.deepEqual(run.uploads.map((u) => u.name), [`loop-${runId}`]);
    assert.match(run.steps[1]!.stdout!, /^::error file=hello\.txt,line=1,title=\[high\] Greeting is wrong::say hi$/m);
    assert.match(run.summary, /\| high \| `hello\.txt:1` \| Greeting is wrong \|/);
  });

  test('a usage error (an unknown worker) fails with exit 2 and uploads nothing: there is no run', async () => {
    const w = await world();
    w.configure({ on: {} }, { on: {} });
    const run = await runInJob(w, { task: 'x', worker: 'nobody' });
    assert.deepEqual(run.steps.map((s) => [s.ran, s.exitCode]), [[true, 0], [true, 0], [false, undefined], [true, 2]]);
    assert.equal(run.exitCode, 2);
    assert.match(run.steps[1]!.stderr!, /unknown agent 'nobody'/);
    assert.deepEqual(run.uploads, []);
  });
});

test('the simulated runner reads GITHUB_OUTPUT as GitHub does: name=value and heredocs', () => {
  assert.deepEqual(parseOutputFile('a=1\nb<<EOF_x\nline 1\nline 2\nEOF_x\nc=x=y\n'), { a: '1', b: 'line 1\nline 2', c: 'x=y' });
  assert.throws(() => parseOutputFile('b<<E\nnever closed\n'), /never closed/);
});
