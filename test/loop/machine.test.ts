import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { advance, type Input, type Step } from '../../src/loop/machine.js';
import { initialState, type LoopState } from '../../src/loop/state.js';
import { firstTaskText, SURFACE_ASK_AGAIN } from '../../src/loop/prompts.js';
import type { Envelope, Receipt, SurfaceChange } from '../../src/bus/message.js';

const TREE_A = 'a'.repeat(40);
const TREE_B = 'b'.repeat(40);
const TREE_C = 'c'.repeat(40);

let seq = 0;
const envelope = (fields: Partial<Envelope>): Envelope => {
  seq++;
  return {
    id: `m-${String(seq).padStart(9, '0')}abcdefgh`,
    runId: 'r',
    seq,
    from: 'worker',
    to: 'loop',
    kind: 'note',
    iteration: 1,
    at: '2026-01-01T00:00:00.000Z',
    payload: {},
    ...fields,
  };
};
const done = (treeHash = TREE_A, evidence?: string[]): Input => ({
  type: 'message',
  envelope: envelope({ from: 'worker', to: 'loop', kind: 'done', treeHash, payload: { summary: 'implemented it', ...(evidence ? { evidence } : {}) } }),
});
const review = (verdict: 'approve' | 'changes' | 'cannot-review', treeHash: string | undefined = TREE_A, findings: unknown[] = [], extra: Record<string, unknown> = {}): Input => ({
  type: 'message',
  envelope: envelope({ from: 'reviewer', to: 'loop', kind: 'review', ...(treeHash ? { treeHash } : {}), payload: { verdict, summary: `verdict ${verdict}`, findings, ...extra } }),
});
const note = (from: 'worker' | 'reviewer' = 'worker'): Input => ({
  type: 'message',
  envelope: envelope({ from, to: from === 'worker' ? 'reviewer' : 'worker', kind: 'note', payload: { text: 'fyi' } }),
});
const passing = (treeHash = TREE_A): Receipt => ({
  passed: true,
  steps: [{ command: 'npm test', exitCode: 0, durationMs: 10, outputTail: 'all good' }],
  treeHash,
  startedAt: '2026-01-01T00:00:00.000Z',
  durationMs: 10,
});
const failing = (treeHash = TREE_A): Receipt => ({
  passed: false,
  steps: [
    { command: 'npm run lint', exitCode: 0, durationMs: 5, outputTail: '' },
    { command: 'npm test', exitCode: 1, durationMs: 10, outputTail: 'FAIL test/a.test.ts\nexpected 2, got 3' },
  ],
  treeHash,
  startedAt: '2026-01-01T00:00:00.000Z',
  durationMs: 15,
});
const receipt = (r: Receipt, diffStat = ' src/a.ts | 2 +-', proofSurface?: SurfaceChange[]): Input => ({ type: 'receipt', receipt: r, diffStat, ...(proofSurface ? { proofSurface } : {}) });

/** Deep-freezes a value so that any mutation by the (pure) machine throws. */
function freeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) freeze(child);
  }
  return value;
}

/** Feeds inputs in order; returns every step. */
function feed(state: LoopState, ...inputs: Input[]): Step[] {
  const steps: Step[] = [];
  let current = state;
  for (const input of inputs) {
    const step = advance(freeze(current), freeze(input));
    steps.push(step);
    current = step.state;
  }
  return steps;
}
const last = (steps: Step[]): Step => steps[steps.length - 1]!;
type Options = Partial<{ maxIterations: number; maxMessages: number; reviewerMayEdit: boolean }>;
const fresh = (options: Options = {}) =>
  initialState({ task: 'Add a --verbose flag', proof: ['npm test'], maxIterations: options.maxIterations ?? 5, maxMessages: options.maxMessages ?? 100, reviewerMayEdit: options.reviewerMayEdit });
