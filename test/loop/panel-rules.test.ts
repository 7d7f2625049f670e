import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { ReviewerRole } from '../../src/bus/message.js';
import type { PanelPolicy } from '../../src/config/schema.js';
import { advance, awaitingReply, type Input } from '../../src/loop/machine.js';
import { approvalsNeeded, owing, tally } from '../../src/loop/panel-rules.js';
import { initialState, type LoopState, type RoundReview } from '../../src/loop/state.js';
import { done, envelope, feed, freeze, last, msgs, passing, failing, receipt, restoreOf, TREE_A, TREE_B } from './helpers.js';

const PANEL: ReviewerRole[] = ['reviewer', 'reviewer-2'];
const panelState = (panel: PanelPolicy = 'all', reviewers: ReviewerRole[] = PANEL) =>
  initialState({ task: 'T', proof: ['npm test'], maxIterations: 3, maxMessages: 100, reviewers, panel });
const reviewingPanel = (panel: PanelPolicy = 'all', reviewers: ReviewerRole[] = PANEL, r = passing(TREE_A)) =>
  last(feed(panelState(panel, reviewers), { type: 'start' }, done(r.treeHash), receipt(r))).state;
const reviewBy = (from: ReviewerRole, verdict: 'approve' | 'changes' | 'cannot-review', findings: unknown[] = [], treeHash = TREE_A, extra: Record<string, unknown> = {}): Input => ({
  type: 'message',
  envelope: envelope({ from, to: 'loop', kind: 'review', treeHash, payload: { verdict, summary: `${from} says ${verdict}`, findings, ...extra } }),
});
const round = (...verdicts: Array<[ReviewerRole, 'counts' | 'changes' | 'otherTree']>): RoundReview[] =>
  verdicts.map(([role, how]) => ({ role, id: `m-${role}`, verdict: how === 'changes' ? 'changes' : 'approve', summary: '', findings: [], counts: how === 'counts', ...(how === 'otherTree' ? { otherTree: true } : {}) }));

describe('tally: the panel policy', () => {
  test('approvals needed: all of them, more than half, one', () => {
    assert.deepEqual([1, 2, 3, 4, 5].map((n) => approvalsNeeded('all', n)), [1, 2, 3, 4, 5]);
    assert.deepEqual([1, 2, 3, 4, 5].map((n) => approvalsNeeded('majority', n)), [1, 2, 2, 3, 3]);
    assert.deepEqual([1, 2, 3, 4, 5].map((n) => approvalsNeeded('any', n)), [1, 1, 1, 1, 1]);
  });

  test('all: pending until every reviewer is in; one change request rejects', () => {
    assert.equal(tally('all', PANEL, round(['reviewer', 'counts'])), 'pending');
    assert.equal(tally('all', PANEL, round(['reviewer', 'counts'], ['reviewer-2', 'counts'])), 'approved');
    assert.equal(tally('all', PANEL, round(['reviewer', 'changes'])), 'pending');
    assert.equal(tally('all', PANEL, round(['reviewer', 'counts'], ['reviewer-2', 'changes'])), 'rejected');
  });

  test('majority of three: two approvals decide at once; one of three rejects', () => {
    const three: ReviewerRole[] = ['reviewer', 'reviewer-2', 'reviewer-3'];
    assert.equal(tally('majority', three, round(['reviewer', 'counts'], ['reviewer-3', 'counts'])), 'approved');
    assert.equal(tally('majority', three, round(['reviewer', 'counts'], ['reviewer-3', 'changes'])), 'pending');
    assert.equal(tally('majority', three, round(['reviewer', 'counts'], ['reviewer-2', 'changes'], ['reviewer-3', 'changes'])), 'rejected');
  });

  test('any: the first counting approval decides; approvals of another tree ask for a re-proof once all are in', () => {
    assert.equal(tally('any', PANEL, round(['reviewer-2', 'counts'])), 'approved');
    assert.equal(tally('any', PANEL, round(['reviewer', 'otherTree'])), 'pending');
    assert.equal(tally('any', PANEL, round(['reviewer', 'otherTree'], ['reviewer-2', 'changes'])), 'reprove');
    assert.equal(tally('all', PANEL, round(['reviewer', 'otherTree'], ['reviewer-2', 'changes'])), 'rejected');
  });
});

