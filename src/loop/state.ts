import type { Finding, Receipt, Role, SurfaceChange, Verdict } from '../bus/message.js';
import type { Phase } from '../run/manifest.js';

/** The proof-surface files changed since the run started, as of the last proof (the list is capped). */
export interface SurfaceState {
  files: SurfaceChange[];
  /** How many files changed in all (may exceed `files.length`). */
  total: number;
  /** The last review approved with `proofSurfaceReviewed: true`. */
  acknowledged: boolean;
}

/** Everything the pair loop needs to decide what happens next. Serialisable: journaled after every step. */
export interface LoopState {
  phase: Phase;
  iteration: number;
  maxIterations: number;
  maxMessages: number;
  /** Config `reviewerMayEdit`: when false, a review on a tree that changed during the review does not count. */
  reviewerMayEdit?: boolean;
  /** Messages accepted from agents so far. */
  agentMessages: number;
  /** seq of the last agent message the machine has consumed (resume replays later ones). */
  lastInputSeq: number;
  task: string;
  proof: string[];
  lastDone?: { id: string; summary: string; evidence: string[]; treeHash?: string };
  lastProof?: { passed: boolean; treeHash: string; receipt: Receipt; diffStat?: string };
  proofSurface?: SurfaceState;
  /**
   * The last review. `notCounted` says why it did not count as given (the tree changed during the review, an
   * unacknowledged proof-surface change); loop's own findings are appended to the reviewer's.
   */
  lastReview?: { id: string; verdict: Verdict; summary: string; findings: Finding[]; notCounted?: string };
  /** The tree when the current review request was handed to the reviewer. */
  requestedTree?: string;
  /** While `restoring`: the reviewed tree to restore, and the tree the review arrived on. */
  restore?: { requestedTree: string; reviewTree: string };
  /** Approvals in this review round sent back for a missing proof-surface acknowledgement. */
  surfaceAsks?: number;
  /** Tree hashes of consecutive done claims that were followed by requested changes. */
  unchangedDones: number;
  cannotReview: number;
  reproves: number;
  /** Reminders sent in the current turn, per role (an idle agent that has not answered). */
  reminders: Record<Role, number>;
  finished?: { exitCode: number; reason: string; status: 'completed' | 'failed' | 'stopped' };
}

export function initialState(options: { task: string; proof: string[]; maxIterations: number; maxMessages: number; reviewerMayEdit?: boolean }): LoopState {
  return {
    phase: 'starting',
    iteration: 0,
    maxIterations: options.maxIterations,
    maxMessages: options.maxMessages,
    reviewerMayEdit: options.reviewerMayEdit ?? false,
    agentMessages: 0,
    lastInputSeq: 0,
    task: options.task,
    proof: options.proof,
    unchangedDones: 0,
    cannotReview: 0,
    reproves: 0,
    reminders: { worker: 0, reviewer: 0 },
  };
}
