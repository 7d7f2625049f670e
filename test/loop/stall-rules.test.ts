import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { advance, type Input } from '../../src/loop/machine.js';
import { done, envelope, feed, freeze, fresh, has, last, msgs, passing, receipt, review, reviewingWith, TREE_A, TREE_B, TREE_C } from './helpers.js';

// The termination rules: each stop names what happened and the setting that changes it (exact reason texts).

const high = (title: string, file?: string) => ({ severity: 'high', title, ...(file ? { file } : {}) });
const TREES = ['d', 'e', 'f', '1', '2', '3'].map((c) => c.repeat(40));

/** From `reviewing` in iteration 1: the worker changes the tree each round and the reviewer raises `rounds[i]` as its findings. */
function rounds(...findings: unknown[][]): ReturnType<typeof feed> {
  const inputs: Input[] = [];
  findings.forEach((f, i) => {
    if (i > 0) inputs.push(done(TREES[i]), receipt(passing(TREES[i])));
    inputs.push(review('changes', i === 0 ? TREE_A : TREES[i], f));
  });
  return feed(reviewingWith(passing(TREE_A)), ...inputs);
}

describe('stall: the same blocking findings rounds running (stall.sameFindings)', () => {
  test('the same high finding three review rounds running → exit 3, naming it and the setting', () => {
    const steps = rounds([high('Flag is ignored', 'src/cli.ts')], [high('Flag is ignored', 'src/cli.ts')], [high('Flag is ignored', 'src/cli.ts'), { severity: 'low', title: 'typo' }]);
    const reviews = steps.filter((s) => s.state.lastReview !== undefined && s.state.phase !== 'proving' && s.state.phase !== 'reviewing');
    assert.equal(reviews[1]!.state.finished, undefined, 'two rounds are not a stall');
    assert.equal(reviews[1]!.state.blocking.rounds, 2);
    assert.deepEqual(last(steps).state.finished, {
      exitCode: 3,
      reason: 'stalled: the same blocking finding(s) 3 review rounds running: [high] Flag is ignored (src/cli.ts) (stall.sameFindings: 3)',
      status: 'failed',
    });
    assert.deepEqual(last(steps).effects.map((e) => e.type), ['cancel-timer', 'finish']);
    assert.equal(last(steps).state.iteration, 3);
  });

  test('stops before the iteration cap would be reached, and the setting can raise it', () => {
    const same = [high('Leaks the token', 'src/auth.ts'), { severity: 'critical', title: 'SQL injection', file: 'src/db.ts' }];
    assert.equal(last(rounds(same, same, same)).state.finished?.exitCode, 3);
    const patient = feed({ ...reviewingWith(passing(TREE_A)), settings: { ...fresh().settings, stall: { ...fresh().settings.stall, sameFindings: 4 } } },
      review('changes', TREE_A, same), done(TREE_B), receipt(passing(TREE_B)), review('changes', TREE_B, same), done(TREE_C), receipt(passing(TREE_C)), review('changes', TREE_C, same));
    assert.equal(last(patient).state.finished, undefined);
    assert.equal(last(patient).state.blocking.rounds, 3);
  });

  test('only critical and high count, by file and title; a round without them starts over', () => {
    const medium = [{ severity: 'medium', title: 'Naming', file: 'a.ts' }];
    assert.equal(last(rounds(medium, medium, medium)).state.finished, undefined);
    const otherFile = rounds([high('Bug', 'a.ts')], [high('Bug', 'b.ts')], [high('Bug', 'a.ts')]);
    assert.equal(last(otherFile).state.finished, undefined);
    assert.equal(last(otherFile).state.blocking.rounds, 1);
    const gap = rounds([high('Bug', 'a.ts')], [high('Bug', 'a.ts')], [], [high('Bug', 'a.ts')]);
    assert.equal(last(gap).state.finished, undefined);
    const persisting = rounds([high('A'), high('B')], [high('A')], [high('A'), high('C')]);
    assert.equal(last(persisting).state.finished?.reason, 'stalled: the same blocking finding(s) 3 review rounds running: [high] A (stall.sameFindings: 3)');
  });
});

