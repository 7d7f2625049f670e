import type { Finding, Receipt, ReviewerRole, Role, SurfaceChange, Verdict } from '../bus/message.js';
import type { PanelPolicy } from '../config/schema.js';
import type { Phase } from '../run/manifest.js';
import type { MergedFinding } from './panel-findings.js';

/** The proof-surface files changed since the run started, as of the last proof (the list is capped). */
export interface SurfaceState {
  files: SurfaceChange[];
  /** How many files changed in all (may exceed `files.length`). */
  total: number;
  /** The last review approved with `proofSurfaceReviewed: true`. */
  acknowledged: boolean;
}

/** One reviewer's review in the current round of a panel (a run with one reviewer has rounds of one). */
export interface RoundReview {
  role: ReviewerRole;
  id: string;
  verdict: Verdict;
  summary: string;
  findings: Finding[];
  /** An approval that counts: the proof passed on the tree it approved, and a proof-surface change was acknowledged. */
  counts: boolean;
  /** An approval of a tree other than the proved one (it changed after the proof): counts once that tree is proved. */
  otherTree?: boolean;
  /** It approved with `proofSurfaceReviewed: true`. */
  acknowledged?: boolean;
  /** Why it did not count as given. */
  notCounted?: string;
}

/** How a panel's round ended: its policy, who approved, each reviewer's verdict (`null`: none given before the end). */
export interface PanelOutcome {
  policy: PanelPolicy;
  approvedBy: ReviewerRole[];
  verdicts: Array<{ role: ReviewerRole; verdict: Verdict | null; id?: string; notCounted?: string }>;
}

/** Everything the pair loop needs to decide what happens next. Serialisable: journaled after every step. */
export interface LoopState {
  phase: Phase;
  iteration: number;
  maxIterations: number;
  maxMessages: number;
  /** Config `reviewerMayEdit`: when false, a review on a tree that changed during the review does not count. */
  reviewerMayEdit?: boolean;
  /** The reviewer roles, in order (config `reviewers`); absent (runs from before panels): `['reviewer']`. */
  reviewers?: ReviewerRole[];
  /** How a panel decides (config `panel`); absent: `all`. */
  panel?: PanelPolicy;
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
   * The last review (a panel's: its reviews merged, see panel-rules.ts). `notCounted` says why it did not count as
   * given (the tree changed during the review, an unacknowledged proof-surface change); loop's own findings are
   * appended to the reviewer's.
   */
  lastReview?: { id: string; verdict: Verdict; summary: string; findings: MergedFinding[]; notCounted?: string; panel?: PanelOutcome };
  /** The reviews of the current round so far, one per reviewer (a reviewer asked again has none until it answers). */
  round?: RoundReview[];
  /** The tree when the current review request was handed to the reviewer. */
  requestedTree?: string;
  /** While `restoring`: the reviewed tree to restore, and the tree the review arrived on. */
  restore?: { requestedTree: string; reviewTree: string };
  /** Approvals in this review round sent back for a missing proof-surface acknowledgement (runs from before panels). */
  surfaceAsks?: number;
  /** Reviewers asked again in this round because their approval lacked the proof-surface acknowledgement. */
  surfaceAsked?: ReviewerRole[];
  /** Tree hashes of consecutive done claims that were followed by requested changes. */
  unchangedDones: number;
  cannotReview: number;
  reproves: number;
  /** Reminders sent in the current turn, per role (an idle agent that has not answered). */
  reminders: Partial<Record<Role, number>>;
  finished?: { exitCode: number; reason: string; status: 'completed' | 'failed' | 'stopped' };
}

export function initialState(options: {
  task: string; proof: string[]; maxIterations: number; maxMessages: number; reviewerMayEdit?: boolean; reviewers?: ReviewerRole[]; panel?: PanelPolicy;
}): LoopState {
  return {
    phase: 'starting',
    iteration: 0,
    maxIterations: options.maxIterations,
    maxMessages: options.maxMessages,
    reviewerMayEdit: options.reviewerMayEdit ?? false,
    ...(options.reviewers ? { reviewers: options.reviewers } : {}),
    ...(options.panel ? { panel: options.panel } : {}),
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