/** A state in `reviewing` after start → done → receipt. */
const reviewingWith = (r: Receipt, options: Options = {}) =>
  last(feed(fresh(options), { type: 'start' }, done(r.treeHash), receipt(r))).state;

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
    assert.equal(step.runProof, false);
    assert.equal(step.forward, false);
    assert.deepEqual(step.send, [{ to: 'worker', kind: 'task', payload: { text: firstTaskText(step.state), iteration: 1 } }]);
    assert.ok((step.send[0]!.payload.text as string).startsWith('Add a --verbose flag\n'));
  });

  test('done in working → proving and runProof', () => {
    const [, step] = feed(fresh(), { type: 'start' }, done(TREE_A, ['tests added']));
    assert.equal(step!.state.phase, 'proving');
    assert.equal(step!.runProof, true);
    assert.deepEqual(step!.send, []);
    assert.equal(step!.state.agentMessages, 1);
    assert.deepEqual(step!.state.lastDone?.evidence, ['tests added']);
    assert.equal(step!.state.lastDone?.treeHash, TREE_A);
  });

  test('a receipt → proof to worker and reviewer, then a review-request → reviewing', () => {
    const r = passing();
    const step = last(feed(fresh(), { type: 'start' }, done(TREE_A, ['tests added']), receipt(r, ' src/a.ts | 2 +-')));
    assert.equal(step.state.phase, 'reviewing');
    assert.equal(step.runProof, false);
    assert.deepEqual(step.state.lastProof, { passed: true, treeHash: TREE_A, receipt: r, diffStat: ' src/a.ts | 2 +-' });
    const proofPayload = { passed: true, steps: r.steps, treeHash: TREE_A };
    assert.deepEqual(step.send.map((m) => [m.to, m.kind]), [['worker', 'proof'], ['reviewer', 'proof'], ['reviewer', 'review-request']]);
    assert.deepEqual(step.send[0]!.payload, proofPayload);
    assert.deepEqual(step.send[1]!.payload, proofPayload);
    const request = step.send[2]!.payload;
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
    assert.deepEqual(step.send, []);
  });

  test('approve with passed proof on the same tree → finished, exit 0, completed', () => {
    const step = advance(freeze(reviewingWith(passing())), review('approve', TREE_A));
    assert.equal(step.state.phase, 'finished');
    assert.deepEqual(step.state.finished, { exitCode: 0, reason: `approved and proof passed on tree ${TREE_A.slice(0, 12)}`, status: 'completed' });
    assert.deepEqual(step.send, []);
  });

  test('notes and questions are forwarded and counted', () => {
    const working = advance(fresh(), { type: 'start' }).state;
    const input = note('worker');
    const step = advance(freeze(working), input);
    assert.equal(step.forward, true);
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
    assert.equal(step.send.length, 1);
    const task = step.send[0]!;
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
    const text = step.send[0]!.payload.text as string;
    assert.match(text, /\(the reviewer requested changes\)/);
    assert.ok(text.includes('Reviewer verdict: changes. verdict changes'), text);
    assert.ok(text.includes('Findings:\n- [high] Flag is ignored (src/cli.ts:12)\n- [low] Missing docs: README has no --verbose'), text);
  });

  test('failed proof and changes are both named', () => {
    const step = advance(freeze(reviewingWith(failing())), review('changes', TREE_A, [{ severity: 'medium', title: 'x' }]));
    assert.match(step.send[0]!.payload.text as string, /\(proof failed: `npm test` exited 1 and the reviewer requested changes\)/);
  });

  test('a timed-out step is described as timed out', () => {
    const r: Receipt = { ...failing(), steps: [{ command: 'sleep 99', exitCode: null, durationMs: 1000, outputTail: '', timedOut: true }] };
    const step = advance(freeze(reviewingWith(r)), review('approve', TREE_A));
    assert.match(step.send[0]!.payload.text as string, /proof failed: `sleep 99` timed out/);
  });

  test('iteration cap → exit 1 with a reason naming --max-iterations', () => {
    const step = advance(freeze(reviewingWith(passing(), { maxIterations: 1 })), review('changes', TREE_A));
    assert.equal(step.state.phase, 'finished');
    assert.deepEqual(step.state.finished, {
      exitCode: 1,
      reason: 'not proven after 1 iteration(s): the reviewer requested changes (raise --max-iterations to allow more)',
      status: 'failed',
    });
    assert.deepEqual(step.send, []);
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

describe('advance: approval on another tree, with reviewerMayEdit', () => {
  const mayEdit = { reviewerMayEdit: true };
  test('approve on a different tree → re-prove once', () => {
    const step = advance(freeze(reviewingWith(passing(TREE_A), mayEdit)), review('approve', TREE_B));
    assert.equal(step.state.phase, 'proving');
    assert.equal(step.runProof, true);
    assert.equal(step.state.reproves, 1);
    assert.equal(step.state.finished, undefined);
    assert.deepEqual(step.send, []);
  });

  test('the re-proof on the approved tree then completes', () => {
    const steps = feed(reviewingWith(passing(TREE_A), mayEdit), review('approve', TREE_B), receipt(passing(TREE_B)), review('approve', TREE_B));
    assert.equal(steps[1]!.state.phase, 'reviewing');
    assert.equal(last(steps).state.finished?.exitCode, 0);
  });

  test('a second approval on yet another tree is not re-proved again', () => {
    const steps = feed(reviewingWith(passing(TREE_A), mayEdit), review('approve', TREE_B), receipt(passing(TREE_A)), review('approve', TREE_B));
    const step = last(steps);
    assert.equal(step.runProof, false);
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
    assert.deepEqual(last(steps).send, []);
    const working = advance(fresh(), { type: 'start' }).state;
    assert.equal(advance(freeze(working), handedOver(TREE_A)).state, working);
  });

  test('an approval on a tree that changed during the review does not count: loop restores the reviewed tree first', () => {
    const step = last(feed(reviewingWith(passing(TREE_A)), handedOver(TREE_A), review('approve', TREE_B)));
    assert.equal(step.state.phase, 'restoring');
    assert.equal(step.state.finished, undefined);
    assert.equal(step.runProof, false);
    assert.deepEqual(step.send, []);
    assert.deepEqual(step.restoreTree, { requestedTree: TREE_A, reviewTree: TREE_B });
    assert.deepEqual(step.state.restore, { requestedTree: TREE_A, reviewTree: TREE_B });
    assert.equal(step.state.lastReview?.notCounted, 'the tree changed during the review');
  });

  test('once restored, the worker gets the next task with the saved change as a finding', () => {
    const step = last(feed(reviewingWith(passing(TREE_A)), handedOver(TREE_A), review('approve', TREE_B), restored));
    assert.equal(step.state.phase, 'working');
    assert.equal(step.state.iteration, 2);
    assert.equal(step.state.restore, undefined);
    const text = step.send[0]!.payload.text as string;
    assert.match(text, /^Iteration 2 of 5: the previous attempt was not accepted \(the tree changed during the review\)\./);
    assert.ok(text.includes('Reviewer verdict: approve (not counted: the tree changed during the review). verdict approve'), text);
    assert.ok(text.includes(`Findings:\n${FINDING}`), text);
  });

  test('at the cap the stop reason says the tree changed, not that changes were requested', () => {
    const approved = last(feed(reviewingWith(passing(TREE_A), { maxIterations: 1 }), handedOver(TREE_A), review('approve', TREE_B), restored));
    assert.deepEqual(approved.state.finished, {
      exitCode: 1, status: 'failed',
      reason: 'not proven after 1 iteration(s): the tree changed during the review (raise --max-iterations to allow more)',
    });
    const changes = last(feed(reviewingWith(passing(TREE_A), { maxIterations: 1 }), handedOver(TREE_A), review('changes', TREE_B), restored));
    assert.equal(changes.state.finished?.reason, 'not proven after 1 iteration(s): the reviewer requested changes and the tree changed during the review (raise --max-iterations to allow more)');
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
      reason: 'the tree changed during the review and loop could not restore the reviewed tree: git apply -R failed: error: patch failed: a.js:1; the change is saved as /runs/r/reviewer-edits/iteration-1.patch',
    });
  });

  test('a resumed run that was restoring restores again', () => {
    const restoring = last(feed(reviewingWith(passing(TREE_A)), handedOver(TREE_A), review('approve', TREE_B))).state;
    const step = advance(freeze(restoring), { type: 'resumed', reissue: { worker: true, reviewer: true } });
    assert.deepEqual(step.restoreTree, { requestedTree: TREE_A, reviewTree: TREE_B });
    assert.deepEqual(step.send, []);
  });

  test('without a recorded hand-over the proved tree is the reviewed one', () => {
    const step = advance(freeze(reviewingWith(passing(TREE_A))), review('approve', TREE_B));
    assert.deepEqual(step.restoreTree, { requestedTree: TREE_A, reviewTree: TREE_B });
  });

  test('a review on the tree it was handed, which is not the proved one (the worker changed it after the proof), is re-proved', () => {
    const step = last(feed(reviewingWith(passing(TREE_A)), handedOver(TREE_C), review('approve', TREE_C)));
    assert.equal(step.restoreTree, undefined);
    assert.equal(step.state.phase, 'proving');
    assert.equal(step.runProof, true);
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
    const request = step.send[2]!.payload;
    assert.deepEqual(Object.keys(request).slice(0, 2), ['subject', 'proofSurface']);
    assert.equal(request.subject, 'change');
    assert.deepEqual(request.proofSurface, [deleted]);
    assert.equal(request.proofSurfaceMore, undefined);
    assert.deepEqual(step.state.proofSurface, { files: [deleted], total: 1, acknowledged: false });
  });

  test('the list is capped at 50 entries; the rest are counted', () => {
    const many = Array.from({ length: 60 }, (_, i): SurfaceChange => ({ file: `test/t${i}.test.js`, status: 'added', added: 1, removed: 0 }));
    const step = touched(passing(), many);
    assert.equal((step.send[2]!.payload.proofSurface as unknown[]).length, 50);
    assert.equal(step.send[2]!.payload.proofSurfaceMore, 10);
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
    assert.equal(step.state.surfaceAsks, 1);
    assert.deepEqual(step.send.map((m) => [m.to, m.kind]), [['reviewer', 'review-request']]);
    const { notice, ...rest } = step.send[0]!.payload;
    assert.equal(notice, SURFACE_ASK_AGAIN);
    assert.equal(notice, 'Asked again: you approved without "proofSurfaceReviewed": true, but this change touches the proof surface (listed below). Check those files, then approve with "proofSurfaceReviewed": true, or request changes.');
    assert.deepEqual(rest, reviewing.send[2]!.payload);
    const acknowledged = advance(freeze(step.state), review('approve', TREE_A, [], { proofSurfaceReviewed: true }));
    assert.equal(acknowledged.state.finished?.exitCode, 0);
  });

  test('a second approval without it counts as changes, with a finding saying so', () => {
    const steps = feed(touched().state, review('approve', TREE_A), review('approve', TREE_A));
    const step = last(steps);
    assert.equal(step.state.phase, 'working');
    assert.equal(step.state.iteration, 2);
    assert.equal(step.state.proofSurface?.acknowledged, false);
    const text = step.send[0]!.payload.text as string;
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
    assert.equal(last(steps).send[0]!.payload.notice, SURFACE_ASK_AGAIN);
  });

  test('a change that no longer touches the surface needs no acknowledgement', () => {
    const steps = feed(touched().state, review('changes', TREE_A), done(TREE_B), receipt(passing(TREE_B), '', []), review('approve', TREE_B));
    assert.equal(steps[2]!.state.proofSurface, undefined);
    assert.equal(last(steps).state.finished?.exitCode, 0);
  });
});

