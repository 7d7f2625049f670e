import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  agentPids, changeRequests, envelopes, FAKE_AGENT, gate, isAlive, killLoopWhen, openGate, readRun, useWorlds, waitFor, workTasks, type Action, type AgentScript,
  type World,
} from './helpers.js';

// A panel of reviewers, with fake command agents written only against the contracts (LOOP_ROLE, `loop msg`).
const world = useWorlds();

const done = { msg: ['done', '--text', 'did it'] };
const approve = { msg: ['review', '--json', '{"verdict":"approve","summary":"good"}'] };
const changes = (...findings: object[]): Action => ({ msg: ['review', '--json', JSON.stringify({ verdict: 'changes', summary: 'not yet', findings })] });

/** `.loop.json` with a fake worker and one fake agent per reviewer role (reviewer, reviewer-2, …). */
function configurePanel(w: World, worker: AgentScript, reviewers: AgentScript[], extra: Record<string, unknown> = {}): void {
  const agent = (role: string, script: AgentScript) => {
    const path = join(w.base, `${role}.json`);
    writeFileSync(path, JSON.stringify({ log: w.log, ...script }));
    return { command: process.execPath, args: [FAKE_AGENT], env: { FAKE_SCRIPT: path }, idlePattern: `^${role}>$` };
  };
  const roles = reviewers.map((_, i) => (i === 0 ? 'reviewer' : `reviewer-${i + 1}`));
  const agents = Object.fromEntries([['fake-worker', agent('worker', worker)], ...roles.map((role, i) => [`fake-${role}`, agent(role, reviewers[i]!)])]);
  const config = { worker: 'fake-worker', reviewers: roles.map((role) => `fake-${role}`), proof: ['test -f work.txt'], maxIterations: 3, agents, ...extra };
  writeFileSync(join(w.repo, '.loop.json'), JSON.stringify(config, null, 2));
}

const showJson = async (w: World, id: string) => JSON.parse((await w.loop(['show', '--json', id])).stdout);
const planRequests = (events: Record<string, any>[]) => envelopes(events).filter((e) => e.kind === 'review-request' && e.payload.subject === 'plan');

/** Has a review request (of the plan or the change) been delivered to `role`? (Else a resume would type it again, not reissue it.) */
const deliveredTo = (events: Record<string, any>[], role: string, subject: 'plan' | 'change') =>
  events.some((e) => e.type === 'message.delivered' && e.to === role &&
    envelopes(events).some((m) => m.id === e.id && m.kind === 'review-request' && (m.payload.subject ?? 'change') === subject));