describe('advance: a panel of reviewers', () => {
  test('every reviewer gets the review request, each addressed to it, at once', () => {
    const steps = feed(panelState(), { type: 'start' }, done(TREE_A), receipt(passing(TREE_A)));
    const requests = msgs(last(steps));
    assert.deepEqual(requests.map((m) => [m.to, m.kind]), [['reviewer', 'review-request'], ['reviewer-2', 'review-request']]);
    assert.match(String(requests[1]!.payload.summary), /^You are the REVIEWER reviewer-2, one of a panel of 2 \(reviewer, reviewer-2; all: every reviewer must approve\)/);
    assert.deepEqual(owing(last(steps).state), PANEL);
  });

  test('policy all: one approval waits for the other; the run completes only when both approve', () => {
    const first = advance(freeze(reviewingPanel()), reviewBy('reviewer', 'approve'));
    assert.equal(first.state.finished, undefined);
    assert.equal(first.state.phase, 'reviewing');
    assert.deepEqual(msgs(first), []);
    assert.deepEqual(owing(first.state), ['reviewer-2']);
    assert.equal(awaitingReply(first.state, 'reviewer'), false);
    assert.equal(awaitingReply(first.state, 'reviewer-2'), true);
    const second = advance(freeze(first.state), reviewBy('reviewer-2', 'approve'));
    assert.equal(second.state.finished?.exitCode, 0);
    assert.equal(second.state.finished?.reason, `approved and proof passed on tree ${TREE_A.slice(0, 12)} (approved by reviewer, reviewer-2; panel all: every reviewer must approve)`);
    assert.deepEqual(second.state.lastReview?.panel?.approvedBy, ['reviewer', 'reviewer-2']);
  });

  test('policy all: one approval and one change request → the next iteration, agreed findings first in the task', () => {
    const shared = { severity: 'medium', title: 'off by one', file: 'src/a.js', line: 12 };
    const steps = feed(
      reviewingPanel(),
      reviewBy('reviewer', 'changes', [{ severity: 'low', title: 'naming' }, shared]),
      reviewBy('reviewer-2', 'changes', [{ ...shared, title: 'loop bound', line: 13, severity: 'high' }]),
    );
    const step = last(steps);
    assert.equal(step.state.phase, 'working');
    assert.equal(step.state.iteration, 2);
    assert.deepEqual(step.state.lastReview?.findings.map((f) => [f.title, f.agreedBy ?? null]), [['off by one', ['reviewer', 'reviewer-2']], ['naming', null]]);
    assert.deepEqual(step.state.lastReview?.panel?.verdicts.map((v) => [v.role, v.verdict]), [['reviewer', 'changes'], ['reviewer-2', 'changes']]);
    const task = String(msgs(step)[0]!.payload.text);
    assert.match(task, /the previous attempt was not accepted \(the panel did not approve \(0 of 2 approved; policy all: every reviewer must approve\)\)\./);
    assert.match(task, /Reviewers' verdicts \(panel all: every reviewer must approve\): reviewer changes, reviewer-2 changes\./);
    assert.match(task, /Findings \(the first 1 agreed by several reviewers\):\n- \[high\] off by one \(src\/a\.js:12\) \[agreed by reviewer, reviewer-2\]\n- \[low\] naming \[reviewer\]/);
  });

  test('majority with three: two approvals complete the run without waiting for the third', () => {
    const three: ReviewerRole[] = ['reviewer', 'reviewer-2', 'reviewer-3'];
    const steps = feed(reviewingPanel('majority', three), reviewBy('reviewer-3', 'approve'), reviewBy('reviewer-2', 'changes'), reviewBy('reviewer', 'approve'));
    assert.equal(steps[1]!.state.finished, undefined);
    const step = last(steps);
    assert.equal(step.state.finished?.exitCode, 0);
    assert.deepEqual(step.state.lastReview?.panel?.approvedBy, ['reviewer', 'reviewer-3']);
    assert.deepEqual(step.state.lastReview?.panel?.verdicts.map((v) => v.verdict), ['approve', 'changes', 'approve']);
  });

  test('any: one approval completes; approvals with a failing proof do not', () => {
    assert.equal(advance(freeze(reviewingPanel('any')), reviewBy('reviewer-2', 'approve')).state.finished?.exitCode, 0);
    const failed = feed(reviewingPanel('any', PANEL, failing(TREE_A)), reviewBy('reviewer', 'approve'), reviewBy('reviewer-2', 'approve'));
    assert.equal(last(failed).state.phase, 'working');
    assert.match(String(msgs(last(failed))[0]!.payload.text), /not accepted \(proof failed: `npm test` exited 1\)/);
  });

  test('a second review from a reviewer whose review is in is refused with a nack; so is one outside the review phase', () => {
    const steps = feed(reviewingPanel(), reviewBy('reviewer', 'changes'), reviewBy('reviewer', 'approve'));
    const step = last(steps);
    assert.deepEqual(msgs(step).map((m) => [m.to, m.kind, m.payload.reason]), [['reviewer', 'nack', 'review ignored: your review of iteration 1 is already in; loop waits for reviewer-2']]);
    assert.equal(step.state.round?.length, 1);
  });

  test('the worker is reminded as before; only a reviewer that owes its review is reminded, with its own request', () => {
    const first = advance(freeze(reviewingPanel()), reviewBy('reviewer', 'approve')).state;
    assert.equal(advance(freeze(first), { type: 'idle-without-reply', role: 'reviewer' }).state, first);
    const reminded = advance(freeze(first), { type: 'idle-without-reply', role: 'reviewer-2' });
    assert.deepEqual(msgs(reminded).map((m) => [m.to, m.kind]), [['reviewer-2', 'review-request']]);
    assert.match(String(msgs(reminded)[0]!.payload.summary), /^Reminder: loop is waiting for your review/);
    assert.equal(reminded.state.reminders['reviewer-2'], 1);
    const stalled = feed(first, ...[1, 2, 3].map((): Input => ({ type: 'idle-without-reply', role: 'reviewer-2' })));
    assert.equal(last(stalled).state.finished?.reason, 'stalled: the reviewer-2 went idle 3 times without sending a review (stall.idleReminders: 2)');
  });

  test('resumed or restarted without its session: only the reviewers that still owe a review get the request again', () => {
    const first = advance(freeze(reviewingPanel()), reviewBy('reviewer', 'approve')).state;
    const lost = (role: ReviewerRole | 'worker') => ({ role, onOwnSession: false, pending: false });
    const resumed = advance(freeze(first), { type: 'resumed', agents: [lost('worker'), lost('reviewer'), lost('reviewer-2')] });
    assert.deepEqual(msgs(resumed).map((m) => [m.to, m.kind]), [['reviewer-2', 'review-request']]);
    assert.deepEqual(msgs(advance(freeze(first), { type: 'agent-restarted', role: 'reviewer', onOwnSession: false })), []);
    assert.equal(msgs(advance(freeze(first), { type: 'agent-restarted', role: 'reviewer-2', onOwnSession: false }))[0]?.to, 'reviewer-2');
  });

  test('cannot-review from every reviewer counts as a cannot-review round; twice stalls', () => {
    const once = feed(reviewingPanel(), reviewBy('reviewer', 'cannot-review'), reviewBy('reviewer-2', 'cannot-review'));
    assert.equal(last(once).state.cannotReview, 1);
    const again = feed(last(once).state, done(TREE_B), receipt(passing(TREE_B)), reviewBy('reviewer', 'cannot-review', [], TREE_B), reviewBy('reviewer-2', 'cannot-review', [], TREE_B));
    assert.equal(last(again).state.finished?.reason, 'stalled: the reviewers answered cannot-review twice (stall.cannotReview: 2)');
    const mixed = feed(reviewingPanel(), reviewBy('reviewer', 'cannot-review'), reviewBy('reviewer-2', 'changes'));
    assert.equal(last(mixed).state.cannotReview, 0);
  });

  test('a review on a tree that changed during the review ends the round: the tree is restored, later reviews are refused', () => {
    const handedOver: Input = { type: 'review-requested', id: 'm-000000001request', treeHash: TREE_A };
    const steps = feed(reviewingPanel(), handedOver, reviewBy('reviewer', 'approve'), reviewBy('reviewer-2', 'approve', [], TREE_B));
    const step = last(steps);
    assert.equal(step.state.phase, 'restoring');
    assert.deepEqual(restoreOf(step), { requestedTree: TREE_A, reviewTree: TREE_B });
    assert.equal(step.state.lastReview?.notCounted, 'reviewer-2: the tree changed during the review (reviewerMayEdit: false)');
    const late = advance(freeze(step.state), reviewBy('reviewer', 'approve'));
    assert.equal(msgs(late)[0]?.kind, 'nack');
  });

  test('an approval without the proof-surface acknowledgement: that reviewer alone is asked again', () => {
    const surface = [{ file: 'test/a.test.js', status: 'deleted' as const, added: 0, removed: 5 }];
    const reviewing = last(feed(panelState(), { type: 'start' }, done(TREE_A), receipt(passing(TREE_A), ' x | 1', surface))).state;
    const steps = feed(reviewing, reviewBy('reviewer', 'approve', [], TREE_A, { proofSurfaceReviewed: true }), reviewBy('reviewer-2', 'approve'));
    const asked = last(steps);
    assert.deepEqual(msgs(asked).map((m) => [m.to, m.kind]), [['reviewer-2', 'review-request']]);
    assert.deepEqual(owing(asked.state), ['reviewer-2']);
    const completed = advance(freeze(asked.state), reviewBy('reviewer-2', 'approve', [], TREE_A, { proofSurfaceReviewed: true }));
    assert.equal(completed.state.finished?.exitCode, 0);
    assert.equal(completed.state.proofSurface?.acknowledged, true);
  });

  test('a run of one reviewer keeps its review as it came: no panel, no raisedBy', () => {
    const single: LoopState = reviewingPanel('all', ['reviewer']);
    const step = advance(freeze(single), reviewBy('reviewer', 'changes', [{ severity: 'high', title: 'x' }]));
    assert.deepEqual(step.state.lastReview, { id: step.state.lastReview!.id, verdict: 'changes', summary: 'reviewer says changes', findings: [{ severity: 'high', title: 'x' }] });
  });
});
