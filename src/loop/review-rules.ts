import type { AgentEnvelope, EnvelopeOf } from '../bus/message.js';
import { ExitCode } from '../errors.js';
import { cancelTimer, finish, prepend, runProof, send, step, type Step } from './effects.js';
import { nextIteration } from './next-iteration.js';
import { nack, reviewRequest } from './outgoing.js';
import { SURFACE_ASK_AGAIN, SURFACE_NOT_ACKNOWLEDGED, surfaceFinding, TREE_CHANGED, treeChangedFinding } from './prompts.js';
import { withoutQuestionsOf } from './reply-rules.js';
import { countBlocking, sameFindingsStall } from './stall-rules.js';
import type { LoopState } from './state.js';

/** The review request was handed to the reviewer on `treeHash`: the first hand-over of a round sets the reviewed tree. */
export function onReviewRequested(state: LoopState, treeHash: string): Step {
  if (state.phase !== 'reviewing' || state.requestedTree !== undefined) return step(state);
  return step({ ...state, requestedTree: treeHash });
}

/** A review arrived: the reviewer never edits, an approval of a proof-surface change acknowledges it, then the verdict. */
export function onReview(state: LoopState, envelope: EnvelopeOf<'review'> & AgentEnvelope): Step {
  if (state.phase !== 'reviewing') {
    return step(state, ...send(nack(envelope, `review ignored: loop is ${state.phase} (iteration ${state.iteration}), no review was requested`)));
  }
  const { payload } = envelope;
  const turnOver = cancelTimer(`turn:${envelope.from}`);
  const lastReview = { id: envelope.id, verdict: payload.verdict, summary: payload.summary, findings: payload.findings };
  const answered = withoutQuestionsOf(state, envelope.from);
  // The tree the reviewer was handed (the proved tree when the hand-over was not recorded, e.g. after a resume).
  const requested = state.requestedTree ?? state.lastProof?.treeHash;
  if (!state.reviewerMayEdit && requested !== undefined && envelope.treeHash !== undefined && envelope.treeHash !== requested) {
    // Whatever its verdict, this review is not of the tree it was asked about: undo the change, then go on.
    const restore = { requestedTree: requested, reviewTree: envelope.treeHash };
    const voided: LoopState = { ...answered, phase: 'restoring', lastReview: { ...lastReview, notCounted: TREE_CHANGED }, restore, reminders: {} };
    return step(voided, turnOver, { type: 'restore-tree', ...restore });
  }
  const acknowledged = payload.verdict === 'approve' && payload.proofSurfaceReviewed === true;
  const reviewed: LoopState = {
    ...answered,
    lastReview,
    ...(state.proofSurface ? { proofSurface: { ...state.proofSurface, acknowledged } } : {}),
    reminders: {},
  };
  const proof = reviewed.lastProof;
  if (payload.verdict === 'approve' && proof?.passed) {
    if (envelope.treeHash === undefined || envelope.treeHash === proof.treeHash) {
      const surface = reviewed.proofSurface;
      if (surface && surface.total > 0 && !acknowledged) {
        if ((reviewed.surfaceAsks ?? 0) < 1) {
          const again: LoopState = { ...reviewed, surfaceAsks: (reviewed.surfaceAsks ?? 0) + 1 };
          return step(again, turnOver, ...send(reviewRequest(again, proof.receipt, { notice: SURFACE_ASK_AGAIN })));
        }
        return prepend(afterReview({ ...reviewed, lastReview: { ...lastReview, notCounted: SURFACE_NOT_ACKNOWLEDGED, findings: [...lastReview.findings, surfaceFinding(surface)] } }), turnOver);
      }
      return prepend(finish(reviewed, ExitCode.completed, `approved and proof passed on tree ${proof.treeHash.slice(0, 12)}`), turnOver);
    }
    if (reviewed.reproves < 1) {
      // The tree changed between the proof and the approval: prove the tree that was approved.
      return step({ ...reviewed, phase: 'proving', reproves: reviewed.reproves + 1 }, turnOver, runProof());
    }
  }
  return prepend(afterReview(reviewed), turnOver);
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
      return finish({ ...counted, cannotReview: count }, ExitCode.stalled, `stalled: the reviewer answered cannot-review ${count === 2 ? 'twice' : `${count} times`} (stall.cannotReview: ${limit})`);
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
