import type { Finding, Receipt, Role, SurfaceChange, Verdict } from '../bus/message.js';
import type { Phase } from '../run/manifest.js';
import type { PlanProgress } from './plan-checklist.js';

/** Config `plan`: the worker writes PLAN.md and the reviewer approves it first (`review`), no review (`write`), no plan step (`off`). */
export type PlanMode = 'review' | 'write' | 'off';

/** The plan phase of a run whose `plan` is `review` or `write` (see plan-rules.ts). */
export interface PlanState {
  mode: Exclude<PlanMode, 'off'>;
  /** Config `maxPlanRounds`: plan reviews that may ask for changes before the run stops (exit 1). */
  maxRounds: number;
  /** Where a plan the worker must adopt comes from (a `.md` task file, or a PLAN.md with unchecked items). */
  given?: string;
  /** Plan tasks given so far (1 from the start). */
  round: number;
  /** A plan claim whose PLAN.md loop is reading. */
  pending?: { id: string; summary: string };
  /** The plan under review: its sha256, the text the reviewer was sent (bounded), the worker's summary, its checklist. */
  review?: { hash: string; excerpt: string; summary: string; progress: PlanProgress };
  /** The last plan review that asked for changes (its findings go into the next plan task). */
  lastReview?: { verdict: Verdict; summary: string; findings: Finding[] };
  /** The plan the work follows: approved by the reviewer, or (with `write`) accepted as written. */
  approved?: { hash: string; round: number; reviewed: boolean };
}

/** PLAN.md's checklist as of the last read (a plan claim, a done claim), and what the review requests say of it. */
export interface ChecklistState {
  progress: PlanProgress;
  /** Items checked when the last review arrived (or the plan was read). */
  seen: string[];
  /** Items checked off since then: listed in the change review request. */
  checkedOff: string[];
}

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
  /** The plan phase; absent when `plan` is `off` (and in runs journaled before it existed). */
  plan?: PlanState;
  /** PLAN.md's checklist, when there is one. */
  checklist?: ChecklistState;
  finished?: { exitCode: number; reason: string; status: 'completed' | 'failed' | 'stopped' };
}

export interface InitialOptions {
  task: string;
  proof: string[];
  maxIterations: number;
  maxMessages: number;
  reviewerMayEdit?: boolean;
  /** The plan phase (default: off). */
  plan?: { mode: PlanMode; maxRounds: number; given?: string };
}

export function initialState(options: InitialOptions): LoopState {
  const plan = options.plan;
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
    ...(plan && plan.mode !== 'off'
      ? { plan: { mode: plan.mode, maxRounds: plan.maxRounds, round: 0, ...(plan.given ? { given: plan.given } : {}) } }
      : {}),
  };
}
