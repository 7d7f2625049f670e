import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { ReviewerRole } from '../../src/bus/message.js';
import type { PanelPolicy } from '../../src/config/schema.js';
import { advance, awaitingReply, type Input } from '../../src/loop/machine.js';
import { effectsOf } from '../../src/loop/effects.js';
import { owing } from '../../src/loop/panel-rules.js';
import { initialState } from '../../src/loop/state.js';
import { envelope, feed, freeze, last, msgs, planMsg, planRead, TREE_A } from './helpers.js';

// The plan phase with a panel of reviewers: every reviewer reviews the plan, the round is tallied by the policy
// (panel-rules.ts), and only the reviewers that still owe their review of the plan are reminded or asked again.

const PANEL: ReviewerRole[] = ['reviewer', 'reviewer-2'];
const THREE: ReviewerRole[] = ['reviewer', 'reviewer-2', 'reviewer-3'];
const panelState = (panel: PanelPolicy = 'all', reviewers: ReviewerRole[] = PANEL, maxRounds = 2) =>
  initialState({ task: 'Add a --verbose flag', proof: ['npm test'], maxIterations: 3, maxMessages: 100, reviewers, panel, plan: { mode: 'review', maxRounds } });
/** start → plan → PLAN.md read: the plan is under review by the panel. */
const inPlanReview = (panel: PanelPolicy = 'all', reviewers: ReviewerRole[] = PANEL, maxRounds = 2) =>
  last(feed(panelState(panel, reviewers, maxRounds), { type: 'start' }, planMsg(), planRead())).state;
const reviewBy = (from: ReviewerRole, verdict: 'approve' | 'changes' | 'cannot-review', findings: unknown[] = []): Input => ({
  type: 'message',
  envelope: envelope({ from, to: 'loop', kind: 'review', treeHash: TREE_A, payload: { verdict, summary: `${from} says ${verdict}`, findings } }),
});
const idle = (role: ReviewerRole | 'worker'): Input => ({ type: 'idle-without-reply', role });

