import { z } from 'zod';
import { ReceiptSchema, ReviewerRoleSchema, RoleSchema, SurfaceChangeSchema, VerdictSchema } from '../bus/message.js';
import { PanelPolicySchema, type Config } from '../config/schema.js';
import { MergedFindingSchema, PanelOutcomeSchema, RoundReviewSchema } from './panel-state.js';
import { PhaseSchema } from '../run/manifest.js';
import { ChecklistStateSchema, PlanStateSchema, type PlanMode } from './plan-state.js';

export type { ChecklistState, PlanMode, PlanState } from './plan-state.js';
export { MergedFindingSchema, PanelOutcomeSchema, RoundReviewSchema, type PanelOutcome, type RoundReview } from './panel-state.js';

const count = z.number().int().min(0);
/** A count per agent role (absent: 0). */
const PerRoleSchema = z.partialRecord(RoleSchema, count);

/** The proof-surface files changed since the run started, as of the last proof (the list is capped). */
export const SurfaceStateSchema = z.object({
  files: z.array(SurfaceChangeSchema),
  /** How many files changed in all (may exceed `files.length`). */
  total: count,
  /** The last review approved with `proofSurfaceReviewed: true`. */
  acknowledged: z.boolean(),
});
export type SurfaceState = z.infer<typeof SurfaceStateSchema>;

/** When the run stops as stalled (config `stall`). */
export const StallSettingsSchema = z.object({
  /** Review rounds in a row with the same blocking findings (critical or high, same file and title). */
  sameFindings: z.number().int().min(2),
  /** Worker turns in a row that left the tree unchanged while the work was not accepted. */
  unchangedTurns: z.number().int().min(1),
  /** `cannot-review` verdicts in a run. */
  cannotReview: z.number().int().min(1),
  /** Reminders to an agent that went idle without the reply loop waits for, before the next idle stops the run. */
  idleReminders: z.number().int().min(0),
});
export type StallSettings = z.infer<typeof StallSettingsSchema>;

/** The config the machine's rules read: refreshed from the run's config on resume. */
export const SettingsSchema = z.object({
  maxMinutes: z.number().positive(),
  turnTimeoutMinutes: z.number().positive(),
  /** No human at the terminal: a dialog only a human can answer stops the run after DIALOG_TIMEOUT_MS. */
  ci: z.boolean(),
  /** Relaunches of an agent that exited on its own, per role. */
  maxRestarts: count,
  stall: StallSettingsSchema,
});
export type Settings = z.infer<typeof SettingsSchema>;

export const DEFAULT_STALL: StallSettings = { sameFindings: 3, unchangedTurns: 2, cannotReview: 2, idleReminders: 2 };
export const DEFAULT_SETTINGS: Settings = { maxMinutes: 120, turnTimeoutMinutes: 30, ci: false, maxRestarts: 2, stall: DEFAULT_STALL };

/** The machine's settings from the effective config. */
export const settingsOf = (config: Pick<Config, 'maxMinutes' | 'turnTimeoutMinutes' | 'stall'>, ci: boolean): Settings => ({
  maxMinutes: config.maxMinutes, turnTimeoutMinutes: config.turnTimeoutMinutes, ci, maxRestarts: DEFAULT_SETTINGS.maxRestarts, stall: { ...config.stall },
});

/** A run's budgets (config `maxCostUsd`, `maxTokens`; frozen at the start, raised by `loop resume --max-cost`). */
export const BudgetSchema = z.object({ maxCostUsd: z.number().positive().optional(), maxTokens: z.number().int().positive().optional() });
export type Budget = z.infer<typeof BudgetSchema>;

/** The budgets of a config (undefined when it sets none). */
export function budgetOf(config: Pick<Config, 'maxCostUsd' | 'maxTokens'>): Budget | undefined {
  const budget: Budget = {
    ...(config.maxCostUsd !== undefined ? { maxCostUsd: config.maxCostUsd } : {}),
    ...(config.maxTokens !== undefined ? { maxTokens: config.maxTokens } : {}),
  };
  return Object.keys(budget).length > 0 ? budget : undefined;
}

/** What the agents spent so far: tokens, the known cost in USD, and whether some usage had no known cost. */
export const SpentSchema = z.object({ tokens: count, costUsd: z.number().min(0), costUnknown: z.boolean() });
export type Spent = z.infer<typeof SpentSchema>;

/** A question an agent asked that has not been answered yet. */
export const OpenQuestionSchema = z.object({ id: z.string(), from: RoleSchema, to: RoleSchema });
export type OpenQuestion = z.infer<typeof OpenQuestionSchema>;

/**
 * Everything the pair loop needs to decide what happens next. Serialisable: journaled after every step, and read
 * back through this schema on resume (fields added since have defaults, so older runs resume).
 */
