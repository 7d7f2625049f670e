import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { agentPids, envelopes, isAlive, useWorlds } from './helpers.js';

const world = useWorlds();

const done = (text = 'did the work') => ({ msg: ['done', '--text', text] });
const review = (verdict: string, findings: unknown[] = []) => ({ msg: ['review', '--json', JSON.stringify({ verdict, summary: `verdict ${verdict}`, findings })] });
const writeWork = (content = 'work\n') => ({ write: ['work.txt', content] });

/** The journal contract: seq 1, 2, 3… with `at` and `type` on every line. */
function assertJournal(events: Record<string, any>[]) {
  events.forEach((event, index) => {
    assert.equal(event.seq, index + 1);
    assert.equal(typeof event.at, 'string');
    assert.equal(typeof event.type, 'string');
  });
}

describe('loop run --ci with command agents', () => {
  test('happy path: completes with exit 0 and a contract-shaped manifest and journal', async () => {
    const w = await world();
    w.configure({ on: { task: [[writeWork(), done()]] } }, { on: { 'review-request': [[review('approve')]] } });
    const result = await w.loop(['run', '--ci', 'write work.txt']);
    assert.equal(result.exitCode, 0, result.all);
    assert.match(result.all, /completed \(exit 0\): approved and proof passed on tree [0-9a-f]{12}/);
    const run = w.onlyRun();
    assert.equal(run.manifest.status, 'completed');
    assert.equal(run.manifest.phase, 'finished');
    assert.equal(run.manifest.iteration, 1);
    assert.deepEqual(run.manifest.result.exitCode, 0);
    assert.equal(run.manifest.roles.worker.agent, 'fake-worker');
    assert.equal(run.manifest.roles.reviewer.agent, 'fake-reviewer');
    for (const key of ['id', 'repoId', 'cwd', 'createdAt', 'updatedAt']) assert.equal(typeof run.manifest[key], 'string', key);
    assertJournal(run.events);
    const types = run.events.map((e) => e.type);
    for (const type of ['run.started', 'agent.started', 'message', 'proof.receipt', 'transition', 'run.finished']) assert.ok(types.includes(type), type);
    const receipt = run.events.find((e) => e.type === 'proof.receipt')!.receipt;
    assert.equal(receipt.passed, true);
    assert.equal(receipt.steps[0].command, 'test -f work.txt');
    const kinds = envelopes(run.events).map((e) => `${e.from}>${e.to}:${e.kind}`);
    assert.deepEqual(kinds, ['loop>worker:task', 'worker>loop:done', 'loop>reviewer:review-request', 'reviewer>loop:review']);
    assert.equal(statSync(run.dir).mode & 0o777, 0o700);
    assert.equal(statSync(join(run.dir, 'manifest.json')).mode & 0o777, 0o600);
    assert.equal(statSync(join(run.dir, 'events.jsonl')).mode & 0o777, 0o600);
    for (const pid of agentPids(run.events)) assert.equal(isAlive(pid), false, `agent pid ${pid} survived`);
  });

  test('changes requested once, then approved: iteration 2, exit 0, findings reach the worker', async () => {
    const w = await world();
    const finding = { severity: 'high', title: 'Missing newline handling', file: 'work.txt', line: 1 };
    w.configure(
      { on: { task: [[writeWork('v1\n'), done('first try')], [writeWork('v2\n'), done('fixed')]] } },
      { on: { 'review-request': [[review('changes', [finding])], [review('approve')]] } },
    );
    const result = await w.loop(['run', '--ci', 'write work.txt']);
    assert.equal(result.exitCode, 0, result.all);
    const run = w.onlyRun();
    assert.equal(run.manifest.iteration, 2);
    assert.equal(run.manifest.status, 'completed');
    const tasks = envelopes(run.events).filter((e) => e.kind === 'task');
    assert.equal(tasks.length, 2);
    assert.match(tasks[1].payload.text, /\[high\] Missing newline handling \(work\.txt:1\)/);
    assert.equal(tasks[1].payload.iteration, 2);
  });

  test('a proof that never passes: exit 1 at the iteration cap, with the reason', async () => {
    const w = await world();
    w.configure({ on: { task: [[writeWork(), done()]] } }, { on: { 'review-request': [[review('approve')]] } }, { proof: ['echo broken >&2; exit 3'], maxIterations: 2 });
    const result = await w.loop(['run', '--ci', 'do it']);
    assert.equal(result.exitCode, 1, result.all);
    const run = w.onlyRun();
    assert.equal(run.manifest.status, 'failed');
    assert.equal(run.manifest.iteration, 2);
    assert.equal(run.manifest.result.exitCode, 1);
    assert.match(run.manifest.result.reason, /not proven after 2 iteration\(s\): proof failed: `echo broken >&2; exit 3` exited 3.*--max-iterations/);
    const second = envelopes(run.events).filter((e) => e.kind === 'task')[1];
    assert.match(second.payload.text, /Failing proof steps:[\s\S]*exited 3[\s\S]*broken/);
  });

  test('a malformed done and a review from the worker are refused with reasons; the run completes', async () => {
    const w = await world();
    w.configure(
      { on: { task: [[{ msg: ['done', '--json', '{"summary": 5}'] }, { msg: ['review', '--json', '{"verdict":"approve","summary":"self-approved"}'] }, writeWork(), done()]] } },
      { on: { 'review-request': [[review('approve')]] } },
    );
    const result = await w.loop(['run', '--ci', 'do it']);
    assert.equal(result.exitCode, 0, result.all);
    const log = w.agentLog();
    assert.ok(log.some((l) => /^worker msg done exit=2 .*payload\.summary: expected string, received number/.test(l)), log.join('\n'));
    assert.ok(log.some((l) => /^worker msg review exit=2 .*only the reviewer may send 'review' \(you are the worker\)/.test(l)), log.join('\n'));
    const run = w.onlyRun();
    const refused = run.events.filter((e) => e.type === 'message.refused');
    assert.equal(refused.length, 2);
    assert.deepEqual(refused.map((e) => e.kind), ['done', 'review']);
    assert.match(result.all, /refused review from the worker: only the reviewer may send 'review'/);
  });

  test('a .loop.json with a wrong type exits 2, names the file and key, prints no stack, creates no run', async () => {
    const w = await world();
    w.configure({ on: {} }, { on: {} }, { maxIterations: 'three' });
    const result = await w.loop(['run', '--ci', 'do it']);
    assert.equal(result.exitCode, 2);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /^loop: \.loop\.json: maxIterations: expected number, received string$/m);
    assert.doesNotMatch(result.stderr, /\n\s+at /);
    assert.deepEqual(w.runDirs(), []);
  });

  test('an agent command that is not on PATH exits 2 before anything starts, with the fix', async () => {
    const w = await world();
    w.configure({ on: {} }, { on: {} }, { agents: { 'fake-worker': { command: 'no-such-agent-bin' }, 'fake-reviewer': { command: process.execPath } } });
    const result = await w.loop(['run', '--ci', 'do it']);
    assert.equal(result.exitCode, 2);
    assert.equal(result.stderr, "loop: worker: 'no-such-agent-bin' (agent fake-worker) is not installed or not on PATH\n  hint: fix agents.fake-worker.command in .loop.json");
    assert.deepEqual(w.runDirs(), []);
  });

  test('a worker that never claims done is reminded, then the run stops as stalled (exit 3)', async () => {
    const w = await world();
    w.configure({ on: { task: [[{ echo: 'thinking…' }]] } }, { on: {} });
    const result = await w.loop(['run', '--ci', 'do it']);
    assert.equal(result.exitCode, 3, result.all);
    const run = w.onlyRun();
    assert.match(run.manifest.result.reason, /the worker went idle 3 times without sending a done claim/);
    const tasks = envelopes(run.events).filter((e) => e.kind === 'task');
    assert.equal(tasks.length, 3);
    assert.match(tasks[1].payload.text, /^Reminder/);
  });

  test('a worker waiting for the answer to its question is not reminded; the unanswered question stalls the run, named (exit 3)', async () => {
    const w = await world();
    w.configure({ on: { task: [[{ msg: ['question', '--text', 'which file?'] }]] } }, { on: { question: [[{ echo: 'hmm' }]] } });
    const result = await w.loop(['run', '--ci', 'do it']);
    assert.equal(result.exitCode, 3, result.all);
    const run = w.onlyRun();
    const question = envelopes(run.events).find((e) => e.kind === 'question');
    assert.ok(question, 'the question was journaled');
    assert.equal(run.manifest.result.reason, `stalled: the reviewer went idle 3 times without answering the worker's question ${question.id} (stall.idleReminders: 2)`);
    assert.equal(envelopes(run.events).filter((e) => e.kind === 'task').length, 1, 'the worker, waiting for its answer, got no reminder');
    const reminders = envelopes(run.events).filter((e) => e.kind === 'note' && e.from === 'loop' && e.to === 'reviewer');
    assert.equal(reminders.length, 2);
    assert.match(reminders[0].payload.text, new RegExp(`^Reminder: the worker is waiting for your answer to its question ${question.id}`));
  });

  test('the same blocking finding three rounds running stops the run as stalled (exit 3) before the iteration cap', async () => {
    const w = await world();
    const finding = { severity: 'high', title: 'Flag is ignored', file: 'src/cli.ts', line: 3 };
    w.configure({ on: { task: [[{ append: ['work.txt', 'more\n'] }, done()]] } }, { on: { 'review-request': [[review('changes', [finding])]] } });
    const result = await w.loop(['run', '--ci', 'do it']);
    assert.equal(result.exitCode, 3, result.all);
    const run = w.onlyRun();
    assert.equal(run.manifest.result.reason, 'stalled: the same blocking finding(s) 3 review rounds running: [high] Flag is ignored (src/cli.ts) (stall.sameFindings: 3)');
    assert.equal(run.manifest.iteration, 3);
    assert.match(result.all, /stall\.sameFindings: 3/);
  });

  test('an agent that keeps exiting is restarted twice, then the run ends with exit 5 naming the role', async () => {
    const w = await world();
    w.configure({ on: { task: [[{ exit: 7 }]] } }, { on: {} });
    const result = await w.loop(['run', '--ci', 'do it']);
    assert.equal(result.exitCode, 5, result.all);
    const run = w.onlyRun();
    assert.match(run.manifest.result.reason, /the worker agent exited \(exit code 7\) after 2 restart\(s\)/);
    assert.equal(run.events.filter((e) => e.type === 'agent.restarting').length, 2);
    const logs = await w.loop(['logs', run.manifest.id, '--role', 'worker']);
    assert.equal(logs.stdout.match(/fake worker ready/g)?.length, 3, logs.stdout);
    assert.match(logs.stdout, /──── worker relaunched \(worker\.3\.cast\) ────/);
  });
});
