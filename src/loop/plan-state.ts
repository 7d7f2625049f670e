import { z } from 'zod';
import { VerdictSchema } from '../bus/message.js';
import { MergedFindingSchema, PanelOutcomeSchema } from './panel-state.js';

// The plan phase's part of the machine's state (see plan-rules.ts), as schemas: journaled with every transition
// and read back on resume.

/** Config `plan`: the worker writes PLAN.md and the reviewer approves it first (`review`), no review (`write`), no plan step (`off`). */
export const PlanModeSchema = z.enum(['review', 'write', 'off']);
export type PlanMode = z.infer<typeof PlanModeSchema>;

const count = z.number().int().min(0);

/** PLAN.md's checklist (plan-checklist.ts): items checked, items in all, the items (capped list). */
export const PlanProgressSchema = z.object({
  done: count,
  total: count,
  items: z.array(z.object({ text: z.string(), done: z.boolean() })),
});

/** The plan phase of a run whose `plan` is `review` or `write`. */
export const PlanStateSchema = z.object({
  mode: z.enum(['review', 'write']),
  /** Config `maxPlanRounds`: plan reviews that may ask for changes before the run stops (exit 1). */
  maxRounds: z.number().int().min(1),
  /** Where a plan the worker must adopt comes from (a `.md` task file, or a PLAN.md with unchecked items). */
  given: z.string().optional(),
  /** Plan tasks given so far (1 from the start). */
  round: count,
  /** A plan claim whose PLAN.md loop is reading. */
  pending: z.object({ id: z.string(), summary: z.string() }).optional(),
  /** The plan under review: its sha256, the text the reviewer was sent (bounded), the worker's summary, its checklist. */
  review: z.object({
    hash: z.string(), excerpt: z.string(), summary: z.string(), progress: PlanProgressSchema,
    /** Its proof section (absent when longer than PROOF_SECTION_MAX). */
    proofSection: z.string().optional(),
  }).optional(),
  /** The last plan review that did not approve (its findings go into the next plan task); a panel's: merged, with its outcome. */
  lastReview: z.object({ verdict: VerdictSchema, summary: z.string(), findings: z.array(MergedFindingSchema), panel: PanelOutcomeSchema.optional() }).optional(),
  /**
   * The plan the work follows: approved by the reviewer, or (with `write`) accepted as written. `proofSection`: the
   * proof section the reviewer approved, the base PLAN.md's proof section is compared with for the proof surface.
   */
  approved: z.object({ hash: z.string(), round: count, reviewed: z.boolean(), proofSection: z.string().optional() }).optional(),
});
export type PlanState = z.infer<typeof PlanStateSchema>;

/** PLAN.md's checklist as of the last read (a plan claim, a done claim), and what the review requests say of it. */
export const ChecklistStateSchema = z.object({
  progress: PlanProgressSchema,
  /** Items checked when the last review arrived (or the plan was read). */
  seen: z.array(z.string()),
  /** Items checked off since then: listed in the change review request. */
  checkedOff: z.array(z.string()),
});
export type ChecklistState = z.infer<typeof ChecklistStateSchema>;
