// End-to-end: loop drives the real claude, codex and gemini CLIs (pinned in harnesses/package.json) against a
// scripted model server on 127.0.0.1. Run with: npm run test:e2e
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertUsageTotals, envelopes, LOOP_BIN, pairScript, waitFor, worldRegistry } from './loop-world.mjs';

/** What claude saved of a session so far ('' when nothing). */
function claudeTranscript(w, sessionId) {
  const projects = join(w.home, '.claude', 'projects');
  try {
    for (const folder of readdirSync(projects)) {
      const path = join(projects, folder, `${sessionId}.jsonl`);
      if (existsSync(path)) return readFileSync(path, 'utf8');
    }
  } catch {}
  return '';
}


const { world, closeAll } = worldRegistry();
after(closeAll);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function waitForEvent(w, predicate, timeoutMs = 60_000) {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const dir = w.runDirs()[0];
    if (dir) {
      try {
        const { events } = w.run(dir);
        const hit = events.find(predicate);
        if (hit) return hit;
      } catch {
        // the journal is being written
      }
    }
    await sleep(100);
  }
  throw new Error('timed out waiting for a journal event');
}

function assertCompleted(w, result, { iteration = 1 } = {}) {
  assert.equal(result.code, 0, result.output);
  const run = w.run();
  assert.equal(run.manifest.status, 'completed');
  assert.equal(run.manifest.iteration, iteration);
  assert.equal(readFileSync(join(w.repo, 'work.txt'), 'utf8').split('\n')[0], 'first');
  const delivered = run.events.filter((e) => e.type === 'message.delivered').map((e) => e.id);
  assert.equal(new Set(delivered).size, delivered.length, 'a message was delivered twice');
  for (const e of run.events.filter((e) => e.type === 'agent.started')) assert.equal(alive(e.pid), false, `agent ${e.role} survived`);
  return run;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('real harnesses as a pair', { concurrency: 1 }, () => {
  test('claude worker × codex reviewer, through MCP tools, with the plan phase (plan changes once, the change once)', async () => {
    const w = await world(pairScript({ via: 'mcp', planChanges: 1, reviewerChanges: 1 }));
    w.configure({ worker: 'claude', reviewer: 'codex', proof: ['test -f work.txt'], maxIterations: 3 });
    const result = await w.loop(['run', '--ci', 'Create work.txt']);
    const run = assertCompleted(w, result, { iteration: 2 });
    // The plan phase: plan, changes, plan again, approved; then the work, the proof and the approval.
    const route = envelopes(run.events).filter((e) => e.kind !== 'note').map((e) => `${e.from}:${e.kind}${e.payload.phase ? `(${e.payload.phase})` : ''}${e.payload.subject ? `(${e.payload.subject})` : ''}`);
    assert.deepEqual(route, [
      'loop:task(plan)', 'worker:plan', 'loop:review-request(plan)', 'reviewer:review', 'loop:task(plan)', 'worker:plan', 'loop:review-request(plan)', 'reviewer:review',
      'loop:task(work)', 'worker:done', 'loop:review-request(change)', 'reviewer:review',
      'loop:task(work)', 'worker:done', 'loop:review-request(change)', 'reviewer:review',
    ]);
    // Issue 10: exact per-role token totals, read from claude's transcript and codex's rollout.
    const usage = assertUsageTotals(w, { worker: 'anthropic', reviewer: 'openai' }, assert);
    assert.ok(usage.byIteration.some((i) => i.iteration === 2 && i.byRole.worker && i.byRole.reviewer), 'both roles spent in iteration 2');
    assert.ok(usage.byRole.worker.costUsd > 0 && !usage.byRole.worker.costUnknown, 'claude-opus-4-8 is priced');
    assert.equal(usage.byRole.reviewer.costUnknown, true, 'gpt-fake has no price: its cost is unknown');
    assert.equal(run.events.filter((e) => e.type === 'plan.approved').length, 1);
    assert.deepEqual(run.manifest.plan, { done: 1, total: 1, items: [{ text: 'write work.txt', done: true }] });
    assert.match(result.output, /^loop: plan 1\/1 items checked$/m);
    assert.match(run.manifest.roles.worker.sessionId, UUID);
    const first = run.events.find((e) => e.type === 'message.delivered');
    assert.equal(first.via, 'command-line', 'the first task goes on the command line');
    assert.ok(run.events.some((e) => e.type === 'agent.turn-ended' && e.event === 'claude-stop'), 'the Stop hook fired');
    const done = envelopes(run.events).find((e) => e.kind === 'done');
    assert.equal(done.payload.summary, 'wrote work.txt');
    const tools = w.server.requests().filter((q) => q.reply?.kind === 'tool').map((q) => q.reply.name);
    assert.ok(tools.includes('mcp__loop__send_done') && tools.includes('mcp__loop__send_plan'), tools.join(', '));
    // Issue 7: the codex reviewer's thread id is known (found in its session file) before its first approval.
    const found = run.events.find((e) => e.type === 'agent.session' && e.role === 'reviewer');
    const review = run.events.find((e) => e.type === 'message' && e.envelope.kind === 'review');
    assert.ok(found && found.seq < review.seq, 'reviewer session recorded before the approval');
    assert.equal(run.manifest.roles.reviewer.sessionId, found.sessionId);
    // Every typed hand-off was confirmed by the harness itself, never by the screen.
    const typed = run.events.filter((e) => e.type === 'message.delivered' && e.via === 'terminal');
    assert.ok(typed.length > 0 && typed.every((e) => ['turn-start', 'turn-end', 'session record'].includes(e.confirmedBy)), JSON.stringify(typed));
  });

  test('codex worker × gemini reviewer, through `loop msg` from the shell tool (the change once); a usage report of its own is refused', async () => {
    const w = await world(pairScript({ via: 'shell', reviewerChanges: 1, inflateUsage: true }));
    w.configure({ worker: 'codex', reviewer: 'gemini', proof: ['test -f work.txt'], maxIterations: 3 });
    const result = await w.loop(['run', '--ci', 'Create work.txt']);
    const run = assertCompleted(w, result, { iteration: 2 });
    assert.match(run.manifest.roles.reviewer.sessionId, UUID);
    assert.match(run.manifest.roles.worker.sessionId ?? '', /^[0-9a-f-]{36}$/, 'the codex thread id was captured from notify');
    const via = envelopes(run.events).filter((e) => e.from !== 'loop');
    assert.deepEqual(via.map((e) => e.kind), ['plan', 'review', 'done', 'review', 'done', 'review']);
    // The made-up report is refused, named, and counts nowhere: the totals are exactly what the model server sent.
    const refused = run.events.filter((e) => e.type === 'message.refused' && e.kind === 'usage');
    assert.deepEqual(refused.map((e) => [e.from, e.reasons]), [['worker', ["loop reads the codex agent's usage from its own session records; loop msg usage is for custom (command) agents"]]]);
    assert.equal(run.events.some((e) => e.type === 'usage' && e.model === 'made-up'), false);
    assertUsageTotals(w, { worker: 'openai', reviewer: 'gemini' }, assert);
    const tools = w.server.requests().filter((q) => q.reply?.kind === 'tool').map((q) => `${q.dialect}:${q.reply.name}`);
    assert.ok(tools.includes('openai:exec_command') && tools.includes('gemini:run_shell_command'), tools.join(', '));
  });

  test('gemini worker × claude reviewer: changes requested once, then approved', async () => {
    const w = await world(pairScript({ via: 'mcp', reviewerChanges: 1 }));
    w.configure({ worker: 'gemini', reviewer: 'claude', proof: ['test -f work.txt'], maxIterations: 3 });
    const result = await w.loop(['run', '--ci', 'Create work.txt']);
    const run = assertCompleted(w, result, { iteration: 2 });
    const reviews = envelopes(run.events).filter((e) => e.kind === 'review').map((e) => e.payload.verdict);
    assert.deepEqual(reviews, ['approve', 'changes', 'approve'], 'the plan, then the change twice');
    const fix = envelopes(run.events).filter((e) => e.kind === 'task' && e.payload.phase === 'work')[1];
    assert.match(fix.payload.text, /\[high\] work\.txt needs a second line/);
    assert.equal(readFileSync(join(w.repo, 'work.txt'), 'utf8'), 'first\nsecond\n');
    const usage = assertUsageTotals(w, { worker: 'gemini', reviewer: 'anthropic' }, assert);
    assert.ok(usage.byRole.worker.models.includes('gemini-3.8-flash') && usage.byRole.worker.costUsd > 0);
  });

  for (const [worker, reviewer] of [['claude', 'codex'], ['codex', 'claude'], ['gemini', 'codex']]) {
    test(`a real ${worker} killed mid-turn is restarted on its own session`, async () => {
      const w = await world(pairScript({ via: 'mcp', reviewerChanges: 1, fixDelayMs: 4000 }));
      w.configure({ worker, reviewer, proof: ['test -f work.txt'], maxIterations: 3 });
      // A relaunch (a real gemini takes ~30 s to come back on a loaded machine) and, at the end, the agents' last
      // turns (a completed run waits for them to count their usage): more than the default 90 s may be needed.
      const pending = w.loop(['run', '--ci', 'Create work.txt'], { timeoutMs: 150_000 });
      // Iteration 2: the worker has a session id by now, and its fix turn is slow (the model reply is delayed).
      await waitForEvent(w, (e) => e.type === 'transition' && e.state?.iteration === 2);
      await waitFor(() => w.server.held().some((q) => q.reply.rule === 'worker-fix'), 'the worker to be mid-turn on its fix (its model reply held)', 120_000);
      const { events, manifest } = w.run();
      const victim = events.filter((e) => e.type === 'agent.started' && e.role === 'worker').at(-1);
      const sessionId = manifest.roles.worker.sessionId;
      assert.ok(sessionId, 'the worker session id is known before the kill');
      process.kill(victim.pid, 'SIGKILL');
      const result = await pending;
      const run = assertCompleted(w, result, { iteration: 2 });
      const restart = run.events.find((e) => e.type === 'agent.restarting');
      assert.equal(restart.resumeSessionId, sessionId);
      const relaunch = run.events.filter((e) => e.type === 'agent.started' && e.role === 'worker').at(-1);
      const resumeArgs = { claude: ['--resume', sessionId], gemini: ['--resume', sessionId], codex: ['resume'] }[worker];
      for (const arg of resumeArgs) assert.ok(relaunch.args.includes(arg), `${arg} in ${relaunch.args.join(' ')}`);
      assert.equal(relaunch.args.at(-1) === sessionId || relaunch.args.includes(sessionId), true);
    });
  }

  test('loop killed mid-run, then `loop resume <claude session id>` completes; nothing delivered twice', async () => {
    const w = await world(pairScript({ via: 'mcp', workerDelayMs: 4000 }));
    w.configure({ worker: 'claude', reviewer: 'codex', proof: ['test -f work.txt'], maxIterations: 2 });
    const first = w.loop(['run', '--ci', 'Create work.txt']);
    const started = await waitForEvent(w, (e) => e.type === 'agent.started' && e.role === 'worker');
    await waitForEvent(w, (e) => e.type === 'agent.started' && e.role === 'reviewer');
    // Kill loop once claude has saved the session's first user message (what its --resume needs); on a busy
    // machine that takes seconds. A session killed before that is relaunched fresh (see the next test).
    await waitFor(() => claudeTranscript(w, started.sessionId).includes('"type":"user"'), 'claude to save its session');
    first.child.kill('SIGKILL');
    await first;
    assert.equal(w.run().manifest.status, 'running');
    const result = await w.loop(['resume', '--ci', started.sessionId]);
    const run = assertCompleted(w, result);
    assert.ok(run.events.some((e) => e.type === 'run.resumed'));
    const relaunch = run.events.filter((e) => e.type === 'agent.started' && e.role === 'worker')[1];
    assert.deepEqual(relaunch.args.slice(0, 2), ['--resume', started.sessionId]);
    const show = JSON.parse(execFileSync(process.execPath, [LOOP_BIN, 'show', '--json', started.sessionId], { env: w.env, encoding: 'utf8' }));
    assert.equal(show.status, 'completed');
  });

  test('a codex worker killed in its first turn: `loop resume <codex thread id>` continues it on its own session', async () => {
    const w = await world(pairScript({ via: 'mcp', workerDelayMs: 6000 }));
    // About the worker's first turn: without the plan phase, that is the slow work turn.
    w.configure({ worker: 'codex', reviewer: 'claude', proof: ['test -f work.txt'], maxIterations: 2, plan: 'off' });
    const first = w.loop(['run', '--ci', 'Create work.txt']);
    const found = await waitForEvent(w, (e) => e.type === 'agent.session' && e.role === 'worker');
    // The manifest is rewritten after the journal line: wait for it to name the session (what resume looks up).
    await waitFor(() => w.run().manifest.roles.worker.sessionId === found.sessionId, 'the manifest to record the worker session');
    assert.equal(w.run().events.some((e) => e.type === 'agent.turn-ended' && e.role === 'worker' && !e.ignored), false, 'still in its first turn');
    first.child.kill('SIGKILL');
    await first;
    const result = await w.loop(['resume', '--ci', found.sessionId]);
    const run = assertCompleted(w, result);
    const relaunch = run.events.filter((e) => e.type === 'agent.started' && e.role === 'worker')[1];
    assert.ok(relaunch.args.includes('resume') && relaunch.args.at(-1) === found.sessionId, relaunch.args.join(' '));
  });

  test('loop killed before claude saved its session: resume starts claude afresh with the task, and completes', async () => {
    const w = await world(pairScript({ via: 'mcp', workerDelayMs: 4000 }));
    w.configure({ worker: 'claude', reviewer: 'codex', proof: ['test -f work.txt'], maxIterations: 2, plan: 'off' });
    const first = w.loop(['run', '--ci', 'Create work.txt']);
    const started = await waitForEvent(w, (e) => e.type === 'agent.started' && e.role === 'worker');
    await waitFor(() => w.run().manifest.roles.worker.sessionId === started.sessionId, 'the manifest to record the session');
    first.child.kill('SIGKILL');
    await first;
    const result = await w.loop(['resume', '--ci', started.sessionId]);
    const run = assertCompleted(w, result);
    const relaunch = run.events.filter((e) => e.type === 'agent.started' && e.role === 'worker')[1];
    // Claude may still save the session while resume ends the old process (it flushes on SIGTERM): then it
    // is resumed; otherwise it starts afresh, on a new session, and gets its task again.
    if (relaunch.args.includes('--resume')) {
      assert.ok(claudeTranscript(w, started.sessionId).includes('"type":"user"'));
    } else {
      assert.notEqual(relaunch.sessionId, started.sessionId);
      const tasks = envelopes(run.events).filter((e) => e.kind === 'task');
      assert.ok(run.events.some((e) => e.type === 'message.delivered' && e.to === 'worker' && tasks.some((t) => t.id === e.id) && e.seq > run.events.find((x) => x.type === 'run.resumed').seq));
    }
  });

  test('a message to a busy agent waits until its turn ends, and arrives once', async () => {
    const w = await world(pairScript({ via: 'mcp', workerDelayMs: 5000, reviewerDelayMs: 4000 }));
    w.configure({ worker: 'codex', reviewer: 'claude', proof: ['test -f work.txt'], maxIterations: 2, plan: 'off' });
    const pending = w.loop(['run', '--ci', 'Create work.txt']);
    await waitForEvent(w, (e) => e.type === 'agent.started' && e.role === 'reviewer');
    await waitFor(() => w.server.held().some((q) => q.reply.rule === 'worker'), 'the worker to be mid-turn (its first model reply held)', 120_000);
    const runDir = w.runDirs()[0];
    const id = execFileSync(process.execPath, [LOOP_BIN, 'msg', 'note', '--text', 'NOTE-WHILE-BUSY'], {
      env: { ...w.env, LOOP_RUN_DIR: runDir, LOOP_ROLE: 'reviewer' }, encoding: 'utf8',
    }).trim();
    const result = await pending;
    const run = assertCompleted(w, result);
    const delivered = run.events.filter((e) => e.type === 'message.delivered' && e.id === id);
    assert.equal(delivered.length, 1);
    const turnEnd = run.events.find((e) => e.type === 'agent.turn-ended' && e.role === 'worker' && !e.ignored);
    assert.ok(turnEnd && turnEnd.seq < delivered[0].seq, 'the note was typed only after the busy turn ended');
    const seen = w.server.requests().filter((q) => q.dialect === 'openai' && q.kind === 'turn' && q.toolRounds === 0 && (q.userText ?? '').includes('NOTE-WHILE-BUSY'));
    assert.equal(seen.length, 1, 'the note reached the model exactly once');
  });
});
