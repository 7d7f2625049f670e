import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { advance, type Input } from '../../src/loop/machine.js';
import { SURFACE_ASK_AGAIN } from '../../src/loop/prompts.js';
import type { SurfaceChange } from '../../src/bus/message.js';
import { done, feed, freeze, fresh, last, passing, receipt, review, reviewingWith, TREE_A, TREE_B, TREE_C , has, msgs, restoreOf, resumed } from './helpers.js';

// The review rules, driven through the machine: approvals on another tree, a tree changed during the review, the proof surface.
describe('advance: approval on another tree, with reviewerMayEdit', () => {
  const mayEdit = { reviewerMayEdit: true };
  test('approve on a different tree → re-prove once', () => {
    const step = advance(freeze(reviewingWith(passing(TREE_A), mayEdit)), review('approve', TREE_B));
    assert.equal(step.state.phase, 'proving');
    assert.equal(has(step, 'run-proof'), true);
    assert.equal(step.state.reproves, 1);
    assert.equal(step.state.finished, undefined);
    assert.deepEqual(msgs(step), []);
  });

  test('the re-proof on the approved tree then completes', () => {
    const steps = feed(reviewingWith(passing(TREE_A), mayEdit), review('approve', TREE_B), receipt(passing(TREE_B)), review('approve', TREE_B));
    assert.equal(steps[1]!.state.phase, 'reviewing');
    assert.equal(last(steps).state.finished?.exitCode, 0);
  });

  test('a second approval on yet another tree is not re-proved again', () => {
    const steps = feed(reviewingWith(passing(TREE_A), mayEdit), review('approve', TREE_B), receipt(passing(TREE_A)), review('approve', TREE_B));
    const step = last(steps);
    assert.equal(has(step, 'run-proof'), false);
    assert.equal(step.state.phase, 'working');
    assert.equal(step.state.iteration, 2);
    assert.equal(step.state.reproves, 0);
  });
});