describe('a panel of reviewers', () => {
  test('policy all: the run completes only when both approve; a finding both raised is agreed, and listed first in the task', async () => {
    const w = await world();
    const worker = { on: { task: [[{ write: ['work.txt', 'one\n'] }, done], [{ append: ['work.txt', 'two\n'] }, done], [{ append: ['work.txt', 'three\n'] }, done]] } };
    const first = changes({ severity: 'low', title: 'style' }, { severity: 'high', title: 'work.txt needs a second line', file: 'work.txt', line: 1 });
    const second = changes({ severity: 'medium', title: 'second line missing', file: 'work.txt', line: 2 });
    configurePanel(w, worker, [
      { on: { 'review-request': [[first], [approve]] } },
      { on: { 'review-request': [[second], [changes({ severity: 'low', title: 'and a third' })], [approve]] } },
    ]);
    const result = await w.loop(['run', '--ci', 'write work.txt']);
    assert.equal(result.exitCode, 0, result.all);
    const run = w.onlyRun();
    assert.equal(run.manifest.iteration, 3, 'iteration 2 had one approval of two: not enough');
    assert.deepEqual(Object.keys(run.manifest.roles), ['worker', 'reviewer', 'reviewer-2']);
    assert.equal(run.manifest.roles['reviewer-2'].agent, 'fake-reviewer-2');
    assert.match(run.manifest.result.reason, /^approved and proof passed on tree [0-9a-f]{12} \(approved by reviewer, reviewer-2; panel all: every reviewer must approve\)$/);

    // Each reviewer got each review request (of the plan, then of each change), addressed to it, and answered as its own role.
    const all = envelopes(run.events);
    const requests = changeRequests(run.events);
    assert.deepEqual(requests.map((e) => `${e.iteration}:${e.to}`).sort(), ['1:reviewer', '1:reviewer-2', '2:reviewer', '2:reviewer-2', '3:reviewer', '3:reviewer-2']);
    assert.deepEqual(all.filter((e) => e.kind === 'review-request' && e.payload.subject === 'plan').map((e) => e.to), ['reviewer', 'reviewer-2']);
    assert.deepEqual(all.filter((e) => e.kind === 'review').map((e) => e.from).sort(), ['reviewer', 'reviewer', 'reviewer', 'reviewer', 'reviewer-2', 'reviewer-2', 'reviewer-2', 'reviewer-2']);
    const started = run.events.filter((e) => e.type === 'agent.started').map((e) => e.role);
    assert.deepEqual(started, ['worker', 'reviewer', 'reviewer-2']);

    const fix = workTasks(run.events)[1]!.payload.text as string;
    assert.match(fix, /Findings \(the first 1 agreed by several reviewers\):\n- \[high\] work\.txt needs a second line \(work\.txt:1\) \[agreed by reviewer, reviewer-2\]\n- \[low\] style \[reviewer\]/);

    const show = await showJson(w, run.manifest.id);
    assert.equal(show.panel.policy, 'all');
    assert.deepEqual(show.panel.reviewers.map((r: { role: string; agent: string }) => `${r.role}=${r.agent}`), ['reviewer=fake-reviewer', 'reviewer-2=fake-reviewer-2']);
    const rounds = show.panel.rounds;
    assert.deepEqual(rounds.map((r: { iteration: number; outcome: string }) => `${r.iteration} ${r.outcome}`), ['1 not approved', '2 not approved', '3 approved']);
    assert.deepEqual(rounds[0].agreed, [{ severity: 'high', title: 'work.txt needs a second line', file: 'work.txt', line: 1, raisedBy: ['reviewer', 'reviewer-2'], agreedBy: ['reviewer', 'reviewer-2'] }]);
    assert.deepEqual(rounds[1].approvedBy, ['reviewer']);
    assert.deepEqual(rounds[1].verdicts, [{ role: 'reviewer', verdict: 'approve' }, { role: 'reviewer-2', verdict: 'changes' }]);
    assert.deepEqual(rounds[2].approvedBy, ['reviewer', 'reviewer-2']);

    const text = (await w.loop(['show', run.manifest.id])).stdout;
    assert.match(text, /^agents {4}worker fake-worker · reviewer fake-reviewer · reviewer-2 fake-reviewer-2$/m);
    assert.match(text, /^panel {5}all: every reviewer must approve$/m);
    assert.match(text, /^ {2}iteration 1: not approved \(no approval\) · reviewer changes, reviewer-2 changes; agreed: \[high\] work\.txt needs a second line \(work\.txt:1\) \[reviewer, reviewer-2\]$/m);
    assert.match(text, /^ {2}iteration 2: not approved \(approved by reviewer\) · reviewer approve, reviewer-2 changes$/m);
    assert.match(result.stdout, /^loop: iteration 1: not approved \(no approval\) · reviewer changes, reviewer-2 changes; agreed: /m);
    const ls = (await w.loop(['ls'])).stdout;
    assert.match(ls, /fake-worker\/fake-reviewer\+fake-reviewer-2/);

    const logs = await w.loop(['logs', run.manifest.id, '--role', 'reviewer-2']);
    assert.equal(logs.exitCode, 0);
    assert.match(logs.stdout, /fake reviewer-2 ready/);
    assert.doesNotMatch(logs.stdout, /fake reviewer ready/);
    const attach = await w.loop(['attach', run.manifest.id, 'reviewer-3']);
    assert.equal(attach.exitCode, 2);
    assert.match(attach.stderr, new RegExp(`^loop: run ${run.manifest.id} has no reviewer-3 \\(its roles: worker, reviewer, reviewer-2\\)$`, 'm'));
  });

  test('majority of three: two approvals complete the run without waiting for the third reviewer', async () => {
    const w = await world();
    configurePanel(w, { on: { task: [[{ write: ['work.txt', 'x\n'] }, done]] } }, [
      { on: { 'review-request': [[approve]] } },
      // Never answers: its gate is not opened. The run must not wait for it.
      { on: { 'review-request': [[gate(w, 'never'), changes({ severity: 'high', title: 'no' })]] } },
      { on: { 'review-request': [[approve]] } },
    ], { panel: 'majority' });
    const result = await w.loop(['run', '--ci', 'write work.txt']);
    assert.equal(result.exitCode, 0, result.all);
    const run = w.onlyRun();
    assert.equal(run.manifest.iteration, 1);
    assert.match(run.manifest.result.reason, /\(approved by reviewer, reviewer-3; panel majority: 2 of 3 must approve\)$/);
    const rounds = (await showJson(w, run.manifest.id)).panel.rounds;
    assert.equal(rounds.length, 1);
    assert.equal(rounds[0].outcome, 'approved');
    assert.deepEqual(rounds[0].approvedBy, ['reviewer', 'reviewer-3']);
    assert.deepEqual(rounds[0].verdicts, [{ role: 'reviewer', verdict: 'approve' }, { role: 'reviewer-2', verdict: null }, { role: 'reviewer-3', verdict: 'approve' }]);
    for (const pid of agentPids(run.events)) await waitFor(() => !isAlive(pid), `agent ${pid} to end with its run`);
  });

  test('a resumed panel run gives its request again only to the reviewer that had not answered', async () => {
    const w = await world();
    configurePanel(w, { on: { task: [[{ write: ['work.txt', 'x\n'] }, done]] } }, [
      { on: { 'review-request': [[approve]] } },
      { on: { 'review-request': [[gate(w, 'second'), approve]] } },
    ]);
    const killed = await killLoopWhen(w, w.loop(['run', '--ci', 'write work.txt']), (events) =>
      events.some((e) => e.type === 'transition' && e.input?.kind === 'review' && e.input?.from === 'reviewer' && e.state?.phase === 'reviewing') &&
      deliveredTo(events, 'reviewer-2', 'change'));
    for (const pid of agentPids(killed.events)) await waitFor(() => !isAlive(pid), `agent ${pid} to end with its loop`);
    openGate(w, 'second');
    const resumed = await w.loop(['resume', '--ci', killed.manifest.id]);
    assert.equal(resumed.exitCode, 0, resumed.all);
    const run = readRun(killed.dir);
    const requests = changeRequests(run.events).map((e) => e.to);
    assert.deepEqual(requests.sort(), ['reviewer', 'reviewer-2', 'reviewer-2'], 'only reviewer-2, whose review was owed, is asked again');
    // One review of the plan and one of the change from each.
    assert.deepEqual(envelopes(run.events).filter((e) => e.kind === 'review').map((e) => e.from).sort(), ['reviewer', 'reviewer', 'reviewer-2', 'reviewer-2']);
  });

  test('plan review: every reviewer reviews the plan; the run completes only after the panel approved the plan, then the change', async () => {
    const w = await world();
    const planChanges = (...findings: object[]): Action => ({ msg: ['review', '--json', JSON.stringify({ verdict: 'changes', summary: 'plan not yet', findings })] });
    const planApprove = { msg: ['review', '--json', '{"verdict":"approve","summary":"plan good"}'] };
    configurePanel(w, { on: { task: [[{ write: ['work.txt', 'x\n'] }, done]] } }, [
      { on: { 'plan-review': [[planChanges({ severity: 'high', title: 'no test step', file: 'PLAN.md', line: 3 })], [planApprove]], 'review-request': [[approve]] } },
      {
        on: {
          'plan-review': [[planChanges({ severity: 'medium', title: 'the proof is vague', file: 'PLAN.md', line: 4 })], [planChanges({ severity: 'low', title: 'name the test' })], [planApprove]],
          'review-request': [[approve]],
        },
      },
    ], { plan: 'review', maxPlanRounds: 3 });
    const result = await w.loop(['run', '--ci', 'write work.txt']);
    assert.equal(result.exitCode, 0, result.all);
    const run = w.onlyRun();
    assert.match(run.manifest.result.reason, /\(approved by reviewer, reviewer-2; panel all: every reviewer must approve\)$/);

    // Three plan rounds, each reviewed by both: round 2 had one approval of two, not enough.
    const plans = planRequests(run.events);
    assert.deepEqual(plans.map((e) => e.to), ['reviewer', 'reviewer-2', 'reviewer', 'reviewer-2', 'reviewer', 'reviewer-2']);
    const planTasks = envelopes(run.events).filter((e) => e.kind === 'task' && e.payload.phase === 'plan');
    assert.equal(planTasks.length, 3);
    assert.match(planTasks[1]!.payload.text, /^Plan round 2 of 3: the panel did not approve \(0 of 2 approved; policy all: every reviewer must approve\)\.$/m);
    assert.ok(planTasks[1]!.payload.text.includes('Findings (the first 1 agreed by several reviewers):\n- [high] no test step (PLAN.md:3) [agreed by reviewer, reviewer-2]'), planTasks[1]!.payload.text);
    assert.match(planTasks[2]!.payload.text, /^Plan round 3 of 3: the panel did not approve \(1 of 2 approved: reviewer; policy all: every reviewer must approve\)\.$/m);
    const approved = run.events.filter((e) => e.type === 'plan.approved');
    assert.deepEqual(approved.map((e) => [e.round, e.reviewed]), [[3, true]]);

    // No work before the panel approved the plan; then the change went to both, and both approved it.
    const [work] = workTasks(run.events);
    assert.equal(envelopes(run.events).filter((e) => e.kind === 'review' && e.seq < work.seq).length, 6, 'the six plan reviews came before the work task');
    assert.match(work.payload.text, /^The reviewers approved your plan/);
    assert.deepEqual(changeRequests(run.events).map((e) => `${e.iteration}:${e.to}`), ['1:reviewer', '1:reviewer-2']);
    assert.ok(changeRequests(run.events).every((e) => e.seq > work.seq));
  });

  test('a resumed panel run in plan review asks again only the reviewer that owed its review of the plan', async () => {
    const w = await world();
    const planApprove = { msg: ['review', '--json', '{"verdict":"approve","summary":"plan good"}'] };
    configurePanel(w, { on: { task: [[{ write: ['work.txt', 'x\n'] }, done]] } }, [
      { on: { 'plan-review': [[planApprove]], 'review-request': [[approve]] } },
      { on: { 'plan-review': [[gate(w, 'plan'), planApprove]], 'review-request': [[approve]] } },
    ], { plan: 'review' });
    const killed = await killLoopWhen(w, w.loop(['run', '--ci', 'write work.txt']), (events) =>
      events.some((e) => e.type === 'transition' && e.input?.kind === 'review' && e.input?.from === 'reviewer' && e.state?.phase === 'plan-review') &&
      deliveredTo(events, 'reviewer-2', 'plan'));
    for (const pid of agentPids(killed.events)) await waitFor(() => !isAlive(pid), `agent ${pid} to end with its loop`);
    openGate(w, 'plan');
    const resumed = await w.loop(['resume', '--ci', killed.manifest.id]);
    assert.equal(resumed.exitCode, 0, resumed.all);
    const run = readRun(killed.dir);
    assert.deepEqual(planRequests(run.events).map((e) => e.to).sort(), ['reviewer', 'reviewer-2', 'reviewer-2'], 'only reviewer-2, whose review of the plan was owed, is asked again');
    assert.equal(run.events.filter((e) => e.type === 'plan.approved').length, 1);
    assert.deepEqual(changeRequests(run.events).map((e) => e.to).sort(), ['reviewer', 'reviewer-2']);
  });
});
