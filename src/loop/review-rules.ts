import type { AgentEnvelope, EnvelopeOf, ReviewerRole } from '../bus/message.js';
import { ExitCode } from '../errors.js';
import { cancelTimer, finish, prepend, runProof, send, step, type Step } from './effects.js';
import { nextIteration } from './next-iteration.js';
import { nack, reviewRequest } from './outgoing.js';
import { mergedReview, owing, policyOf, policyText, reviewersOf, tally } from './panel-rules.js';
import { checklistReviewed } from './plan-rules.js';
import { SURFACE_ASK_AGAIN, SURFACE_NOT_ACKNOWLEDGED, surfaceFinding, TREE_CHANGED, treeChangedFinding } from './prompts.js';
import { withoutQuestionsOf } from './reply-rules.js';
import { countBlocking, sameFindingsStall } from './stall-rules.js';
import type { LoopState, RoundReview } from './state.js';

/** The review request was handed to the reviewer on `treeHash`: the first hand-over of a round sets the reviewed tree. */
export function onReviewRequested(state: LoopState, treeHash: string): Step {
  if (state.phase !== 'reviewing' || state.requestedTree !== undefined) return step(state);
  return step({ ...state, requestedTree: treeHash });
}

/** A review arrived: the reviewer never edits, an approval of a proof-surface change acknowledges it, then the round's tally. */
export function onReview(state: LoopState, envelope: EnvelopeOf<'review'> & AgentEnvelope): Step {
  if (state.phase !== 'reviewing') {
    return step(state, ...send(nack(envelope, `review ignored: loop is ${state.phase} (iteration ${state.iteration}), no review was requested`)));
  }
  const role = envelope.from as ReviewerRole;
  const waiting = owing(state);
  if (!waiting.includes(role)) {
    return step(state, ...send(nack(envelope, `review ignored: your review of iteration ${state.iteration} is already in; loop waits for ${waiting.join(', ')}`)));
  }
  const { payload } = envelope;
  const turnOver = cancelTimer(`turn:${role}`);
  const given = { role, id: envelope.id, verdict: payload.verdict, summary: payload.summary, findings: payload.findings };
  const answered = withoutQuestionsOf(state, role);
  const round = (state.round ?? []).filter((r) => r.role !== role);
  // The tree the reviewer was handed (the proved tree when the hand-over was not recorded, e.g. after a resume).
  const requested = state.requestedTree ?? state.lastProof?.treeHash;
  if (!state.reviewerMayEdit && requested !== undefined && envelope.treeHash !== undefined && envelope.treeHash !== requested) {
    // Whatever its verdict, this review is not of the tree it was asked about: undo the change, then go on. With a
    // panel the round ends here: every other review would be of a tree that changed under it.
    const restore = { requestedTree: requested, reviewTree: envelope.treeHash };
    const lastReview = mergedReview(state, [...round, { ...given, counts: false, notCounted: TREE_CHANGED }]);
    const voided: LoopState = { ...answered, phase: 'restoring', lastReview, round: [], restore, reminders: {} };
    return step(voided, turnOver, { type: 'restore-tree', ...restore });
  }
  const acknowledged = payload.verdict === 'approve' && payload.proofSurfaceReviewed === true;
  const proof = state.lastProof;
  const approves = payload.verdict === 'approve' && proof?.passed === true;
  const onProvedTree = envelope.treeHash === undefined || envelope.treeHash === proof?.treeHash;
  const surface = state.proofSurface;
  let review: RoundReview = { ...given, counts: approves && onProvedTree, ...(approves && !onProvedTree ? { otherTree: true } : {}), ...(acknowledged ? { acknowledged } : {}) };
  if (approves && onProvedTree && surface && surface.total > 0 && !acknowledged) {
    const asked = state.surfaceAsked ?? [];
    if (!asked.includes(role) && (state.surfaceAsks ?? 0) < 1) {
      const again: LoopState = { ...answered, round, surfaceAsked: [...asked, role] };
      return step(again, turnOver, ...send(reviewRequest(again, proof.receipt, { notice: SURFACE_ASK_AGAIN, to: role })));
    }
    review = { ...review, counts: false, notCounted: SURFACE_NOT_ACKNOWLEDGED, findings: [...review.findings, surfaceFinding(surface)] };
  }
  const reviews = [...round, review];
  const approvals = reviews.filter((r) => r.verdict === 'approve');
  const reviewed: LoopState = {
    ...answered,
    round: reviews,
    ...(surface ? { proofSurface: { ...surface, acknowledged: approvals.length > 0 && approvals.every((r) => r.acknowledged === true) } } : {}),
    reminders: { ...state.reminders, [role]: 0 },
  };
  return prepend(decideRound(reviewed), turnOver);
}

