// End-to-end: a panel of two reviewers with the real CLIs (codex works; claude and gemini review) against the
// scripted model server on 127.0.0.1, and `loop resume <gemini session id>` for the second reviewer.
// Run with: npm run test:e2e (or node --test test/e2e/panel.test.mjs)
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { envelopes, LOOP_BIN, pairScript, waitFor, worldRegistry } from './loop-world.mjs';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const { world, closeAll } = worldRegistry();
after(closeAll);

/** The run's journal and manifest, or undefined while they are being written. */
function current(w) {
  try {
    return w.runDirs()[0] ? w.run() : undefined;
  } catch {
    return undefined;
  }
}

/** Has gemini saved the prompt holding `messageId` in the chat record of this session (what its --resume needs)? */
function geminiHoldsPrompt(w, sessionId, messageId) {
  const tmp = join(w.home, '.gemini', 'tmp');
  try {
    for (const project of readdirSync(tmp)) {
      const chats = join(tmp, project, 'chats');
      let names = [];
      try {
        names = readdirSync(chats);
      } catch {
        continue;
      }
      for (const name of names.filter((n) => n.endsWith(`${sessionId.slice(0, 8)}.jsonl`))) {
        // A user line: the `$set` line written at launch (<session_context>) is no prompt.
        const lines = readFileSync(join(chats, name), 'utf8').split('\n').filter(Boolean);
        if (lines.some((l) => l.includes(messageId) && (() => { try { return JSON.parse(l).type === 'user'; } catch { return false; } })())) return true;
      }
    }
  } catch {}
  return false;
}

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

function assertPanelCompleted(w, result) {
  assert.equal(result.code, 0, result.output);
  const run = w.run();
  assert.equal(run.manifest.status, 'completed');
  assert.deepEqual(Object.keys(run.manifest.roles), ['worker', 'reviewer', 'reviewer-2']);
  assert.deepEqual([run.manifest.roles.worker.agent, run.manifest.roles.reviewer.agent, run.manifest.roles['reviewer-2'].agent], ['codex', 'claude', 'gemini']);
  const delivered = run.events.filter((e) => e.type === 'message.delivered').map((e) => e.id);
  assert.equal(new Set(delivered).size, delivered.length, 'a message was delivered twice');
  for (const e of run.events.filter((x) => x.type === 'agent.started')) assert.equal(alive(e.pid), false, `agent ${e.role} survived`);
  return run;
}