describe('stall: the tree unchanged across worker turns (stall.unchangedTurns)', () => {
  test('done three times on the same tree while changes are requested → exit 3, naming why the work was not accepted', () => {
    const steps = feed(reviewingWith(passing(TREE_A)), review('changes', TREE_A), done(TREE_A), receipt(passing(TREE_A)), review('changes', TREE_A), done(TREE_A));
    assert.deepEqual(last(steps).state.finished, {
      exitCode: 3,
      reason: `stalled: the worker claimed done 3 times in a row on the same tree (${TREE_A.slice(0, 12)}), while its work was not accepted: the reviewer requested changes (stall.unchangedTurns: 2)`,
      status: 'failed',
    });
    assert.equal(has(last(steps), 'run-proof'), false);
  });

  test('a reviewer that edited the tree: the reason names the tree change, never "changes were requested"', () => {
    const restored: Input = { type: 'tree-restored', files: ['a.js'], fileCount: 1, patch: '/p.patch' };
    const steps = feed(
      reviewingWith(passing(TREE_A)),
      review('approve', TREE_B), restored, done(TREE_A), receipt(passing(TREE_A)),
      review('approve', TREE_C), restored, done(TREE_A),
    );
    const reason = last(steps).state.finished?.reason ?? '';
    assert.equal(reason, `stalled: the worker claimed done 3 times in a row on the same tree (${TREE_A.slice(0, 12)}), while its work was not accepted: the tree changed during the review (reviewerMayEdit: false) (stall.unchangedTurns: 2)`);
    assert.doesNotMatch(reason, /changes were requested/);
  });
});

describe('stall: questions (stall.idleReminders)', () => {
  const question = (from: 'worker' | 'reviewer'): Input => ({
    type: 'message', envelope: envelope({ from, to: from === 'worker' ? 'reviewer' : 'worker', kind: 'question', payload: { text: 'which file?' } }),
  });
  const idle = (role: 'worker' | 'reviewer'): Input => ({ type: 'idle-without-reply', role });

  test('an agent waiting for the answer to its question is never idle without a reply', () => {
    const working = advance(fresh(), { type: 'start' }).state;
    const steps = feed(working, question('worker'), idle('worker'), idle('worker'), idle('worker'), idle('worker'));
    for (const step of steps.slice(1)) {
      assert.equal(step.state.finished, undefined);
      assert.deepEqual(step.effects, []);
    }
    assert.equal(last(steps).state.reminders.worker, undefined);
  });

  test('an unanswered question is reported as such: reminders to answer it, then exit 3 naming the question', () => {
    const working = advance(fresh(), { type: 'start' }).state;
    const asked = question('worker');
    const id = asked.type === 'message' ? asked.envelope.id : '';
    const steps = feed(working, asked, idle('reviewer'), idle('reviewer'), idle('reviewer'));
    assert.deepEqual(msgs(steps[1]!), [{
      to: 'reviewer', kind: 'note',
      payload: { text: `Reminder: the worker is waiting for your answer to its question ${id} (read it: loop inbox --all). Answer: loop msg answer --reply-to ${id} --text "…"` },
    }]);
    assert.deepEqual(last(steps).state.finished, {
      exitCode: 3, reason: `stalled: the reviewer went idle 3 times without answering the worker's question ${id} (stall.idleReminders: 2)`, status: 'failed',
    });
  });

  test('the answer closes the question: the asker is awaited again, the one who answered starts its reminders afresh', () => {
    const working = advance(fresh(), { type: 'start' }).state;
    const asked = question('worker');
    const id = asked.type === 'message' ? asked.envelope.id : '';
    const answer: Input = { type: 'message', envelope: envelope({ from: 'reviewer', to: 'worker', kind: 'answer', replyTo: id, payload: { text: 'a.ts' } }) };
    const steps = feed(working, asked, idle('reviewer'), answer, idle('worker'));
    assert.deepEqual(steps[2]!.state.openQuestions, []);
    assert.equal(steps[2]!.state.reminders.reviewer, 0);
    assert.deepEqual(steps[2]!.effects.map((e) => e.type), ['forward']);
    assert.match(String(msgs(last(steps))[0]?.payload.text), /^Reminder \(iteration 1\/5\): loop is waiting for your done claim/);
  });

  test('a done claim closes the questions its sender asked or owed', () => {
    const working = advance(fresh(), { type: 'start' }).state;
    const steps = feed(working, question('worker'), done(TREE_A));
    assert.deepEqual(last(steps).state.openQuestions, []);
  });
});

describe('infrastructure failures are never counted as iterations', () => {
  test('a crash, a relaunch without its session (the request given again), and an infra stop keep the iteration', () => {
    const second = advance(reviewingWith(passing()), review('changes', TREE_A, [high('bug')])).state;
    assert.equal(second.iteration, 2);
    const steps = feed(second,
      { type: 'agent-exited', role: 'worker', exitCode: 1, onOwnSession: false },
      { type: 'agent-restarted', role: 'worker', onOwnSession: false });
    assert.equal(last(steps).state.iteration, 2);
    assert.equal(msgs(last(steps))[0]?.payload.iteration, 2);
    const stopped = advance(freeze(last(steps).state), { type: 'infra', reason: 'the proof could not be run: spawn ENOENT' });
    assert.deepEqual(stopped.state.finished, { exitCode: 5, reason: 'the proof could not be run: spawn ENOENT', status: 'failed' });
    assert.equal(stopped.state.iteration, 2);
  });
});
