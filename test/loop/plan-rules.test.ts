import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { advance } from '../../src/loop/machine.js';
import type { LoopState } from '../../src/loop/state.js';
import { effectsOf } from '../../src/loop/effects.js';
import { done, feed, freeze, fresh, has, last, msgs, passing, PLAN_TEXT, planMsg, planRead, receipt, resumed, review, TREE_A, TREE_B, type Options } from './helpers.js';

const HASH = 'f'.repeat(64);
const started = (options: Options = {}) => advance(fresh({ plan: 'review', ...options }), { type: 'start' }).state;
/** A state in `plan-review`: start → plan → PLAN.md read. */
const inPlanReview = (options: Options = {}) => last(feed(started(options), planMsg(), planRead())).state;
/** A state in `working` after the plan was approved. */
const approved = (options: Options = {}) => advance(freeze(inPlanReview(options)), review('approve', TREE_A)).state;
const plan = (text: string) => ({ type: 'plan-read' as const, file: { text, bytes: text.length, hash: HASH } });

describe('the plan phase (plan: review)', () => {
  test('start: the first task is a plan task (phase plan) in iteration 1, round 1', () => {
    const step = advance(freeze(fresh({ plan: 'review' })), { type: 'start' });
    assert.equal(step.state.phase, 'planning');
    assert.equal(step.state.iteration, 1);
    assert.equal(step.state.plan?.round, 1);
    assert.deepEqual(msgs(step).map((m) => [m.to, m.kind, m.payload.phase, m.payload.iteration]), [['worker', 'task', 'plan', 1]]);
    const text = msgs(step)[0]!.payload.text as string;
    assert.ok(text.startsWith('Add a --verbose flag\n'), text);
    assert.match(text, /^PLAN PHASE: Write PLAN\.md at the repository root: a Markdown checklist/m);
    assert.match(text, /loop msg plan --text/);
    assert.doesNotMatch(text, /A plan is given/);
  });

  test('a given plan is adopted, not started over', () => {
    const step = advance(freeze(fresh({ plan: 'review', given: 'PLAN.md' })), { type: 'start' });
    assert.match(msgs(step)[0]!.payload.text as string, /A plan is given \(PLAN\.md\): adopt it in PLAN\.md — keep its steps and what is already checked, add what is missing; do not start over\./);
  });

  test('plan off: the first task is as before, with no phase', () => {
    const step = advance(freeze(fresh({ plan: 'off' })), { type: 'start' });
    assert.equal(step.state.phase, 'working');
    assert.equal(step.state.plan, undefined);
    assert.deepEqual(Object.keys(msgs(step)[0]!.payload).sort(), ['iteration', 'text']);
  });

  test('the worker\'s plan: loop reads PLAN.md (read-plan) and stops its turn clock, sends nothing yet', () => {
    const input = planMsg('three steps');
    const step = advance(freeze(started()), input);
    assert.deepEqual(step.effects, [{ type: 'cancel-timer', timer: 'turn:worker' }, { type: 'read-plan' }]);
    assert.deepEqual(msgs(step), []);
    assert.equal(step.state.phase, 'planning');
    assert.deepEqual(step.state.plan?.pending, { id: (input as { envelope: { id: string } }).envelope.id, summary: 'three steps' });
    assert.equal(step.state.agentMessages, 1);
  });

  for (const [what, input, reason] of [
    ['no PLAN.md', planRead(null), 'there is no PLAN.md at the repository root'],
    ['a PLAN.md without a checkbox', plan('# Plan\n\n- step one\n- step two\n'), 'PLAN.md has no checklist item ("- [ ] step")'],
  ] as const) {
    test(`${what}: a nack to the worker with the reason; still planning`, () => {
      const claim = planMsg();
      const [, step] = feed(started(), claim, input);
      const id = (claim as { envelope: { id: string } }).envelope.id;
      assert.equal(step!.state.phase, 'planning');
      assert.equal(step!.state.plan?.pending, undefined);
      assert.deepEqual(msgs(step!), [{
        to: 'worker', kind: 'nack', replyTo: id,
        payload: { reason: `plan ${id} not accepted: ${reason}`, errors: ['write PLAN.md at the repository root as a Markdown checklist ("- [ ] step" lines) stating the proof, then send: loop msg plan --text "<summary>"'] },
      }]);
    });
  }

  test('PLAN.md read: a plan review request with the plan text, its hash and its checklist', () => {
    const step = last(feed(started(), planMsg('three steps'), planRead()));
    assert.equal(step.state.phase, 'plan-review');
    assert.deepEqual(msgs(step).map((m) => [m.to, m.kind]), [['reviewer', 'review-request']]);
    const request = msgs(step)[0]!.payload;
    assert.equal(request.subject, 'plan');
    assert.equal(request.plan, PLAN_TEXT);
    assert.equal(request.planHash, HASH);
    assert.deepEqual(request.planProgress, { done: 1, total: 3 });
    assert.equal(request.receipt, undefined);
    assert.match(request.summary as string, /^PLAN REVIEW: /m);
    assert.match(request.summary as string, /Worker's summary: three steps/);
    assert.deepEqual(step.state.checklist?.progress.total, 3);
  });

  test('a long plan is sent bounded, saying how long it is', () => {
    const text = `- [ ] a\n${'x'.repeat(9000)}`;
    const step = last(feed(started(), planMsg(), plan(text)));
    const sent = msgs(step)[0]!.payload.plan as string;
    assert.ok(sent.length <= 6000, String(sent.length));
    assert.match(sent, new RegExp(`… \\(${text.length} characters in all: read PLAN\\.md for the rest\\)$`));
  });

  test('changes: back to the worker as a plan task with the findings (round 2)', () => {
    const finding = { severity: 'high', title: 'No step tests the flag', file: 'PLAN.md', line: 3 };
    const step = advance(freeze(inPlanReview()), review('changes', TREE_A, [finding]));
    assert.equal(step.state.phase, 'planning');
    assert.equal(step.state.plan?.round, 2);
    assert.equal(step.state.iteration, 1);
    assert.equal(step.state.lastReview, undefined, 'a plan review is not a change review');
    assert.deepEqual(msgs(step).map((m) => [m.to, m.kind, m.payload.phase]), [['worker', 'task', 'plan']]);
    const text = msgs(step)[0]!.payload.text as string;
    assert.match(text, /^Plan round 2 of 2: the reviewer did not approve the plan \(changes requested\)\./);
    assert.match(text, /^PLAN PHASE: update PLAN\.md/m);
    assert.ok(text.includes('Findings:\n- [high] No step tests the flag (PLAN.md:3)'), text);
  });

  test('past maxPlanRounds: exit 1, the reason names the key', () => {
    const round2 = last(feed(inPlanReview({ maxPlanRounds: 2 }), review('changes', TREE_A), planMsg(), planRead())).state;
    assert.equal(round2.phase, 'plan-review');
    const step = advance(freeze(round2), review('changes', TREE_A));
    assert.deepEqual(step.state.finished, {
      exitCode: 1, status: 'failed',
      reason: 'plan not approved after 2 round(s): the reviewer requested changes (raise maxPlanRounds to allow more)',
    });
    const once = advance(freeze(inPlanReview({ maxPlanRounds: 1 })), review('cannot-review', TREE_A));
    assert.equal(once.state.finished?.reason, 'plan not approved after 1 round(s): the reviewer could not review it (raise maxPlanRounds to allow more)');
  });

  test('approve: the work task (phase work) and plan.approved with the plan\'s hash', () => {
    const step = advance(freeze(inPlanReview()), review('approve', TREE_A));
    assert.equal(step.state.phase, 'working');
    assert.equal(step.state.iteration, 1);
    assert.deepEqual(step.state.plan?.approved, { hash: HASH, round: 1, reviewed: true, proofSection: '' });
    assert.deepEqual(effectsOf(step, 'record'), [{ type: 'record', event: 'plan.approved', fields: { hash: HASH, round: 1, reviewed: true, done: 1, total: 3 } }]);
    assert.deepEqual(step.effects.map((e) => e.type), ['cancel-timer', 'send', 'record'], 'the transition journals the task, then plan.approved');
    assert.deepEqual(msgs(step).map((m) => [m.to, m.kind, m.payload.phase, m.payload.iteration]), [['worker', 'task', 'work', 1]]);
    assert.match(msgs(step)[0]!.payload.text as string, /^The reviewer approved your plan \(PLAN\.md, sha256 ffffffffffff\)\.\nYou are the WORKER/);
    assert.equal(step.state.lastReview, undefined);
  });

  test('the approved plan keeps the proof section the reviewer saw (PLAN.md\'s proof surface is compared with it)', () => {
    const text = '# Plan\n\n- [ ] add the flag\n\n## Proof\n\n- npm test covers --verbose\n\n## Notes\nn\n';
    const reviewed = last(feed(started(), planMsg(), plan(text), review('approve', TREE_A))).state;
    assert.equal(reviewed.plan?.approved?.proofSection, '## Proof\n\n- npm test covers --verbose\n');
    const long = `- [ ] a\n## Proof\n${'x'.repeat(5000)}\n`;
    assert.equal(last(feed(started(), planMsg(), plan(long), review('approve', TREE_A))).state.plan?.approved?.proofSection, undefined, 'too long to keep');
    const written = last(feed(fresh({ plan: 'write' }), { type: 'start' }, planMsg(), plan(text))).state;
    assert.deepEqual(written.plan?.approved, { hash: HASH, round: 1, reviewed: false }, 'not reviewed: nothing to compare with');
  });

  test('later tasks carry phase work; a fix task too', () => {
    const steps = feed(approved(), done(TREE_A), receipt(passing(TREE_A)), review('changes', TREE_A));
    const fix = msgs(last(steps))[0]!;
    assert.equal(fix.kind, 'task');
    assert.equal(fix.payload.phase, 'work');
    assert.equal(fix.payload.iteration, 2);
  });

  test('a change review request says which plan items were checked off since the last review', () => {
    const progress = (checked: number) => ({ done: checked, total: 3, items: ['read the code', 'add the flag', 'test it'].map((text, i) => ({ text, done: i < checked })) });
    const first = last(feed(approved(), done(TREE_A), { type: 'receipt', receipt: passing(TREE_A), diffStat: '', plan: progress(2) }));
    assert.deepEqual(msgs(first)[0]!.payload.planProgress, { done: 2, total: 3 });
    assert.deepEqual(msgs(first)[0]!.payload.checkedOff, ['add the flag'], 'read the code was checked in the approved plan');
    const again = last(feed(first.state, review('changes', TREE_A), done(TREE_B), { type: 'receipt', receipt: passing(TREE_B), diffStat: '', plan: progress(3) }));
    assert.deepEqual(msgs(again)[0]!.payload.checkedOff, ['test it']);
    const none = last(feed(again.state, review('changes', TREE_B), done(TREE_A), { type: 'receipt', receipt: passing(TREE_A), diffStat: '', plan: progress(3) }));
    assert.equal(msgs(none)[0]!.payload.checkedOff, undefined);
    assert.deepEqual(msgs(none)[0]!.payload.planProgress, { done: 3, total: 3 });
  });

  test('an approval with unchecked plan items still completes', () => {
    const progress = { done: 1, total: 3, items: [] };
    const steps = feed(approved(), done(TREE_A), { type: 'receipt', receipt: passing(TREE_A), diffStat: '', plan: progress }, review('approve', TREE_A));
    assert.equal(last(steps).state.finished?.exitCode, 0);
    assert.deepEqual(last(steps).state.checklist?.progress, progress);
  });

  test('no PLAN.md at a done claim: no checklist in the review request', () => {
    const step = last(feed(approved(), done(TREE_A), receipt(passing(TREE_A))));
    assert.equal(step.state.checklist, undefined);
    assert.equal(msgs(step)[0]!.payload.planProgress, undefined);
  });
});

describe('the plan phase: out-of-turn messages', () => {
  const id = (input: ReturnType<typeof planMsg>) => (input as { envelope: { id: string } }).envelope.id;

  test('done while planning: nack, still planning', () => {
    const step = advance(freeze(started()), done(TREE_A));
    assert.equal(step.state.phase, 'planning');
    assert.equal(has(step, 'run-proof'), false);
    assert.equal(msgs(step)[0]!.kind, 'nack');
    assert.equal(msgs(step)[0]!.payload.reason, 'done ignored: loop is in the plan phase (planning); send your plan first: loop msg plan --text "<summary>"');
  });

  test('a plan while the plan is under review, after it, or with plan off: nack with what to do', () => {
    const cases: [LoopState, RegExp][] = [
      [inPlanReview(), /^plan ignored: the plan is under review \(round 1 of 2\); wait for the verdict$/],
      [approved(), /^plan ignored: the plan phase is over \(loop is working, iteration 1\); keep PLAN\.md up to date/],
      [advance(fresh({ plan: 'off' }), { type: 'start' }).state, /^plan ignored: this run has no plan phase \(plan: off\)/],
    ];
    for (const [state, reason] of cases) {
      const input = planMsg();
      const step = advance(freeze(state), input);
      assert.equal(step.state.phase, state.phase);
      assert.equal(has(step, 'read-plan'), false);
      assert.deepEqual([msgs(step)[0]!.kind, msgs(step)[0]!.replyTo], ['nack', id(input)]);
      assert.match(msgs(step)[0]!.payload.reason as string, reason);
    }
  });

  test('a stale plan-read (nothing pending) changes nothing', () => {
    const state = started();
    const step = advance(freeze(state), planRead());
    assert.equal(step.state, state);
    assert.deepEqual(msgs(step), []);
  });
});

describe('the plan phase (plan: write)', () => {
  test('PLAN.md read: straight to work, with no review; plan.approved says reviewed: false', () => {
    const step = last(feed(fresh({ plan: 'write' }), { type: 'start' }, planMsg(), planRead()));
    assert.equal(step.state.phase, 'working');
    assert.deepEqual(msgs(step).map((m) => [m.to, m.kind, m.payload.phase]), [['worker', 'task', 'work']]);
    assert.match(msgs(step)[0]!.payload.text as string, /^Your plan is recorded \(PLAN\.md, sha256 ffffffffffff\)\./);
    assert.deepEqual(effectsOf(step, 'record'), [{ type: 'record', event: 'plan.approved', fields: { hash: HASH, round: 1, reviewed: false, done: 1, total: 3 } }]);
  });

  test('the plan task says the work follows, not a review', () => {
    const step = advance(freeze(fresh({ plan: 'write' })), { type: 'start' });
    assert.match(msgs(step)[0]!.payload.text as string, /Then you carry it out\./);
  });
});

describe('the plan phase: idle agents, restarts, resume', () => {
  test('an idle worker while planning is reminded (phase plan), then stalls naming the plan', () => {
    const steps = feed(started(), ...Array.from({ length: 3 }, () => ({ type: 'idle-without-reply' as const, role: 'worker' as const })));
    assert.deepEqual(msgs(steps[0]!).map((m) => [m.kind, m.payload.phase]), [['task', 'plan']]);
    assert.match(msgs(steps[0]!)[0]!.payload.text as string, /^Reminder: loop is waiting for your plan\./);
    assert.deepEqual(last(steps).state.finished, { exitCode: 3, status: 'failed', reason: 'stalled: the worker went idle 3 times without sending a plan (stall.idleReminders: 2)' });
  });

  test('no reminder while loop itself reads a plan claim, nor for the reviewer while planning', () => {
    const reading = advance(started(), planMsg()).state;
    assert.deepEqual(msgs(advance(freeze(reading), { type: 'idle-without-reply', role: 'worker' })), []);
    assert.deepEqual(msgs(advance(freeze(started()), { type: 'idle-without-reply', role: 'reviewer' })), []);
  });

  test('an idle reviewer in plan review gets the plan review request again, with a reminder on top', () => {
    const step = advance(freeze(inPlanReview()), { type: 'idle-without-reply', role: 'reviewer' });
    assert.equal(msgs(step)[0]!.payload.subject, 'plan');
    assert.match(msgs(step)[0]!.payload.notice as string, /^Reminder: loop is waiting for your review of the plan\./);
    const stalled = last(feed(inPlanReview(), ...Array.from({ length: 3 }, () => ({ type: 'idle-without-reply' as const, role: 'reviewer' as const }))));
    assert.equal(stalled.state.finished?.reason, 'stalled: the reviewer went idle 3 times without sending a review of the plan (stall.idleReminders: 2)');
  });

  test('a relaunched worker without its session gets its plan task again; a reviewer its plan review', () => {
    const worker = advance(freeze(started()), { type: 'agent-restarted', role: 'worker', onOwnSession: false });
    assert.match(msgs(worker)[0]!.payload.text as string, /^\(loop restarted; this is your current task\)\nAdd a --verbose flag/);
    assert.equal(msgs(worker)[0]!.payload.phase, 'plan');
    const reviewer = advance(freeze(inPlanReview()), { type: 'agent-restarted', role: 'reviewer', onOwnSession: false });
    assert.equal(msgs(reviewer)[0]!.payload.subject, 'plan');
    const work = advance(freeze(approved()), { type: 'agent-restarted', role: 'worker', onOwnSession: false });
    assert.match(msgs(work)[0]!.payload.text as string, /^\(loop restarted; this is your current task\)\nThe reviewer approved your plan/);
  });

  test('resumed: a plan claim is read again; otherwise what an agent owes is reissued', () => {
    const reading = advance(started(), planMsg()).state;
    assert.deepEqual(advance(freeze(reading), resumed(false, false)).effects.map((e) => e.type), ['start-timer', 'read-plan']);
    const review = advance(freeze(inPlanReview()), resumed(false, true));
    assert.equal(msgs(review)[0]!.payload.subject, 'plan');
    assert.deepEqual(msgs(advance(freeze(inPlanReview()), resumed(true, false))), []);
  });

  test('the state stays JSON-serialisable through the plan phase', () => {
    const state = approved();
    assert.deepEqual(JSON.parse(JSON.stringify(state)), state);
  });
});
