import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { execa } from 'execa';
import { gate, killLoopWhen, LOOP_BIN, openGate, reviewRequested, useWorlds, type World } from './helpers.js';

const world = useWorlds();
const done = (text = 'did the work') => ({ msg: ['done', '--text', text] });
const review = (verdict: string, findings: unknown[] = []) => ({ msg: ['review', '--json', JSON.stringify({ verdict, summary: `verdict ${verdict}`, findings })] });

/** `loop …` in the world's repository with extra environment (a simulated GitHub Actions job). */
const loopWith = (w: World, args: string[], env: Record<string, string>) =>
  execa(process.execPath, [LOOP_BIN, ...args], { cwd: w.repo, env: { ...w.env(), ...env }, reject: false, timeout: 90_000, stdin: 'ignore' });

describe('loop run --ci on GitHub Actions (simulated: GITHUB_* pointing at temp files)', () => {
  test('a reviewer that leaves a high finding on hello.txt:1 and never approves: exit 1, summary, ::error annotation, outputs, groups, bundle', async () => {
    const w = await world({ 'hello.txt': 'hello\n' });
    const finding = { severity: 'high', title: 'Greeting is wrong', body: 'It says hello,\nnot 100% right', file: 'hello.txt', line: 1 };
    // The reviewer's summary tries workflow commands of its own (the log line carries it).
    const forging = { msg: ['review', '--json', JSON.stringify({ verdict: 'changes', summary: 'bad\n::error::forged ##[error]forged too', findings: [finding] })] };
    w.configure({ on: { task: [[{ write: ['work.txt', 'w\n'] }, done()]] } }, { on: { 'review-request': [[forging]] } }, { maxIterations: 2 });
    const summary = join(w.base, 'step-summary.md');
    const output = join(w.base, 'github-output.txt');
    writeFileSync(summary, '# earlier step\n');
    writeFileSync(output, '');
    const result = await loopWith(w, ['run', '--ci', 'write work.txt'], {
      GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary, GITHUB_OUTPUT: output, GITHUB_WORKSPACE: w.repo, RUNNER_TEMP: w.base,
      GITHUB_RUN_ID: '42', GITHUB_REPOSITORY: 'me/repo',
    });
    assert.equal(result.exitCode, 1, `${result.stdout}\n${result.stderr}`);
    const runId = basename(w.onlyRun().dir);

    assert.match(result.stdout, /^::error file=hello\.txt,line=1,title=\[high\] Greeting is wrong::It says hello,%0Anot 100%25 right$/m);
    const md = readFileSync(summary, 'utf8');
    assert.ok(md.startsWith('# earlier step\n## ❌ loop run'), 'appended to the summary, not overwritten');
    assert.match(md, /\| command \| exit \| duration \|\n\|---\|---\|---\|\n\| `test -f work\.txt` \| 0 \| \d+ ms \|/);
    assert.match(md, /### Open findings\n\n\| severity \| file:line \| title \|\n\|---\|---\|---\|\n\| high \| `hello\.txt:1` \| Greeting is wrong \|/);
    assert.match(md, /gh run download 42 --repo me\/repo/);

    const bundle = join(w.base, 'loop', `${runId}.tar.gz`);
    assert.equal(readFileSync(output, 'utf8'), [
      `run-id=${runId}`, 'exit-code=1', 'status=failed', `tree-hash=${w.onlyRun().manifest.lastProof.treeHash}`, 'iterations=2', `bundle=${bundle}`, '',
    ].join('\n'));
    const listed = await execa('tar', ['-tzf', bundle]);
    assert.match(listed.stdout, new RegExp(`^${runId}/events\\.jsonl$`, 'm'));

    // Each iteration's log lines inside its own group; groups closed before the closing lines.
    const lines = result.stdout.split('\n');
    const at = (line: string) => lines.indexOf(line);
    assert.ok(at('::group::Plan') >= 0 && at('::group::Iteration 1') > at('::group::Plan') && at('::group::Iteration 2') > at('::group::Iteration 1'));
    assert.match(lines[at('::group::Iteration 2') + 1]!, /^::stop-commands::loop-[0-9a-f-]{36}$/);
    assert.match(lines[at('::group::Iteration 2') + 2]!, /phase: working \(iteration 2\/2\)/);
    assert.equal(lines.filter((l) => l.startsWith('::group::')).length, lines.filter((l) => l === '::endgroup::').length);
    assert.ok(lines.lastIndexOf('::endgroup::') < lines.findIndex((l) => l.startsWith('loop: not proven')));
    // The runner reads no command from an agent's text: every line carrying it is inside a stop-commands span.
    let stopped: string | undefined;
    const forged: boolean[] = [];
    for (const line of lines) {
      const stop = /^::stop-commands::(.+)$/.exec(line);
      if (stop) stopped = stop[1];
      else if (stopped && line === `::${stopped}::`) stopped = undefined;
      else if (line.includes('forged')) forged.push(stopped !== undefined);
    }
    assert.ok(forged.length >= 2, 'the forged text is in the log');
    assert.deepEqual(forged, forged.map(() => true));
    assert.equal(stopped, undefined, 'commands resumed at the end');
  });

  test('--json: one JSON result object on stdout, the log on stderr', async () => {
    const w = await world();
    w.configure({ on: { task: [[{ write: ['work.txt', 'w\n'] }, done()]] } }, { on: { 'review-request': [[review('approve')]] } });
    const result = await loopWith(w, ['run', '--ci', '--json', 'write work.txt'], {});
    assert.equal(result.exitCode, 0, result.stderr);
    const record = JSON.parse(result.stdout);
    const manifest = w.onlyRun().manifest;
    assert.deepEqual(record, {
      runId: manifest.id, repoId: manifest.repoId, status: 'completed', exitCode: 0, reason: manifest.result.reason, iterations: 1, treeHash: manifest.lastProof.treeHash,
    });
    assert.match(result.stderr, /loop: completed \(exit 0\)/);
  });

  test('loop resume --ci --github --json: outputs and a bundle for the resumed run; stdout holds only the result object', async () => {
    const w = await world();
    w.configure({ on: { task: [[{ write: ['work.txt', 'w\n'] }, done()]] } }, { on: { 'review-request': [[gate(w, 'review'), review('approve')]] } });
    const killed = await killLoopWhen(w, w.loop(['run', '--ci', 'write work.txt']), reviewRequested);
    openGate(w, 'review');
    const output = join(w.base, 'github-output.txt');
    writeFileSync(output, '');
    const resumed = await loopWith(w, ['resume', '--ci', '--github', '--json', killed.manifest.id], { GITHUB_OUTPUT: output, RUNNER_TEMP: w.base });
    assert.equal(resumed.exitCode, 0, resumed.stderr);
    const record = JSON.parse(resumed.stdout);
    const bundle = join(w.base, 'loop', `${killed.manifest.id}.tar.gz`);
    assert.equal(record.status, 'completed');
    assert.equal(record.bundle, bundle);
    assert.ok(existsSync(bundle));
    assert.match(readFileSync(output, 'utf8'), new RegExp(`^run-id=${killed.manifest.id}\nexit-code=0\nstatus=completed\n`));
    assert.match(resumed.stderr, /^::group::Iteration 1$/m);
  });
});