/** Tally the round (see panel-rules.ts): complete the run, wait for the other reviewers, prove the approved tree, or go on. */
function decideRound(state: LoopState): Step {
  const round = state.round ?? [];
  const outcome = tally(policyOf(state), reviewersOf(state), round);
  if (outcome === 'pending') return step(state);
  // What PLAN.md had checked when the round closed counts as seen: the next review request lists what is checked off since.
  const closed: LoopState = checklistReviewed({ ...state, lastReview: mergedReview(state, round), round: [], reminders: {} });
  const proof = closed.lastProof;
  if (outcome === 'approved' && proof) {
    const who = closed.lastReview?.panel ? ` (approved by ${closed.lastReview.panel.approvedBy.join(', ')}; panel ${policyText(policyOf(state), reviewersOf(state).length)})` : '';
    return finish(closed, ExitCode.completed, `approved and proof passed on tree ${proof.treeHash.slice(0, 12)}${who}`);
  }
  if (outcome === 'reprove' && closed.reproves < 1) {
    // The tree changed between the proof and the approval: prove the tree that was approved.
    return step({ ...closed, phase: 'proving', reproves: closed.reproves + 1 }, runProof());
  }
  return afterReview(closed);
}

/** A review that does not complete the run: the stall rules (same blocking findings, cannot-review), then the next iteration. */
function afterReview(state: LoopState): Step {
  const findings = state.lastReview?.findings ?? [];
  const counted = countBlocking(state, findings);
  const stalled = sameFindingsStall(counted, findings);
  if (stalled) return stalled;
  if (counted.lastReview?.verdict === 'cannot-review') {
    const count = counted.cannotReview + 1;
    const limit = counted.settings.stall.cannotReview;
    if (count >= limit) {
      const who = counted.lastReview?.panel ? 'the reviewers' : 'the reviewer';
      return finish({ ...counted, cannotReview: count }, ExitCode.stalled, `stalled: ${who} answered cannot-review ${count === 2 ? 'twice' : `${count} times`} (stall.cannotReview: ${limit})`);
    }
    return nextIteration({ ...counted, cannotReview: count });
  }
  return nextIteration(counted);
}

/** The reviewed tree is back: the worker's next task carries the saved change as a finding. */
export function onTreeRestored(state: LoopState, restored: { files: string[]; fileCount: number; patch: string }): Step {
  if (state.phase !== 'restoring' || !state.lastReview) return step(state);
  const finding = treeChangedFinding(restored.files, restored.fileCount, restored.patch);
  const lastReview = { ...state.lastReview, findings: [...state.lastReview.findings, finding] };
  return afterReview({ ...state, restore: undefined, lastReview });
}

/** The reviewed tree could not be put back: nothing can be trusted any more, so the run stops (exit 5). */
export function onRestoreFailed(state: LoopState, failure: { reason: string; patch?: string }): Step {
  if (state.phase !== 'restoring') return step(state);
  const saved = failure.patch ? `; the change is saved as ${failure.patch}` : '';
  return finish(state, ExitCode.couldNotRun, `${TREE_CHANGED} and loop could not restore the reviewed tree: ${failure.reason}${saved}`);
}
