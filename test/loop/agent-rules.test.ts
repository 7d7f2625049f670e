import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { advance, awaitingReply, type Input } from '../../src/loop/machine.js';
import { DIALOG_TIMEOUT_MS } from '../../src/loop/agent-rules.js';
import { done, envelope, feed, freeze, fresh, last, msgs, passing, receipt, review, reviewingWith, TREE_A } from './helpers.js';

// The effects of the agents' lives: timers, relaunches, what a resumed run gives again. Every effect of the machine
// is asserted here or in machine.test.ts / review-rules.test.ts / stall-rules.test.ts.

const delivered = (role: 'worker' | 'reviewer', kind: string): Input => ({ type: 'delivered', role, envelope: envelope({ from: 'loop', to: role, kind, payload: {} }) });

describe('timers', () => {
  test('start: the wall clock (maxMinutes) starts before the first task is sent', () => {
    const step = advance(freeze(fresh()), { type: 'start' });
    assert.deepEqual(step.effects.map((e) => e.type), ['start-timer', 'send']);
    assert.deepEqual(step.effects[0], { type: 'start-timer', timer: 'wall-clock', ms: 120 * 60_000, fire: { type: 'timeout', what: 'wall-clock', minutes: 120 } });
  });

  test('a task or review request delivered starts its addressee\'s turn clock (turnTimeoutMinutes); other kinds do not', () => {
    const working = advance(fresh(), { type: 'start' }).state;
    assert.deepEqual(advance(freeze(working), delivered('worker', 'task')).effects, [
      { type: 'start-timer', timer: 'turn:worker', ms: 30 * 60_000, fire: { type: 'timeout', what: 'turn', role: 'worker', minutes: 30 } },
    ]);
    assert.deepEqual(advance(freeze(reviewingWith(passing())), delivered('reviewer', 'review-request')).effects[0], {
      type: 'start-timer', timer: 'turn:reviewer', ms: 30 * 60_000, fire: { type: 'timeout', what: 'turn', role: 'reviewer', minutes: 30 },
    });
    // A review request delivered after its round closed (no review is owed any more): nothing would stop that clock.
    assert.deepEqual(advance(freeze(working), delivered('reviewer', 'review-request')).effects, []);
    for (const kind of ['note', 'question', 'answer', 'nack']) {
      const step = advance(freeze(working), delivered('worker', kind));
      assert.deepEqual(step.effects, [], kind);
      assert.equal(step.state, working, 'a delivery changes no state');
    }
  });

  test('the done claim and the review end their turn clocks', () => {
    const steps = feed(fresh(), { type: 'start' }, done(TREE_A), receipt(passing()), review('changes', TREE_A));
    assert.deepEqual(steps[1]!.effects, [{ type: 'cancel-timer', timer: 'turn:worker' }, { type: 'run-proof' }]);
    assert.deepEqual(steps[3]!.effects[0], { type: 'cancel-timer', timer: 'turn:reviewer' });
  });

  test('a dialog with --ci starts a clock that stops the run (exit 5); any other activity cancels it; without --ci nothing', () => {
    const working = advance(fresh(), { type: 'start' }).state;
    const ci = { ...working, settings: { ...working.settings, ci: true } };
    const dialog: Input = { type: 'activity', role: 'worker', activity: 'needs-input', screen: 'Allow? [y/n]' };
    const reason = "the worker is blocked on a dialog loop cannot answer (Allow? [y/n]); allow it in the harness's settings, or run without --ci and answer it with loop attach";
    assert.deepEqual(advance(freeze(ci), dialog).effects, [{ type: 'start-timer', timer: 'dialog:worker', ms: DIALOG_TIMEOUT_MS, fire: { type: 'infra', reason } }]);
    assert.deepEqual(advance(freeze(working), dialog).effects, []);
    assert.deepEqual(advance(freeze(ci), { type: 'activity', role: 'worker', activity: 'busy' }).effects, [{ type: 'cancel-timer', timer: 'dialog:worker' }]);
    assert.deepEqual(advance(freeze(ci), { type: 'infra', reason }).state.finished, { exitCode: 5, reason, status: 'failed' });
  });
});