describe('the plan phase with a panel of reviewers', () => {
  test('every reviewer gets its own plan review request at once, saying it is one of the panel', () => {
    const step = last(feed(panelState(), { type: 'start' }, planMsg(), planRead()));
    assert.equal(step.state.phase, 'plan-review');
    assert.deepEqual(msgs(step).map((m) => [m.to, m.kind, m.payload.subject]), [['reviewer', 'review-request', 'plan'], ['reviewer-2', 'review-request', 'plan']]);
    assert.match(String(msgs(step)[1]!.payload.summary), /^You are the REVIEWER reviewer-2, one of a panel of 2 \(reviewer, reviewer-2; all: every reviewer must approve\) reviewing the same plan on their own, in a loop run \(plan round 1 of 2\)\.\nPLAN REVIEW: /);
    assert.deepEqual(owing(step.state), ['reviewer', 'reviewer-2']);
  });

  test('the plan task names the panel that reviews the plan, and how to ask one of them', () => {
    const text = String(msgs(advance(panelState(), { type: 'start' }))[0]!.payload.text);
    assert.match(text, /reviews the plan before you write any code\.$/m);
    assert.ok(text.includes('A panel of 2 reviewers (reviewer, reviewer-2; all: every reviewer must approve) reviews the plan'), text);
    assert.match(text, /^Questions for a reviewer: loop msg question --to reviewer-2 --text "…" \(default: reviewer\)\.$/m);
  });

  test('all: one approval waits for the other reviewer; both approve → the work task, plan.approved', () => {
    const first = advance(freeze(inPlanReview()), reviewBy('reviewer', 'approve'));
    assert.equal(first.state.phase, 'plan-review');
    assert.deepEqual(msgs(first), []);
    assert.deepEqual(first.effects, [{ type: 'cancel-timer', timer: 'turn:reviewer' }]);
    assert.deepEqual(owing(first.state), ['reviewer-2']);
    assert.equal(awaitingReply(first.state, 'reviewer'), false);
    assert.equal(awaitingReply(first.state, 'reviewer-2'), true);
    const second = advance(freeze(first.state), reviewBy('reviewer-2', 'approve'));
    assert.equal(second.state.phase, 'working');
    assert.deepEqual(second.state.round, []);
    assert.equal(second.state.plan?.approved?.reviewed, true);
    assert.deepEqual(msgs(second).map((m) => [m.to, m.kind, m.payload.phase]), [['worker', 'task', 'work']]);
    assert.match(String(msgs(second)[0]!.payload.text), /^The reviewers approved your plan \(PLAN\.md, sha256 ffffffffffff\)\./);
    assert.match(String(msgs(second)[0]!.payload.text), /^A panel of 2 reviewers \(reviewer, reviewer-2; all: every reviewer must approve\) then reviews your change\./m);
    assert.equal(effectsOf(second, 'record')[0]?.event, 'plan.approved');
  });

  test('changes: once every reviewer answered, the merged findings go back in a plan task, agreed ones first', () => {
    const shared = { file: 'PLAN.md', line: 3 };
    const steps = feed(inPlanReview(),
      reviewBy('reviewer', 'changes', [{ severity: 'low', title: 'wording' }, { ...shared, severity: 'medium', title: 'no test step' }]),
      reviewBy('reviewer-2', 'approve', [{ ...shared, line: 4, severity: 'high', title: 'the flag is never tested' }]));
    const step = last(steps);
    assert.equal(step.state.phase, 'planning');
    assert.equal(step.state.plan?.round, 2);
    assert.deepEqual(step.state.round, []);
    assert.deepEqual(step.state.plan?.lastReview?.panel?.approvedBy, ['reviewer-2']);
    assert.deepEqual(step.state.plan?.lastReview?.findings.map((f) => [f.title, f.severity, f.agreedBy ?? null]), [
      ['no test step', 'high', ['reviewer', 'reviewer-2']], ['wording', 'low', null],
    ]);
    assert.deepEqual(msgs(step).map((m) => [m.to, m.kind, m.payload.phase]), [['worker', 'task', 'plan']]);
    const text = String(msgs(step)[0]!.payload.text);
    assert.match(text, /^Plan round 2 of 2: the panel did not approve \(1 of 2 approved: reviewer-2; policy all: every reviewer must approve\)\.$/m);
    assert.match(text, /^Reviewers' verdicts: reviewer changes, reviewer-2 approve\.$/m);
    assert.ok(text.includes('Findings (the first 1 agreed by several reviewers):\n- [high] no test step (PLAN.md:3) [agreed by reviewer, reviewer-2]\n- [low] wording [reviewer]'), text);
    // The next plan goes to the whole panel again.
    const again = last(feed(step.state, planMsg(), planRead()));
    assert.deepEqual(msgs(again).map((m) => m.to), ['reviewer', 'reviewer-2']);
    assert.match(String(msgs(again)[0]!.payload.summary), /\(plan round 2 of 2\)/);
  });

  test('past maxPlanRounds: exit 1, naming the panel\'s outcome', () => {
    const step = last(feed(inPlanReview('all', PANEL, 1), reviewBy('reviewer', 'approve'), reviewBy('reviewer-2', 'changes')));
    assert.deepEqual(step.state.finished, {
      exitCode: 1, status: 'failed',
      reason: 'plan not approved after 1 round(s): the panel did not approve (1 of 2 approved: reviewer; policy all: every reviewer must approve) (raise maxPlanRounds to allow more)',
    });
  });

  test('majority of three: two approvals accept the plan without waiting; the third reviewer\'s clock stops, its late review is refused', () => {
    const steps = feed(inPlanReview('majority', THREE), reviewBy('reviewer-3', 'approve'), reviewBy('reviewer', 'approve'));
    const step = last(steps);
    assert.equal(step.state.phase, 'working');
    assert.deepEqual(step.effects.filter((e) => e.type === 'cancel-timer'), [
      { type: 'cancel-timer', timer: 'turn:reviewer' }, { type: 'cancel-timer', timer: 'turn:reviewer-2' },
    ]);
    assert.equal(awaitingReply(step.state, 'reviewer-2'), false);
    // Its plan review request delivered only now starts no clock: nothing would stop it.
    const delivered: Input = { type: 'delivered', role: 'reviewer-2', envelope: envelope({ from: 'loop', to: 'reviewer-2', kind: 'review-request', payload: { subject: 'plan' } }) };
    assert.deepEqual(advance(freeze(step.state), delivered).effects, []);
    const late = advance(freeze(step.state), reviewBy('reviewer-2', 'changes'));
    assert.deepEqual(msgs(late).map((m) => [m.to, m.kind]), [['reviewer-2', 'nack']]);
    assert.equal(late.state.phase, 'working');
  });

  test('a second plan review from a reviewer whose review is in gets a nack', () => {
    const step = last(feed(inPlanReview(), reviewBy('reviewer', 'changes'), reviewBy('reviewer', 'approve')));
    assert.deepEqual(msgs(step).map((m) => [m.to, m.kind, m.payload.reason]), [['reviewer', 'nack', 'review ignored: your review of the plan (round 1) is already in; loop waits for reviewer-2']]);
    assert.equal(step.state.round?.length, 1);
    assert.equal(step.state.round?.[0]?.verdict, 'changes');
  });

  test('reminders go only to a reviewer that still owes its review of the plan, with its own request; it stalls naming the plan', () => {
    const first = advance(freeze(inPlanReview()), reviewBy('reviewer', 'approve')).state;
    assert.equal(advance(freeze(first), idle('reviewer')).state, first);
    const reminded = advance(freeze(first), idle('reviewer-2'));
    assert.deepEqual(msgs(reminded).map((m) => [m.to, m.kind, m.payload.subject]), [['reviewer-2', 'review-request', 'plan']]);
    assert.match(String(msgs(reminded)[0]!.payload.notice), /^Reminder: loop is waiting for your review of the plan\./);
    assert.match(String(msgs(reminded)[0]!.payload.summary), /^You are the REVIEWER reviewer-2, one of a panel of 2/);
    const stalled = last(feed(first, idle('reviewer-2'), idle('reviewer-2'), idle('reviewer-2')));
    assert.equal(stalled.state.finished?.reason, 'stalled: the reviewer-2 went idle 3 times without sending a review of the plan (stall.idleReminders: 2)');
  });

  test('restarted or resumed without its session: only the reviewers that still owe the plan review get it again', () => {
    const first = advance(freeze(inPlanReview()), reviewBy('reviewer', 'approve')).state;
    const lost = (role: ReviewerRole | 'worker') => ({ role, onOwnSession: false, pending: false });
    const resumed = advance(freeze(first), { type: 'resumed', agents: [lost('worker'), lost('reviewer'), lost('reviewer-2')] });
    assert.deepEqual(msgs(resumed).map((m) => [m.to, m.kind, m.payload.subject]), [['reviewer-2', 'review-request', 'plan']]);
    assert.deepEqual(msgs(advance(freeze(first), { type: 'agent-restarted', role: 'reviewer', onOwnSession: false })), []);
    assert.deepEqual(msgs(advance(freeze(first), { type: 'agent-restarted', role: 'reviewer-2', onOwnSession: false })).map((m) => [m.to, m.payload.subject]), [['reviewer-2', 'plan']]);
  });

  test('a panel\'s plan round is journaled state: it survives JSON', () => {
    const first = advance(freeze(inPlanReview()), reviewBy('reviewer', 'changes', [{ severity: 'high', title: 'x' }])).state;
    assert.deepEqual(JSON.parse(JSON.stringify(first)), first);
    const closed = advance(freeze(first), reviewBy('reviewer-2', 'changes')).state;
    assert.deepEqual(JSON.parse(JSON.stringify(closed)), closed);
  });
});