describe('a panel of reviewers with the real CLIs', { concurrency: 1 }, () => {
  test('loop run --ci --worker codex --reviewer claude --reviewer gemini completes once both approve', async () => {
    const w = await world(pairScript({ via: 'mcp' }));
    w.configure({ proof: ['test -f work.txt'], maxIterations: 2 });
    const result = await w.loop(['run', '--ci', '--worker', 'codex', '--reviewer', 'claude', '--reviewer', 'gemini', 'Create work.txt'], { timeoutMs: 180_000 });
    const run = assertPanelCompleted(w, result);
    assert.match(run.manifest.roles.reviewer.sessionId, UUID);
    assert.match(run.manifest.roles['reviewer-2'].sessionId, UUID);
    assert.notEqual(run.manifest.roles.reviewer.sessionId, run.manifest.roles['reviewer-2'].sessionId);
    // Each reviewer got the review requests addressed to it, of the plan (the plan phase is on by default) and of
    // the change, and answered each as its own role (its own drop-box and key).
    const all = envelopes(run.events);
    // A reviewer that ends a turn without its review (on a loaded machine, a harness whose MCP server was not up
    // yet) is reminded: the same request again, with a notice. Those reminders aside, each got one of each.
    const requests = all.filter((e) => e.kind === 'review-request' && !e.payload.notice);
    const reminders = all.filter((e) => e.kind === 'review-request' && e.payload.notice);
    assert.deepEqual(requests.map((e) => `${e.payload.subject}:${e.to}`).sort(), ['change:reviewer', 'change:reviewer-2', 'plan:reviewer', 'plan:reviewer-2']);
    for (const r of reminders) assert.match(r.payload.notice, /^(Reminder: loop is waiting for your review|Asked again)/, `${r.id} is a reminder`);
    const verdicts = all.filter((e) => e.kind === 'review').map((e) => `${e.from}:${e.payload.verdict}`);
    assert.deepEqual([...new Set(verdicts)].sort(), ['reviewer-2:approve', 'reviewer:approve']);
    for (const role of ['reviewer', 'reviewer-2']) assert.ok(verdicts.filter((v) => v === `${role}:approve`).length >= 2, `${role} approved the plan and the change`);
    const approved = run.events.find((e) => e.type === 'plan.approved');
    assert.ok(approved?.reviewed, 'the panel approved the plan');
    const work = all.find((e) => e.kind === 'task' && e.payload.phase === 'work');
    assert.ok(requests.filter((e) => e.payload.subject === 'plan').every((e) => e.seq < work.seq), 'both plan reviews were asked for before the work');
    assert.equal(run.events.filter((e) => e.type === 'message.forged').length, 0);
    // Gemini's turn signals came from its own hook, under its own role (its own signals file).
    assert.ok(run.events.some((e) => e.type === 'agent.turn-started' && e.role === 'reviewer-2' && e.event === 'gemini-before-agent'), 'the reviewer-2 BeforeAgent hook fired');
    const show = JSON.parse(execFileSync(process.execPath, [LOOP_BIN, 'show', '--json', run.manifest.id], { env: w.env, encoding: 'utf8' }));
    assert.deepEqual(show.panel.rounds.map((r) => [r.iteration, r.outcome, r.approvedBy]), [[1, 'approved', ['reviewer', 'reviewer-2']]]);
    const tools = w.server.requests().filter((q) => q.reply?.kind === 'tool').map((q) => `${q.dialect}:${q.reply.name}`);
    assert.ok(tools.includes('anthropic:mcp__loop__send_review') && tools.some((t) => t.startsWith('gemini:') && t.includes('send_review')), tools.join(', '));
  });

  test('loop killed while gemini (reviewer-2) reviews: `loop resume <gemini session id>` resumes it on its own session and completes', async () => {
    const script = pairScript({ via: 'mcp' });
    const approve = { mcpTool: 'send_review', args: { verdict: 'approve', summary: 'looks good', findings: [] } };
    // Gemini's first review (of the plan: the plan phase is on by default) is slow (the model's reply is held), so
    // loop can be killed in the middle of it.
    script.rules.unshift({ name: 'gemini-slow-review', agent: 'gemini', match: 'You are the REVIEWER', times: 1, steps: [{ ...approve, delayMs: 15_000 }], final: 'reviewed slowly' });
    const w = await world(script);
    w.configure({ worker: 'codex', reviewers: ['claude', 'gemini'], proof: ['test -f work.txt'], maxIterations: 2 });
    const first = w.loop(['run', '--ci', 'Create work.txt'], { timeoutMs: 180_000 });
    let sessionId;
    await waitFor(() => {
      const run = current(w);
      sessionId = run?.manifest.roles['reviewer-2']?.sessionId;
      const request = run && envelopes(run.events).find((e) => e.kind === 'review-request' && e.to === 'reviewer-2');
      return Boolean(sessionId && request && geminiHoldsPrompt(w, sessionId, request.id));
    }, 'gemini to save the review request in its session');
    first.child.kill('SIGKILL');
    await first;
    const killed = w.run();
    assert.equal(killed.manifest.status, 'running');
    assert.equal(envelopes(killed.events).some((e) => e.kind === 'review' && e.from === 'reviewer-2'), false, 'gemini had not reviewed yet');

    const result = await w.loop(['resume', '--ci', sessionId], { timeoutMs: 180_000 });
    const run = assertPanelCompleted(w, result);
    assert.ok(run.events.some((e) => e.type === 'run.resumed'));
    const relaunch = run.events.filter((e) => e.type === 'agent.started' && e.role === 'reviewer-2').at(-1);
    assert.ok(relaunch.args.includes('--resume') && relaunch.args.includes(sessionId), relaunch.args.join(' '));
    assert.equal(run.manifest.roles['reviewer-2'].sessionId, sessionId);
    assert.ok(envelopes(run.events).some((e) => e.kind === 'review' && e.from === 'reviewer-2' && e.payload.verdict === 'approve'));
    const show = JSON.parse(execFileSync(process.execPath, [LOOP_BIN, 'show', '--json', sessionId], { env: w.env, encoding: 'utf8' }));
    assert.equal(show.status, 'completed');
  });
});