describe('advance: stalls, budgets and failures', () => {
  test('cannot-review once → next iteration; twice → exit 3', () => {
    const first = advance(freeze(reviewingWith(passing())), review('cannot-review'));
    assert.equal(first.state.phase, 'working');
    assert.equal(first.state.cannotReview, 1);
    assert.match(first.send[0]!.payload.text as string, /the reviewer could not review/);
    const second = last(feed(first.state, done(TREE_B), receipt(passing(TREE_B)), review('cannot-review', TREE_B)));
    assert.deepEqual(second.state.finished, { exitCode: 3, reason: 'stalled: the reviewer answered cannot-review twice', status: 'failed' });
    assert.equal(second.state.cannotReview, 2);
  });

  test('done claimed three times on an unchanged tree while changes are requested → exit 3', () => {
    const steps = feed(
      reviewingWith(passing(TREE_A)),
      review('changes', TREE_A), done(TREE_A), receipt(passing(TREE_A)),
      review('changes', TREE_A), done(TREE_A),
    );
    assert.equal(steps[1]!.state.unchangedDones, 1);
    assert.equal(steps[1]!.runProof, true);
    const step = last(steps);
    assert.equal(step.runProof, false);
    assert.equal(step.state.finished?.exitCode, 3);
    assert.equal(step.state.finished?.reason, 'stalled: the worker claimed done 3 times in a row without changing the tree while changes were requested');
  });

  test('done when not working → nack to the sender', () => {
    const reviewing = reviewingWith(passing());
    const input = done(TREE_A);
    const step = advance(freeze(reviewing), input);
    assert.equal(step.state.phase, 'reviewing');
    assert.equal(step.runProof, false);
    assert.deepEqual(step.send, [{
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
    assert.deepEqual(step.send, [{
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
    assert.equal(step.forward, false);
    assert.deepEqual(step.state.finished, { exitCode: 4, reason: 'message budget exhausted: 2 messages from agents (maxMessages)', status: 'failed' });
  });

  test('worker idle without reply → two reminders, then stall exit 3 on the third', () => {
    const working = advance(fresh(), { type: 'start' }).state;
    const steps = feed(working, { type: 'idle-without-reply', role: 'worker' }, { type: 'idle-without-reply', role: 'worker' }, { type: 'idle-without-reply', role: 'worker' });
    for (const [index, step] of steps.slice(0, 2).entries()) {
      assert.equal(step.state.reminders.worker, index + 1);
      assert.equal(step.send.length, 1);
      assert.equal(step.send[0]!.to, 'worker');
      assert.equal(step.send[0]!.kind, 'task');
      assert.match(step.send[0]!.payload.text as string, /^Reminder \(iteration 1\/5\): loop is waiting for your done claim/);
      assert.equal(step.state.finished, undefined);
    }
    assert.deepEqual(last(steps).state.finished, { exitCode: 3, reason: 'stalled: the worker went idle 3 times without sending a done claim', status: 'failed' });
  });

  test('reviewer idle in reviewing → review-request reminder; third → stall', () => {
    const reviewing = reviewingWith(passing());
    const steps = feed(reviewing, ...Array.from({ length: 3 }, (): Input => ({ type: 'idle-without-reply', role: 'reviewer' })));
    const reminder = steps[0]!.send[0]!;
    assert.equal(reminder.kind, 'review-request');
    assert.equal(reminder.to, 'reviewer');
    assert.match(reminder.payload.summary as string, /^Reminder: loop is waiting for your review/);
    assert.equal(last(steps).state.finished?.exitCode, 3);
    assert.equal(last(steps).state.finished?.reason, 'stalled: the reviewer went idle 3 times without sending a review');
  });

  test('idle of the role nobody waits for changes nothing', () => {
    const working = advance(fresh(), { type: 'start' }).state;
    const step = advance(freeze(working), { type: 'idle-without-reply', role: 'reviewer' });
    assert.equal(step.state, working);
    assert.deepEqual(step.send, []);
  });

  test('a done resets the reminders', () => {
    const steps = feed(fresh(), { type: 'start' }, { type: 'idle-without-reply', role: 'worker' }, { type: 'idle-without-reply', role: 'worker' }, done());
    assert.deepEqual(last(steps).state.reminders, { worker: 0, reviewer: 0 });
  });

  test('agent-exited → exit 5', () => {
    const working = advance(fresh(), { type: 'start' }).state;
    assert.deepEqual(advance(freeze(working), { type: 'agent-exited', role: 'reviewer', exitCode: 1, restarts: 0 }).state.finished, {
      exitCode: 5, reason: 'the reviewer agent exited (exit code 1); see: loop logs <id> --role reviewer', status: 'failed',
    });
    assert.equal(advance(freeze(working), { type: 'agent-exited', role: 'worker', exitCode: null, restarts: 0 }).state.finished?.reason,
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
      { type: 'agent-exited', role: 'worker', exitCode: 1, restarts: 0 }, { type: 'idle-without-reply', role: 'worker' },
      { type: 'resumed', reissue: { worker: true, reviewer: true } },
    ];
    for (const input of inputs) {
      const step = advance(freeze(finished), input);
      assert.equal(step.state, finished, input.type);
      assert.deepEqual(step.send, []);
      assert.equal(step.runProof, false);
      assert.equal(step.forward, false);
    }
  });
});

describe('advance: resumed', () => {
  test('in proving → runProof', () => {
    const proving = last(feed(fresh(), { type: 'start' }, done())).state;
    const step = advance(freeze(proving), { type: 'resumed', reissue: { worker: false, reviewer: false } });
    assert.equal(step.runProof, true);
    assert.equal(step.state, proving);
  });

  test('in working with reissue → a new task; without → nothing', () => {
    const working = advance(fresh(), { type: 'start' }).state;
    const step = advance(freeze(working), { type: 'resumed', reissue: { worker: true, reviewer: false } });
    assert.equal(step.send.length, 1);
    assert.equal(step.send[0]!.to, 'worker');
    assert.equal(step.send[0]!.kind, 'task');
    assert.equal(step.send[0]!.payload.iteration, 1);
    assert.equal(step.send[0]!.payload.text, `(loop restarted; this is your current task)\n${firstTaskText(working)}`);
    const quiet = advance(freeze(working), { type: 'resumed', reissue: { worker: false, reviewer: true } });
    assert.deepEqual(quiet.send, []);
    assert.equal(quiet.runProof, false);
  });

  test('in a later iteration the reissued task is the fix task', () => {
    const second = advance(reviewingWith(passing()), review('changes', TREE_A, [{ severity: 'high', title: 'Broken parser' }])).state;
    const step = advance(freeze(second), { type: 'resumed', reissue: { worker: true, reviewer: false } });
    const text = step.send[0]!.payload.text as string;
    assert.ok(text.startsWith('(loop restarted; this is your current task)\nIteration 2 of 5'), text);
    assert.ok(text.includes('- [high] Broken parser'), text);
  });

  test('in reviewing with reissue → the review request again', () => {
    const r = passing();
    const reviewing = reviewingWith(r);
    const step = advance(freeze(reviewing), { type: 'resumed', reissue: { worker: false, reviewer: true } });
    assert.deepEqual(step.send.map((m) => [m.to, m.kind]), [['reviewer', 'review-request']]);
    assert.deepEqual(step.send[0]!.payload.receipt, r);
  });
});
