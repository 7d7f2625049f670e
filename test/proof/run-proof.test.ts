import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { runProof } from '../../src/proof/run-proof.js';
import { treeHash } from '../../src/proof/tree-hash.js';

const base = mkdtempSync(join(tmpdir(), 'loop-run-proof-test-'));
after(() => rmSync(base, { recursive: true, force: true }));
let counter = 0;
const newDir = () => {
  const dir = join(base, `case-${++counter}`);
  mkdirSync(join(dir, 'work'), { recursive: true });
  return { cwd: join(dir, 'work'), logDir: join(dir, 'proof') };
};

/** Pids of live processes whose command line contains marker (Linux /proc). */
const processesWith = (marker: string): number[] =>
  readdirSync('/proc').filter((name) => /^\d+$/.test(name)).flatMap((name) => {
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      const state = readFileSync(`/proc/${name}/stat`, 'utf8').split(') ')[1]?.[0];
      return cmdline.includes(marker) && state !== 'Z' ? [Number(name)] : [];
    } catch {
      return [];
    }
  });

describe('runProof', () => {
  test('all commands pass: receipt, exit codes, output, log file', async () => {
    const { cwd, logDir } = newDir();
    writeFileSync(join(cwd, 'data.txt'), 'payload');
    const started: Array<[string, number]> = [];
    const receipt = await runProof({
      commands: ['echo hello', 'cat data.txt; echo " err" >&2'],
      cwd, logDir, index: 7, timeoutMs: 30_000,
      onStep: (command, position) => started.push([command, position]),
    });
    assert.equal(receipt.passed, true);
    assert.deepEqual(receipt.steps.map((s) => [s.command, s.exitCode, s.outputTail, s.timedOut]), [
      ['echo hello', 0, 'hello', undefined],
      ['cat data.txt; echo " err" >&2', 0, 'payload err', undefined],
    ]);
    assert.deepEqual(started, [['echo hello', 0], ['cat data.txt; echo " err" >&2', 1]]);
    assert.equal(receipt.logFile, join(logDir, '007.log'));
    assert.equal(
      readFileSync(receipt.logFile!, 'utf8'),
      '$ echo hello\nhello\n[exit 0]\n\n$ cat data.txt; echo " err" >&2\npayload err\n[exit 0]\n\n',
    );
    assert.equal(statSync(receipt.logFile!).mode & 0o777, 0o600);
    assert.equal(statSync(logDir).mode & 0o777, 0o700);
    assert.equal(receipt.treeHash, await treeHash(cwd));
    assert.ok(!Number.isNaN(Date.parse(receipt.startedAt)));
    for (const step of receipt.steps) assert.ok(Number.isInteger(step.durationMs) && step.durationMs >= 0);
  });

  test('stops at the first failing command and records its exit code', async () => {
    const { cwd, logDir } = newDir();
    const receipt = await runProof({
      commands: ['echo first', 'echo broken >&2; exit 3', 'touch should-not-exist'],
      cwd, logDir, index: 1, timeoutMs: 30_000,
    });
    assert.equal(receipt.passed, false);
    assert.deepEqual(receipt.steps.map((s) => [s.command, s.exitCode, s.outputTail]), [
      ['echo first', 0, 'first'],
      ['echo broken >&2; exit 3', 3, 'broken'],
    ]);
    assert.deepEqual(readdirSync(cwd), []);
    assert.ok(readFileSync(receipt.logFile!, 'utf8').includes('$ echo broken >&2; exit 3\nbroken\n[exit 3]\n'));
  });

  test('no commands: passed, no steps', async () => {
    const { cwd, logDir } = newDir();
    const receipt = await runProof({ commands: [], cwd, logDir, index: 2, timeoutMs: 1000 });
    assert.equal(receipt.passed, true);
    assert.deepEqual(receipt.steps, []);
    assert.equal(readFileSync(receipt.logFile!, 'utf8'), '');
  });

  test('the output tail keeps the last 2000 characters', async () => {
    const { cwd, logDir } = newDir();
    const receipt = await runProof({
      commands: [`node -e "process.stdout.write('a'.repeat(3000) + 'END')"`],
      cwd, logDir, index: 3, timeoutMs: 30_000,
    });
    const tail = receipt.steps[0]!.outputTail;
    assert.equal(tail.length, 2001);
    assert.ok(tail.startsWith('…a'));
    assert.ok(tail.endsWith('aEND'));
    assert.ok(readFileSync(receipt.logFile!, 'utf8').includes(`${'a'.repeat(3000)}END`), 'the log keeps everything');
  });

  test('commands run with CI=true and the given env', async () => {
    const { cwd, logDir } = newDir();
    const receipt = await runProof({
      commands: ['echo "$CI $LOOP_TEST_VALUE"'],
      cwd, logDir, index: 4, timeoutMs: 30_000, env: { LOOP_TEST_VALUE: 'v1' },
    });
    assert.equal(receipt.steps[0]!.outputTail, 'true v1');
  });

  test('a command over its timeout is stopped: timedOut, no exit code, not passed', async () => {
    const { cwd, logDir } = newDir();
    const receipt = await runProof({ commands: ['sleep 5', 'echo never'], cwd, logDir, index: 5, timeoutMs: 300 });
    assert.equal(receipt.passed, false);
    assert.equal(receipt.steps.length, 1);
    assert.equal(receipt.steps[0]!.command, 'sleep 5');
    assert.equal(receipt.steps[0]!.timedOut, true);
    assert.equal(receipt.steps[0]!.exitCode, null);
    assert.ok(readFileSync(receipt.logFile!, 'utf8').includes('$ sleep 5\n\n[exit none, timed out]\n'));
  });

  test('on timeout the whole process tree is stopped, not just the shell', async () => {
    const { cwd, logDir } = newDir();
    const marker = `${60 + counter}.0${process.pid}`;
    // A background grandchild not holding the output pipe, and a foreground one (shorter) that is.
    const receipt = await runProof({
      commands: [`(sleep ${marker} >/dev/null 2>&1 &); sleep 3.0${process.pid}`],
      cwd, logDir, index: 6, timeoutMs: 300,
    });
    assert.equal(receipt.steps[0]!.timedOut, true);
    assert.equal(receipt.steps[0]!.exitCode, null);
    const survivors = processesWith(`sleep\0${marker}`);
    for (const pid of survivors) process.kill(pid, 'SIGKILL');
    assert.deepEqual(survivors, []);
  });

  test('leaves no signal or exit listeners behind', async () => {
    const { cwd, logDir } = newDir();
    const counts = () => ['SIGINT', 'SIGTERM', 'SIGHUP', 'exit'].map((e) => process.listenerCount(e));
    const before = counts();
    await runProof({ commands: ['true', 'exit 1'], cwd, logDir, index: 8, timeoutMs: 30_000 });
    await runProof({ commands: ['sleep 5'], cwd, logDir, index: 9, timeoutMs: 200 });
    assert.deepEqual(counts(), before);
  });

  test('SIGINT to loop while a proof runs stops the proof, and loop still exits by SIGINT', async () => {
    const { cwd, logDir } = newDir();
    const marker = `${50 + counter}.0${process.pid}`;
    const moduleUrl = new URL('../../src/proof/run-proof.ts', import.meta.url).href;
    const script = [
      `import { runProof } from ${JSON.stringify(moduleUrl)};`,
      `await runProof({ commands: ['sleep ${marker}'], cwd: ${JSON.stringify(cwd)}, logDir: ${JSON.stringify(logDir)}, index: 1, timeoutMs: 120000,`,
      // 'started' once loop forwards SIGINT to the proof (a condition, not a delay).
      `  onStep: () => { const ready = () => process.listenerCount('SIGINT') > 0 ? console.log('started') : setImmediate(ready); setImmediate(ready); } });`,
      `console.log('returned');`,
    ].join('\n');
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: new URL('../..', import.meta.url).pathname,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    let signalled = false;
    child.stdout.on('data', (chunk) => {
      output += String(chunk);
      if (signalled || !output.includes('started')) return;
      signalled = true;
      // …and once the proof command itself runs.
      const running = () => (processesWith(`sleep\0${marker}`).length > 0 ? child.kill('SIGINT') : setTimeout(running, 25));
      running();
    });
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once('exit', (c, s) => resolve([c, s])));
    const survivors = processesWith(`sleep\0${marker}`);
    for (const pid of survivors) process.kill(pid, 'SIGKILL');
    assert.equal(output, 'started\n');
    assert.deepEqual([code, signal], [null, 'SIGINT']);
    assert.deepEqual(survivors, []);
  });
});