describe('relaunch after a crash', () => {
  test('relaunched on its own session: nothing is given again; fresh: its current request again', () => {
    const reviewing = reviewingWith(passing());
    assert.deepEqual(advance(freeze(reviewing), { type: 'agent-restarted', role: 'reviewer', onOwnSession: true }).effects, []);
    const fresh = advance(freeze(reviewing), { type: 'agent-restarted', role: 'reviewer', onOwnSession: false });
    assert.deepEqual(msgs(fresh).map((m) => [m.to, m.kind]), [['reviewer', 'review-request']]);
    assert.deepEqual(advance(freeze(reviewing), { type: 'agent-restarted', role: 'worker', onOwnSession: false }).effects, [], 'the worker owes nothing while the reviewer reviews');
  });

  test('restart counts are per role and start again on resume (settings.maxRestarts)', () => {
    const working = advance(fresh(), { type: 'start' }).state;
    const steps = feed(working,
      { type: 'agent-exited', role: 'worker', exitCode: 1, onOwnSession: true },
      { type: 'agent-exited', role: 'reviewer', exitCode: 1, onOwnSession: true },
      { type: 'agent-exited', role: 'worker', exitCode: 1, onOwnSession: true });
    assert.deepEqual(last(steps).state.restarts, { worker: 2, reviewer: 1 });
    assert.equal(last(steps).state.finished, undefined);
    const resumed = advance(freeze(last(steps).state), { type: 'resumed', agents: [] });
    assert.deepEqual(resumed.state.restarts, {});
  });
});

describe('resumed: what the state still owes', () => {
  const agents = (worker: { onOwnSession: boolean; pending: boolean }) => [{ role: 'worker' as const, ...worker }, { role: 'reviewer' as const, onOwnSession: true, pending: false }];

  test('the wall clock starts again; an agent back on its own session, or with a message waiting, is not given its request again', () => {
    const working = advance(fresh(), { type: 'start' }).state;
    for (const worker of [{ onOwnSession: true, pending: false }, { onOwnSession: false, pending: true }]) {
      const step = advance(freeze(working), { type: 'resumed', agents: agents(worker) });
      assert.deepEqual(step.effects.map((e) => e.type), ['start-timer'], JSON.stringify(worker));
    }
    const lost = advance(freeze(working), { type: 'resumed', agents: agents({ onOwnSession: false, pending: false }) });
    assert.deepEqual(lost.effects.map((e) => e.type), ['start-timer', 'send']);
  });

  test('in restoring → the restore again', () => {
    const restoring = advance(reviewingWith(passing(TREE_A)), review('approve', 'b'.repeat(40))).state;
    const step = advance(freeze(restoring), { type: 'resumed', agents: [] });
    assert.deepEqual(step.effects[1], { type: 'restore-tree', requestedTree: TREE_A, reviewTree: 'b'.repeat(40) });
  });
});

describe('awaitingReply: whose reply loop waits for', () => {
  test('the phase decides, a question it owes makes an agent awaited, its own open question does not', () => {
    const working = advance(fresh(), { type: 'start' }).state;
    assert.equal(awaitingReply(working, 'worker'), true);
    assert.equal(awaitingReply(working, 'reviewer'), false);
    const reviewing = reviewingWith(passing());
    assert.equal(awaitingReply(reviewing, 'worker'), false);
    assert.equal(awaitingReply(reviewing, 'reviewer'), true);
    const asked = { ...working, openQuestions: [{ id: 'm-1', from: 'worker' as const, to: 'reviewer' as const }] };
    assert.equal(awaitingReply(asked, 'worker'), false);
    assert.equal(awaitingReply(asked, 'reviewer'), true);
    assert.equal(awaitingReply(advance(working, { type: 'cancel', reason: 'x' }).state, 'worker'), false);
  });
});
