import { z } from 'zod';
import { FindingSchema, ReviewerRoleSchema, VerdictSchema } from '../bus/message.js';
import { PanelPolicySchema } from '../config/schema.js';

// A panel's part of the machine's state (see panel-rules.ts), as schemas: the reviews of a round, the merged
// findings and how a round ended. Used by the change reviews (state.ts) and the plan reviews (plan-state.ts).

/** A finding of a panel's merged review: who raised it, and (when several did) who agreed on it (see panel-findings.ts). */
export const MergedFindingSchema = FindingSchema.extend({
  raisedBy: z.array(ReviewerRoleSchema).optional(),
  agreedBy: z.array(ReviewerRoleSchema).optional(),
});

/** One reviewer's review in the current round of a panel, of the change or of the plan (a run with one reviewer has rounds of one). */
export const RoundReviewSchema = z.object({
  role: ReviewerRoleSchema,
  id: z.string(),
  verdict: VerdictSchema,
  summary: z.string(),
  findings: z.array(FindingSchema),
  /**
   * An approval that counts: the proof passed on the tree it approved, and a proof-surface change was acknowledged
   * (a plan review: it approves).
   */
  counts: z.boolean(),
  /** An approval of a tree other than the proved one (it changed after the proof): counts once that tree is proved. */
  otherTree: z.boolean().optional(),
  /** It approved with `proofSurfaceReviewed: true`. */
  acknowledged: z.boolean().optional(),
  /** Why it did not count as given. */
  notCounted: z.string().optional(),
});
export type RoundReview = z.infer<typeof RoundReviewSchema>;

/** How a panel's round ended: its policy, who approved, each reviewer's verdict (`null`: none given before the end). */
export const PanelOutcomeSchema = z.object({
  policy: PanelPolicySchema,
  approvedBy: z.array(ReviewerRoleSchema),
  verdicts: z.array(z.object({ role: ReviewerRoleSchema, verdict: VerdictSchema.nullable(), id: z.string().optional(), notCounted: z.string().optional() })),
});
export type PanelOutcome = z.infer<typeof PanelOutcomeSchema>;
