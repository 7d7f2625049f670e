import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { advance, type Input } from '../../src/loop/machine.js';
import { firstTaskText } from '../../src/loop/prompts.js';
import type { Envelope, Receipt } from '../../src/bus/message.js';
import { done, failing, feed, freeze, fresh, last, note, passing, receipt, review, reviewingWith, TREE_A, TREE_B , has, msgs, restoreOf, resumed } from './helpers.js';

describe('advance: the happy path', () => {
  test('initial state', () => {
    const s = fresh();
    assert.equal(s.phase, 'starting');
    assert.equal(s.iteration, 0);
    assert.equal(s.finished, undefined);
  });

  test('start sends the task to the worker', () => {
    const step = advance(freeze(fresh()), { type: 'start' });
    assert.equal(step.state.phase, 'working');
    assert.equal(step.state.iteration, 1);
    assert.equal(has(step, 'run-proof'), false);
    assert.equal(has(step, 'forward'), false);
    assert.deepEqual(msgs(step), [{ to: 'worker', kind: 'task', payload: { text: firstTaskText(step.state), iteration: 1 } }]);
    assert.ok((msgs(step)[0]!.payload.text as string).startsWith('Add a --verbose flag\n'));
  });

  test('done in working → proving and runProof', () => {
    const [, step] = feed(fresh(), { type: 'start' }, done(TREE_A, ['tests added']));
    assert.equal(step!.state.phase, 'proving');
    assert.equal(has(step!, 'run-proof'), true);
    assert.deepEqual(msgs(step!), []);
    assert.equal(step!.state.agentMessages, 1);
    assert.deepEqual(step!.state.lastDone?.evidence, ['tests added']);
    assert.equal(step!.state.lastDone?.treeHash, TREE_A);
  });

  test('a receipt → only a review-request (no proof message to either agent) → reviewing', () => {
    const r = passing();
    const step = last(feed(fresh(), { type: 'start' }, done(TREE_A, ['tests added']), receipt(r, ' src/a.ts | 2 +-')));
    assert.equal(step.state.phase, 'reviewing');
    assert.equal(has(step, 'run-proof'), false);
    assert.deepEqual(step.state.lastProof, { passed: true, treeHash: TREE_A, receipt: r, diffStat: ' src/a.ts | 2 +-' });
    assert.deepEqual(msgs(step).map((m) => [m.to, m.kind]), [['reviewer', 'review-request']]);
    const request = msgs(step)[0]!.payload;
    assert.equal(request.subject, 'change');
    assert.equal(request.proofSurface, undefined, 'no proof-surface list when none of its files changed');
    assert.equal(request.diffStat, ' src/a.ts | 2 +-');
    assert.deepEqual(request.receipt, r);
    assert.deepEqual(request.claims, ['tests added']);
    assert.match(request.summary as string, /Task: Add a --verbose flag/);
    assert.match(request.summary as string, /Worker's summary: implemented it/);
  });

  test('a receipt outside proving changes nothing', () => {
    const working = advance(fresh(), { type: 'start' }).state;
    const step = advance(freeze(working), receipt(passing()));
    assert.equal(step.state, working);
    assert.deepEqual(msgs(step), []);
  });

  test('approve with passed proof on the same tree → finished, exit 0, completed', () => {
    const step = advance(freeze(reviewingWith(passing())), review('approve', TREE_A));
    assert.equal(step.state.phase, 'finished');
    assert.deepEqual(step.state.finished, { exitCode: 0, reason: `approved and proof passed on tree ${TREE_A.slice(0, 12)}`, status: 'completed' });
    assert.deepEqual(msgs(step), []);
  });

  test('notes and questions are forwarded and counted', () => {
    const working = advance(fresh(), { type: 'start' }).state;
    const input = note('worker');
    const step = advance(freeze(working), input);
    assert.equal(has(step, 'forward'), true);
    assert.equal(step.state.agentMessages, 1);
    assert.equal(step.state.phase, 'working');
    assert.equal(step.state.lastInputSeq, (input as { envelope: Envelope }).envelope.seq);
  });
});

describe('advance: another iteration', () => {
  test('approve with failed proof → next iteration task containing the failing step', () => {
    const step = advance(freeze(reviewingWith(failing())), review('approve', TREE_A));
    assert.equal(step.state.phase, 'working');
    assert.equal(step.state.iteration, 2);
    assert.equal(step.state.finished, undefined);
    assert.equal(msgs(step).length, 1);
    const task = msgs(step)[0]!;
    assert.equal(task.to, 'worker');
    assert.equal(task.kind, 'task');
    assert.equal(task.payload.iteration, 2);
    const text = task.payload.text as string;
    assert.match(text, /^Iteration 2 of 5: the previous attempt was not accepted \(proof failed: `npm test` exited 1\)\./);
    assert.ok(text.includes('Failing proof steps:\n- `npm test` exited 1:\n    FAIL test/a.test.ts\n    expected 2, got 3'), text);
    assert.ok(!text.includes('npm run lint'), 'passing steps are not listed');
  });

  test('changes → next iteration task containing the findings', () => {
    const findings = [
      { severity: 'high', title: 'Flag is ignored', file: 'src/cli.ts', line: 12 },
      { severity: 'low', title: 'Missing docs', body: 'README has no --verbose' },
    ];
    const step = advance(freeze(reviewingWith(passing())), review('changes', TREE_A, findings));
    assert.equal(step.state.phase, 'working');
    assert.equal(step.state.iteration, 2);
    assert.equal(step.state.lastReview?.verdict, 'changes');
    const text = msgs(step)[0]!.payload.text as string;
    assert.match(text, /\(the reviewer requested changes\)/);
    assert.ok(text.includes('Reviewer verdict: changes. verdict changes'), text);
    assert.ok(text.includes('Findings:\n- [high] Flag is ignored (src/cli.ts:12)\n- [low] Missing docs: README has no --verbose'), text);
  });

  test('failed proof and changes are both named', () => {
    const step = advance(freeze(reviewingWith(failing())), review('changes', TREE_A, [{ severity: 'medium', title: 'x' }]));
    assert.match(msgs(step)[0]!.payload.text as string, /\(proof failed: `npm test` exited 1 and the reviewer requested changes\)/);
  });

  test('a timed-out step is described as timed out', () => {
    const r: Receipt = { ...failing(), steps: [{ command: 'sleep 99', exitCode: null, durationMs: 1000, outputTail: '', timedOut: true }] };
    const step = advance(freeze(reviewingWith(r)), review('approve', TREE_A));
    assert.match(msgs(step)[0]!.payload.text as string, /proof failed: `sleep 99` timed out/);
  });

  test('iteration cap → exit 1 with a reason naming --max-iterations', () => {
    const step = advance(freeze(reviewingWith(passing(), { maxIterations: 1 })), review('changes', TREE_A));
    assert.equal(step.state.phase, 'finished');
    assert.deepEqual(step.state.finished, {
      exitCode: 1,
      reason: 'not proven after 1 iteration(s): the reviewer requested changes (raise --max-iterations to allow more)',
      status: 'failed',
    });
    assert.deepEqual(msgs(step), []);
  });

  test('iteration cap with a failed proof names the proof', () => {
    const step = advance(freeze(reviewingWith(failing(), { maxIterations: 1 })), review('approve', TREE_A));
    assert.equal(step.state.finished?.exitCode, 1);
    assert.equal(step.state.finished?.reason, 'not proven after 1 iteration(s): proof failed: `npm test` exited 1 (raise --max-iterations to allow more)');
  });

  test('a full second iteration can complete', () => {
    const steps = feed(
      reviewingWith(passing(TREE_A)),
      review('changes', TREE_A, [{ severity: 'high', title: 'bug' }]),
      done(TREE_B),
      receipt(passing(TREE_B)),
      review('approve', TREE_B),
    );
    assert.equal(last(steps).state.iteration, 2);
    assert.deepEqual(last(steps).state.finished, { exitCode: 0, reason: `approved and proof passed on tree ${TREE_B.slice(0, 12)}`, status: 'completed' });
  });
});

describe('advance: stalls, budgets and failures', () => {
  test('cannot-review once → next iteration; twice → exit 3', () => {
    const first = advance(freeze(reviewingWith(passing())), review('cannot-review'));
    assert.equal(first.state.phase, 'working');
    assert.equal(first.state.cannotReview, 1);
    assert.match(msgs(first)[0]!.payload.text as string, /the reviewer could not review/);
    const second = last(feed(first.state, done(TREE_B), receipt(passing(TREE_B)), review('cannot-review', TREE_B)));
    assert.deepEqual(second.state.finished, { exitCode: 3, reason: 'stalled: the reviewer answered cannot-review twice (stall.cannotReview: 2)', status: 'failed' });
    assert.equal(second.state.cannotReview, 2);
  });

  test('done claimed three times on an unchanged tree while changes are requested → exit 3', () => {
    const steps = feed(
      reviewingWith(passing(TREE_A)),
      review('changes', TREE_A), done(TREE_A), receipt(passing(TREE_A)),
      review('changes', TREE_A), done(TREE_A),
    );
    assert.equal(steps[1]!.state.unchangedDones, 1);
    assert.equal(has(steps[1]!, 'run-proof'), true);
    const step = last(steps);
    assert.equal(has(step, 'run-proof'), false);
    assert.equal(step.state.finished?.exitCode, 3);
    assert.equal(step.state.finished?.reason, `stalled: the worker claimed done 3 times in a row on the same tree (${TREE_A.slice(0, 12)}), while its work was not accepted: the reviewer requested changes (stall.unchangedTurns: 2)`);
  });

  test('done when not working → nack to the sender', () => {
    const reviewing = reviewingWith(passing());
    const input = done(TREE_A);
    const step = advance(freeze(reviewing), input);
    assert.equal(step.state.phase, 'reviewing');
    assert.equal(has(step, 'run-proof'), false);
    assert.deepEqual(msgs(step), [{
      to: 'worker',
      kind: 'nack',
      payload: { reason: 'done ignored: loop is reviewing (iteration 1), not waiting for a done claim', errors: [] },
      replyTo: (input as { envelope: Envelope }).envelope.id,
    }]);
    assert.equal(step.state.agentMessages, reviewing.agentMessages + 1);
  });

  test('review when not reviewing → nack to the reviewer', () => {
    const working = advance(fresh(), { type: 'start' }).state;
    const input = review('approve');
    const step = advance(freeze(working), input);
    assert.equal(step.state.phase, 'working');
    assert.equal(step.state.finished, undefined);
    assert.deepEqual(msgs(step), [{
      to: 'reviewer',
      kind: 'nack',
      payload: { reason: 'review ignored: loop is working (iteration 1), no review was requested', errors: [] },
      replyTo: (input as { envelope: Envelope }).envelope.id,
    }]);
  });

  test('message cap → exit 4', () => {
    const steps = feed(fresh({ maxMessages: 2 }), { type: 'start' }, note(), note('reviewer'), note());
    assert.equal(steps[2]!.state.finished, undefined);
    const step = last(steps);
    assert.equal(has(step, 'forward'), false);
    assert.deepEqual(step.state.finished, { exitCode: 4, reason: 'message budget exhausted: 2 messages from agents (maxMessages)', status: 'failed' });
  });

  test('worker idle without reply → two reminders, then stall exit 3 on the third', () => {
    const working = advance(fresh(), { type: 'start' }).state;
    const steps = feed(working, { type: 'idle-without-reply', role: 'worker' }, { type: 'idle-without-reply', role: 'worker' }, { type: 'idle-without-reply', role: 'worker' });
    for (const [index, step] of steps.slice(0, 2).entries()) {
      assert.equal(step.state.reminders.worker, index + 1);
      assert.equal(msgs(step).length, 1);
      assert.equal(msgs(step)[0]!.to, 'worker');
      assert.equal(msgs(step)[0]!.kind, 'task');
      assert.match(msgs(step)[0]!.payload.text as string, /^Reminder \(iteration 1\/5\): loop is waiting for your done claim/);
      assert.equal(step.state.finished, undefined);
    }
    assert.deepEqual(last(steps).state.finished, { exitCode: 3, reason: 'stalled: the worker went idle 3 times without sending a done claim (stall.idleReminders: 2)', status: 'failed' });
  });

  test('reviewer idle in reviewing → review-request reminder; third → stall', () => {
    const reviewing = reviewingWith(passing());
    const steps = feed(reviewing, ...Array.from({ length: 3 }, (): Input => ({ type: 'idle-without-reply', role: 'reviewer' })));
    const reminder = msgs(steps[0]!)[0]!;
    assert.equal(reminder.kind, 'review-request');
    assert.equal(reminder.to, 'reviewer');
    assert.match(reminder.payload.summary as string, /^Reminder: loop is waiting for your review/);
    assert.equal(last(steps).state.finished?.exitCode, 3);
    assert.equal(last(steps).state.finished?.reason, 'stalled: the reviewer went idle 3 times without sending a review (stall.idleReminders: 2)');
  });

  test('idle of the role nobody waits for changes nothing', () => {
    const working = advance(fresh(), { type: 'start' }).state;
    const step = advance(freeze(working), { type: 'idle-without-reply', role: 'reviewer' });
    assert.equal(step.state, working);
    assert.deepEqual(msgs(step), []);
  });

  test('a done resets the reminders', () => {
    const steps = feed(fresh(), { type: 'start' }, { type: 'idle-without-reply', role: 'worker' }, { type: 'idle-without-reply', role: 'worker' }, done());
    assert.deepEqual(last(steps).state.reminders, {});
  });

  test('agent-exited → relaunch (twice, on its own session when it can), then exit 5', () => {
    const working = advance(fresh(), { type: 'start' }).state;
    const exited = (onOwnSession: boolean): Input => ({ type: 'agent-exited', role: 'reviewer', exitCode: 1, onOwnSession });
    const steps = feed(working, exited(true), exited(false), exited(true));
    assert.deepEqual(steps[0]!.effects, [{ type: 'relaunch', role: 'reviewer', onOwnSession: true, exitCode: 1, attempt: 1, of: 2 }]);
    assert.deepEqual(steps[1]!.effects, [{ type: 'relaunch', role: 'reviewer', onOwnSession: false, exitCode: 1, attempt: 2, of: 2 }]);
    assert.equal(steps[1]!.state.iteration, 1, 'a crash is not an iteration');
    assert.deepEqual(last(steps).state.finished, {
      exitCode: 5, reason: 'the reviewer agent exited (exit code 1) after 2 restart(s); see: loop logs <id> --role reviewer', status: 'failed',
    });
    assert.deepEqual(last(steps).effects, [{ type: 'finish', exitCode: 5, reason: last(steps).state.finished!.reason, status: 'failed' }]);
    const noRestarts = { ...working, settings: { ...working.settings, maxRestarts: 0 } };
    assert.equal(advance(freeze(noRestarts), { type: 'agent-exited', role: 'worker', exitCode: null, onOwnSession: false }).state.finished?.reason,
      'the worker agent exited (killed by a signal); see: loop logs <id> --role worker');
  });

  test('timeouts → exit 4', () => {
    const working = advance(fresh(), { type: 'start' }).state;
    assert.deepEqual(advance(freeze(working), { type: 'timeout', what: 'wall-clock', minutes: 120 }).state.finished, {
      exitCode: 4, reason: 'wall-clock budget of 120 min exhausted (maxMinutes)', status: 'failed',
    });
    assert.deepEqual(advance(freeze(working), { type: 'timeout', what: 'turn', role: 'worker', minutes: 30 }).state.finished, {
      exitCode: 4, reason: 'the worker took longer than 30 min for one turn (turnTimeoutMinutes)', status: 'failed',
    });
  });

  test('infra → exit 5 with the reason', () => {
    const step = advance(freeze(fresh()), { type: 'infra', reason: 'disk full' });
    assert.deepEqual(step.state.finished, { exitCode: 5, reason: 'disk full', status: 'failed' });
  });

  test('cancel → exit 130, status stopped', () => {
    const working = advance(fresh(), { type: 'start' }).state;
    const step = advance(freeze(working), { type: 'cancel', reason: 'stopped by loop stop' });
    assert.equal(step.state.phase, 'finished');
    assert.deepEqual(step.state.finished, { exitCode: 130, reason: 'stopped by loop stop', status: 'stopped' });
  });

  test('after finish, inputs change nothing', () => {
    const finished = advance(reviewingWith(passing()), review('approve')).state;
    const inputs: Input[] = [
      { type: 'start' }, done(), review('changes'), note(), receipt(passing()), { type: 'cancel', reason: 'x' },
      { type: 'agent-exited', role: 'worker', exitCode: 1, onOwnSession: false }, { type: 'idle-without-reply', role: 'worker' },
      resumed(true, true),
    ];
    for (const input of inputs) {
      const step = advance(freeze(finished), input);
      assert.equal(step.state, finished, input.type);
      assert.deepEqual(msgs(step), []);
      assert.equal(has(step, 'run-proof'), false);
      assert.equal(has(step, 'forward'), false);
    }
  });
});

describe('advance: resumed', () => {
  test('killed before the first transition (still starting) → the run starts: working, the first task', () => {
    const step = advance(freeze(fresh()), resumed(true, true));
    assert.equal(step.state.phase, 'working');
    assert.equal(step.state.iteration, 1);
    assert.deepEqual(msgs(step).map((m) => [m.to, m.kind]), [['worker', 'task']]);
    assert.deepEqual(step, advance(fresh(), { type: 'start' }));
  });

  test('in proving → runProof', () => {
    const proving = last(feed(fresh(), { type: 'start' }, done())).state;
    const step = advance(freeze(proving), resumed(false, false));
    assert.equal(has(step, 'run-proof'), true);
    assert.equal(step.state, proving);
  });

  test('in working with reissue → a new task; without → nothing', () => {
    const working = advance(fresh(), { type: 'start' }).state;
    const step = advance(freeze(working), resumed(true, false));
    assert.equal(msgs(step).length, 1);
    assert.equal(msgs(step)[0]!.to, 'worker');
    assert.equal(msgs(step)[0]!.kind, 'task');
    assert.equal(msgs(step)[0]!.payload.iteration, 1);
    assert.equal(msgs(step)[0]!.payload.text, `(loop restarted; this is your current task)\n${firstTaskText(working)}`);
    const quiet = advance(freeze(working), resumed(false, true));
    assert.deepEqual(msgs(quiet), []);
    assert.equal(has(quiet, 'run-proof'), false);
  });

  test('in a later iteration the reissued task is the fix task', () => {
    const second = advance(reviewingWith(passing()), review('changes', TREE_A, [{ severity: 'high', title: 'Broken parser' }])).state;
    const step = advance(freeze(second), resumed(true, false));
    const text = msgs(step)[0]!.payload.text as string;
    assert.ok(text.startsWith('(loop restarted; this is your current task)\nIteration 2 of 5'), text);
    assert.ok(text.includes('- [high] Broken parser'), text);
  });

  test('in reviewing with reissue → the review request again', () => {
    const r = passing();
    const reviewing = reviewingWith(r);
    const step = advance(freeze(reviewing), resumed(false, true));
    assert.deepEqual(msgs(step).map((m) => [m.to, m.kind]), [['reviewer', 'review-request']]);
    assert.deepEqual(msgs(step)[0]!.payload.receipt, r);
  });
});