describe('advance: the reviewer never edits the tree', () => {
  const handedOver = (treeHash: string): Input => ({ type: 'review-requested', id: 'm-000000001request', treeHash });
  const restored: Input = { type: 'tree-restored', files: ['a.js', 'b.js'], fileCount: 2, patch: '/runs/r/reviewer-edits/iteration-1.patch' };
  const FINDING = '- [medium] the tree changed during the review (files: a.js, b.js): loop restored the reviewed tree and saved the change as /runs/r/reviewer-edits/iteration-1.patch; apply it if you agree: git apply /runs/r/reviewer-edits/iteration-1.patch';

  test('the first hand-over of a round records the reviewed tree; later ones and other phases do not', () => {
    const steps = feed(reviewingWith(passing(TREE_A)), handedOver(TREE_A), handedOver(TREE_B));
    assert.equal(steps[0]!.state.requestedTree, TREE_A);
    assert.equal(steps[1]!.state.requestedTree, TREE_A);
    assert.deepEqual(msgs(last(steps)), []);
    const working = advance(fresh(), { type: 'start' }).state;
    assert.equal(advance(freeze(working), handedOver(TREE_A)).state, working);
  });

  test('an approval on a tree that changed during the review does not count: loop restores the reviewed tree first', () => {
    const step = last(feed(reviewingWith(passing(TREE_A)), handedOver(TREE_A), review('approve', TREE_B)));
    assert.equal(step.state.phase, 'restoring');
    assert.equal(step.state.finished, undefined);
    assert.equal(has(step, 'run-proof'), false);
    assert.deepEqual(msgs(step), []);
    assert.deepEqual(restoreOf(step), { requestedTree: TREE_A, reviewTree: TREE_B });
    assert.deepEqual(step.state.restore, { requestedTree: TREE_A, reviewTree: TREE_B });
    assert.equal(step.state.lastReview?.notCounted, 'the tree changed during the review (reviewerMayEdit: false)');
  });

  test('once restored, the worker gets the next task with the saved change as a finding', () => {
    const step = last(feed(reviewingWith(passing(TREE_A)), handedOver(TREE_A), review('approve', TREE_B), restored));
    assert.equal(step.state.phase, 'working');
    assert.equal(step.state.iteration, 2);
    assert.equal(step.state.restore, undefined);
    const text = msgs(step)[0]!.payload.text as string;
    assert.match(text, /^Iteration 2 of 5: the previous attempt was not accepted \(the tree changed during the review \(reviewerMayEdit: false\)\)\./);
    assert.ok(text.includes('Reviewer verdict: approve (not counted: the tree changed during the review (reviewerMayEdit: false)). verdict approve'), text);
    assert.ok(text.includes(`Findings:\n${FINDING}`), text);
  });

  test('at the cap the stop reason says the tree changed, not that changes were requested', () => {
    const approved = last(feed(reviewingWith(passing(TREE_A), { maxIterations: 1 }), handedOver(TREE_A), review('approve', TREE_B), restored));
    assert.deepEqual(approved.state.finished, {
      exitCode: 1, status: 'failed',
      reason: 'not proven after 1 iteration(s): the tree changed during the review (reviewerMayEdit: false) (raise --max-iterations to allow more)',
    });
    const changes = last(feed(reviewingWith(passing(TREE_A), { maxIterations: 1 }), handedOver(TREE_A), review('changes', TREE_B), restored));
    assert.equal(changes.state.finished?.reason, 'not proven after 1 iteration(s): the reviewer requested changes and the tree changed during the review (reviewerMayEdit: false) (raise --max-iterations to allow more)');
  });

  test('a voided approval does not acknowledge the proof surface', () => {
    const surface: SurfaceChange[] = [{ file: 'test/a.test.js', status: 'deleted', added: 0, removed: 1 }];
    const reviewing = last(feed(fresh(), { type: 'start' }, done(), receipt(passing(), '', surface))).state;
    const step = last(feed(reviewing, handedOver(TREE_A), review('approve', TREE_B, [], { proofSurfaceReviewed: true })));
    assert.equal(step.state.phase, 'restoring');
    assert.equal(step.state.proofSurface?.acknowledged, false);
  });

  test('a cannot-review on a changed tree is restored too, and still counts towards the stall', () => {
    const first = last(feed(reviewingWith(passing(TREE_A)), handedOver(TREE_A), review('cannot-review', TREE_B)));
    assert.equal(first.state.phase, 'restoring');
    assert.equal(advance(freeze(first.state), restored).state.cannotReview, 1);
  });

  test('a restore that fails stops the run with exit 5, naming the patch', () => {
    const restoring = last(feed(reviewingWith(passing(TREE_A)), handedOver(TREE_A), review('approve', TREE_B))).state;
    const step = advance(freeze(restoring), { type: 'restore-failed', reason: 'git apply -R failed: error: patch failed: a.js:1', patch: '/runs/r/reviewer-edits/iteration-1.patch' });
    assert.deepEqual(step.state.finished, {
      exitCode: 5, status: 'failed',
      reason: 'the tree changed during the review (reviewerMayEdit: false) and loop could not restore the reviewed tree: git apply -R failed: error: patch failed: a.js:1; the change is saved as /runs/r/reviewer-edits/iteration-1.patch',
    });
  });

  test('a resumed run that was restoring restores again', () => {
    const restoring = last(feed(reviewingWith(passing(TREE_A)), handedOver(TREE_A), review('approve', TREE_B))).state;
    const step = advance(freeze(restoring), resumed(true, true));
    assert.deepEqual(restoreOf(step), { requestedTree: TREE_A, reviewTree: TREE_B });
    assert.deepEqual(msgs(step), []);
  });

  test('without a recorded hand-over the proved tree is the reviewed one', () => {
    const step = advance(freeze(reviewingWith(passing(TREE_A))), review('approve', TREE_B));
    assert.deepEqual(restoreOf(step), { requestedTree: TREE_A, reviewTree: TREE_B });
  });

  test('a review on the tree it was handed, which is not the proved one (the worker changed it after the proof), is re-proved', () => {
    const step = last(feed(reviewingWith(passing(TREE_A)), handedOver(TREE_C), review('approve', TREE_C)));
    assert.equal(restoreOf(step), undefined);
    assert.equal(step.state.phase, 'proving');
    assert.equal(has(step, 'run-proof'), true);
  });

  test('a review on the unchanged tree completes; the next round records its own tree', () => {
    assert.equal(last(feed(reviewingWith(passing(TREE_A)), handedOver(TREE_A), review('approve', TREE_A))).state.finished?.exitCode, 0);
    const next = last(feed(reviewingWith(passing(TREE_A)), handedOver(TREE_A), review('changes', TREE_A), done(TREE_B), receipt(passing(TREE_B)))).state;
    assert.equal(next.requestedTree, undefined);
  });
});