export const LoopStateSchema = z.object({
  phase: PhaseSchema,
  iteration: count,
  maxIterations: z.number().int().min(1),
  maxMessages: z.number().int().min(1),
  /** Config `reviewerMayEdit`: when false, a review on a tree that changed during the review does not count. */
  reviewerMayEdit: z.boolean().optional(),
  /** The reviewer roles, in order (config `reviewers`); absent (runs from before panels): `['reviewer']`. */
  reviewers: z.array(ReviewerRoleSchema).min(1).optional(),
  /** How a panel decides (config `panel`); absent: `all`. */
  panel: PanelPolicySchema.optional(),
  settings: SettingsSchema.default(DEFAULT_SETTINGS),
  budget: BudgetSchema.optional(),
  /** Spent so far (on resume: recomputed from the journal's usage lines, the record). */
  spent: SpentSchema.optional(),
  /** The budgets whose 80% warning was given. */
  budgetWarned: z.array(z.enum(['cost', 'tokens'])).optional(),
  /** Messages accepted from agents so far. */
  agentMessages: count,
  /** seq of the last agent message the machine has consumed (resume replays later ones). */
  lastInputSeq: count,
  task: z.string(),
  proof: z.array(z.string()),
  lastDone: z.object({ id: z.string(), summary: z.string(), evidence: z.array(z.string()), treeHash: z.string().optional() }).optional(),
  lastProof: z.object({ passed: z.boolean(), treeHash: z.string(), receipt: ReceiptSchema, diffStat: z.string().optional() }).optional(),
  proofSurface: SurfaceStateSchema.optional(),
  /**
   * The last review (a panel's: its reviews merged, see panel-rules.ts). `notCounted` says why it did not count as
   * given (the tree changed during the review, an unacknowledged proof-surface change); loop's own findings are
   * appended to the reviewer's.
   */
  lastReview: z.object({
    id: z.string(), verdict: VerdictSchema, summary: z.string(), findings: z.array(MergedFindingSchema), notCounted: z.string().optional(), panel: PanelOutcomeSchema.optional(),
  }).optional(),
  /**
   * The reviews of the current round (of the change, or in `plan-review` of the plan) so far, one per reviewer (a
   * reviewer asked again has none until it answers).
   */
  round: z.array(RoundReviewSchema).optional(),
  /** The tree when the current review request was handed to the reviewer. */
  requestedTree: z.string().optional(),
  /** While `restoring`: the reviewed tree to restore, and the tree the review arrived on. */
  restore: z.object({ requestedTree: z.string(), reviewTree: z.string() }).optional(),
  /** Approvals in this review round sent back for a missing proof-surface acknowledgement. */
  surfaceAsks: count.optional(),
  /** Reviewers asked again in this round because their approval lacked the proof-surface acknowledgement. */
  surfaceAsked: z.array(ReviewerRoleSchema).optional(),
  /** Consecutive done claims on the tree of the claim before, while the work was not accepted. */
  unchangedDones: count,
  cannotReview: count,
  reproves: count,
  /** The blocking findings (critical, high) of the last review rounds, as `file|title` keys, and for how many rounds running. */
  blocking: z.object({ keys: z.array(z.string()), rounds: count }).default({ keys: [], rounds: 0 }),
  /** Reminders sent in the current turn, per role (an idle agent that has not answered). */
  reminders: PerRoleSchema,
  /** Relaunches of each agent after it exited on its own (this process; reset on resume). */
  restarts: PerRoleSchema.default({}),
  /** Questions forwarded and not answered yet: the asker waits (its idleness is not counted), the addressee owes an answer. */
  openQuestions: z.array(OpenQuestionSchema).default([]),
  /** The plan phase; absent when `plan` is `off` (and in runs journaled before it existed). */
  plan: PlanStateSchema.optional(),
  /** PLAN.md's checklist, when there is one. */
  checklist: ChecklistStateSchema.optional(),
  finished: z.object({ exitCode: z.number().int(), reason: z.string(), status: z.enum(['completed', 'failed', 'stopped']) }).optional(),
});
export type LoopState = z.infer<typeof LoopStateSchema>;

export interface InitialOptions {
  task: string;
  proof: string[];
  maxIterations: number;
  maxMessages: number;
  reviewerMayEdit?: boolean;
  settings?: Settings;
  /** The plan phase (default: off). */
  plan?: { mode: PlanMode; maxRounds: number; given?: string };
  /** A panel's reviewer roles and policy (left out: one reviewer). */
  reviewers?: z.infer<typeof ReviewerRoleSchema>[];
  panel?: z.infer<typeof PanelPolicySchema>;
  budget?: Budget;
}

export function initialState(options: InitialOptions): LoopState {
  const plan = options.plan;
  return {
    phase: 'starting',
    iteration: 0,
    maxIterations: options.maxIterations,
    maxMessages: options.maxMessages,
    reviewerMayEdit: options.reviewerMayEdit ?? false,
    ...(options.reviewers ? { reviewers: options.reviewers } : {}),
    ...(options.panel ? { panel: options.panel } : {}),
    settings: options.settings ?? DEFAULT_SETTINGS,
    ...(options.budget ? { budget: options.budget } : {}),
    agentMessages: 0,
    lastInputSeq: 0,
    task: options.task,
    proof: options.proof,
    unchangedDones: 0,
    cannotReview: 0,
    reproves: 0,
    blocking: { keys: [], rounds: 0 },
    reminders: {},
    restarts: {},
    openQuestions: [],
    ...(plan && plan.mode !== 'off'
      ? { plan: { mode: plan.mode, maxRounds: plan.maxRounds, round: 0, ...(plan.given ? { given: plan.given } : {}) } }
      : {}),
  };
}
