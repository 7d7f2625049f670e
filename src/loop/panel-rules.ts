import type { ReviewerRole, Verdict } from '../bus/message.js';
import type { PanelPolicy } from '../config/schema.js';
import { mergeFindings } from './panel-findings.js';
import type { LoopState, PanelOutcome, RoundReview } from './state.js';

// The panel's policy: who reviews, who still owes a review, how a round's reviews are tallied and merged.
// A run with one reviewer is a panel of one with policy `all`: its rounds end with its one review.

/** The run's reviewer roles, in order. */
export const reviewersOf = (state: LoopState): ReviewerRole[] => state.reviewers ?? ['reviewer'];
export const policyOf = (state: LoopState): PanelPolicy => state.panel ?? 'all';
/** Does this run have a panel (more than one reviewer)? */
export const hasPanel = (state: LoopState): boolean => reviewersOf(state).length > 1;

/** How many approvals a policy needs from `count` reviewers: all of them, more than half, or one. */
export function approvalsNeeded(policy: PanelPolicy, count: number): number {
  if (policy === 'any') return 1;
  if (policy === 'majority') return Math.floor(count / 2) + 1;
  return count;
}

/** The policy in words (stop reasons, prompts). */
export function policyText(policy: PanelPolicy, count: number): string {
  if (policy === 'any') return 'any: one approval is enough';
  if (policy === 'majority') return `majority: ${approvalsNeeded(policy, count)} of ${count} must approve`;
  return 'all: every reviewer must approve';
}

/** The reviewers that owe a review in the current round: of the change (`reviewing`), or of the plan (`plan-review`). */
export function owing(state: LoopState): ReviewerRole[] {
  if (state.phase !== 'reviewing' && state.phase !== 'plan-review') return [];
  const given = new Set((state.round ?? []).map((r) => r.role));
  return reviewersOf(state).filter((role) => !given.has(role));
}

/**
 * Where a round stands: `approved` once enough approvals count (the rest need not be waited for); `pending`
 * while a reviewer owes a review that could change the outcome; `reprove` when approvals of a tree other than
 * the proved one would make it (prove that tree, then ask again); otherwise `rejected`.
 */
export type Tally = 'approved' | 'pending' | 'reprove' | 'rejected';

export function tally(policy: PanelPolicy, reviewers: readonly ReviewerRole[], round: readonly RoundReview[]): Tally {
  const needed = approvalsNeeded(policy, reviewers.length);
  const counted = round.filter((r) => r.counts).length;
  if (counted >= needed) return 'approved';
  if (round.length < reviewers.length) return 'pending';
  return counted + round.filter((r) => r.otherTree).length >= needed ? 'reprove' : 'rejected';
}

/** A round's verdict in one word: approve when approvals meet the policy, cannot-review when nobody could review, else changes. */
function roundVerdict(policy: PanelPolicy, reviewers: readonly ReviewerRole[], round: readonly RoundReview[]): Verdict {
  if (round.filter((r) => r.verdict === 'approve').length >= approvalsNeeded(policy, reviewers.length)) return 'approve';
  if (round.length > 0 && round.every((r) => r.verdict === 'cannot-review')) return 'cannot-review';
  return 'changes';
}

/**
 * The round's reviews as the one review the rest of loop reads (`lastReview`). One reviewer: its review as it
 * came. A panel: findings merged (agreed ones first, see panel-findings.ts), each summary under its role, and
 * the outcome (who approved, each verdict).
 */
export function mergedReview(state: LoopState, given: readonly RoundReview[]): NonNullable<LoopState['lastReview']> {
  const reviewers = reviewersOf(state);
  const last = given.at(-1);
  // In role order, whatever order the reviews came in: the merge does not depend on who was quicker.
  const round = [...given].sort((a, b) => reviewers.indexOf(a.role) - reviewers.indexOf(b.role));
  if (!hasPanel(state) && last) {
    return { id: last.id, verdict: last.verdict, summary: last.summary, findings: last.findings, ...(last.notCounted ? { notCounted: last.notCounted } : {}) };
  }
  const policy = policyOf(state);
  const byRole = new Map(round.map((r) => [r.role, r]));
  const notCounted = [...new Set(round.flatMap((r) => (r.notCounted ? [`${r.role}: ${r.notCounted}`] : [])))].join('; ');
  const panel: PanelOutcome = {
    policy,
    approvedBy: round.filter((r) => r.counts).map((r) => r.role),
    verdicts: reviewers.map((role) => {
      const review = byRole.get(role);
      return review ? { role, verdict: review.verdict, id: review.id, ...(review.notCounted ? { notCounted: review.notCounted } : {}) } : { role, verdict: null };
    }),
  };
  return {
    id: last?.id ?? '',
    verdict: roundVerdict(policy, reviewers, round),
    summary: round.map((r) => `${r.role} (${r.verdict}): ${r.summary}`).join('\n'),
    findings: mergeFindings(round),
    ...(notCounted ? { notCounted } : {}),
    panel,
  };
}

/** Why a panel did not accept the change, in words (the worker's next task, the stop reason). */
export function panelNotAccepted(outcome: PanelOutcome): string {
  const count = outcome.verdicts.length;
  const who = outcome.approvedBy.length > 0 ? `: ${outcome.approvedBy.join(', ')}` : '';
  return `the panel did not approve (${outcome.approvedBy.length} of ${count} approved${who}; policy ${policyText(outcome.policy, count)})`;
}