describe('advance: the proof surface', () => {
  const deleted: SurfaceChange = { file: 'test/a.test.js', status: 'deleted', added: 0, removed: 12 };
  const touched = (r = passing(TREE_A), surface: SurfaceChange[] = [deleted]) =>
    last(feed(fresh(), { type: 'start' }, done(r.treeHash), receipt(r, ' test/a.test.js | 12 ---', surface)));

  test('a change review request lists the proof-surface files first, with their stat', () => {
    const step = touched();
    const request = msgs(step)[0]!.payload;
    assert.deepEqual(Object.keys(request).slice(0, 2), ['subject', 'proofSurface']);
    assert.equal(request.subject, 'change');
    assert.deepEqual(request.proofSurface, [deleted]);
    assert.equal(request.proofSurfaceMore, undefined);
    assert.deepEqual(step.state.proofSurface, { files: [deleted], total: 1, acknowledged: false });
  });

  test('the list is capped at 50 entries; the rest are counted', () => {
    const many = Array.from({ length: 60 }, (_, i): SurfaceChange => ({ file: `test/t${i}.test.js`, status: 'added', added: 1, removed: 0 }));
    const step = touched(passing(), many);
    assert.equal((msgs(step)[0]!.payload.proofSurface as unknown[]).length, 50);
    assert.equal(msgs(step)[0]!.payload.proofSurfaceMore, 10);
    assert.equal(step.state.proofSurface?.total, 60);
  });

  test('an approval with "proofSurfaceReviewed": true completes and is recorded as acknowledged', () => {
    const step = advance(freeze(touched().state), review('approve', TREE_A, [], { proofSurfaceReviewed: true }));
    assert.equal(step.state.finished?.exitCode, 0);
    assert.equal(step.state.proofSurface?.acknowledged, true);
  });

  test('an approval without it is asked again, once, with the same request and a line on top saying why', () => {
    const reviewing = touched();
    const step = advance(freeze(reviewing.state), review('approve', TREE_A));
    assert.equal(step.state.finished, undefined);
    assert.equal(step.state.phase, 'reviewing');
    assert.deepEqual(step.state.surfaceAsked, ['reviewer']);
    assert.deepEqual(msgs(step).map((m) => [m.to, m.kind]), [['reviewer', 'review-request']]);
    const { notice, ...rest } = msgs(step)[0]!.payload;
    assert.equal(notice, SURFACE_ASK_AGAIN);
    assert.equal(notice, 'Asked again: you approved without "proofSurfaceReviewed": true, but this change touches the proof surface (listed below). Check those files, then approve with "proofSurfaceReviewed": true, or request changes.');
    assert.deepEqual(rest, msgs(reviewing)[0]!.payload);
    const acknowledged = advance(freeze(step.state), review('approve', TREE_A, [], { proofSurfaceReviewed: true }));
    assert.equal(acknowledged.state.finished?.exitCode, 0);
  });

  test('a second approval without it counts as changes, with a finding saying so', () => {
    const steps = feed(touched().state, review('approve', TREE_A), review('approve', TREE_A));
    const step = last(steps);
    assert.equal(step.state.phase, 'working');
    assert.equal(step.state.iteration, 2);
    assert.equal(step.state.proofSurface?.acknowledged, false);
    const text = msgs(step)[0]!.payload.text as string;
    assert.match(text, /^Iteration 2 of 5: the previous attempt was not accepted \(the reviewer approved without acknowledging the proof-surface change\)\./);
    assert.ok(text.includes('- [high] the reviewer did not acknowledge the proof-surface change (files: test/a.test.js): these files can weaken the proof; the reviewer approved twice without "proofSurfaceReviewed": true, so loop counts the review as changes. Revert those changes, or explain in your done summary why they are needed.'), text);
  });

  test('at the cap the stop reason names the missing acknowledgement', () => {
    const reviewing = last(feed(fresh({ maxIterations: 1 }), { type: 'start' }, done(), receipt(passing(), '', [deleted]))).state;
    const step = last(feed(reviewing, review('approve', TREE_A), review('approve', TREE_A)));
    assert.equal(step.state.finished?.reason, 'not proven after 1 iteration(s): the reviewer approved without acknowledging the proof-surface change (raise --max-iterations to allow more)');
  });

  test('each review round may ask again once', () => {
    const steps = feed(touched().state, review('changes', TREE_A), done(TREE_B), receipt(passing(TREE_B), '', [deleted]), review('approve', TREE_B));
    assert.equal(steps[2]!.state.surfaceAsks, 0);
    assert.equal(msgs(last(steps))[0]!.payload.notice, SURFACE_ASK_AGAIN);
  });

  test('a change that no longer touches the surface needs no acknowledgement', () => {
    const steps = feed(touched().state, review('changes', TREE_A), done(TREE_B), receipt(passing(TREE_B), '', []), review('approve', TREE_B));
    assert.equal(steps[2]!.state.proofSurface, undefined);
    assert.equal(last(steps).state.finished?.exitCode, 0);
  });
});
