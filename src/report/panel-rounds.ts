import { envelopesOf } from '../bus/envelopes.js';
import { findingLine } from '../bus/render.js';
import type { ReviewerRole, Verdict } from '../bus/message.js';
import type { PanelPolicy } from '../config/schema.js';
import type { MergedFinding } from '../loop/panel-findings.js';
import { LoopStateSchema, type LoopState } from '../loop/state.js';
import type { JournalEvent } from '../run/journal.js';

/** One review round of a panel, as `loop show` and the run's summary tell it. */
export interface PanelRound {
  iteration: number;
  policy: PanelPolicy;
  /** `approved`: the panel approved; `not approved`: it did not; `in progress`: reviews are still awaited. */
  outcome: 'approved' | 'not approved' | 'in progress';
  approvedBy: ReviewerRole[];
  /** Each reviewer's verdict (`null`: none given), and why it did not count when it did not. */
  verdicts: Array<{ role: ReviewerRole; verdict: Verdict | null; notCounted?: string }>;
  /** The findings raised by several reviewers (each with `agreedBy`). */
  agreed: MergedFinding[];
}

/** The machine's states journaled with the transitions (unreadable ones skipped: this is a report). */
function states(events: readonly JournalEvent[]): LoopState[] {
  return events.flatMap((e) => {
    if (e.type !== 'transition') return [];
    const parsed = LoopStateSchema.safeParse(e.state);
    return parsed.success ? [parsed.data] : [];
  });
}

/** Every round of a panel's reviews, in order, from the journal: closed rounds, then the one in progress (if any). */
export function panelRounds(events: readonly JournalEvent[]): PanelRound[] {
  const iterationOf = new Map(envelopesOf(events).map((e) => [e.id, e.iteration]));
  const rounds: PanelRound[] = [];
  const seen = new Set<string>();
  const all = states(events);
  for (const state of all) {
    const review = state.lastReview;
    if (!review?.panel || seen.has(review.id)) continue;
    seen.add(review.id);
    const { policy, approvedBy, verdicts } = review.panel;
    rounds.push({
      iteration: iterationOf.get(review.id) ?? state.iteration,
      policy, approvedBy,
      outcome: state.finished?.status === 'completed' ? 'approved' : 'not approved',
      verdicts: verdicts.map(({ role, verdict, notCounted }) => ({ role, verdict, ...(notCounted ? { notCounted } : {}) })),
      agreed: review.findings.filter((f) => f.agreedBy),
    });
  }
  const last = all.at(-1);
  const open = last?.round ?? [];
  if (last && last.phase === 'reviewing' && open.length > 0 && (last.reviewers?.length ?? 1) > 1) {
    const byRole = new Map(open.map((r) => [r.role, r]));
    rounds.push({
      iteration: last.iteration, policy: last.panel ?? 'all', outcome: 'in progress',
      approvedBy: open.filter((r) => r.counts).map((r) => r.role),
      verdicts: (last.reviewers ?? []).map((role) => ({ role, verdict: byRole.get(role)?.verdict ?? null })),
      agreed: [],
    });
  }
  return rounds;
}

/** A round in one line: who approved, each other verdict, and the agreed findings. */
export function panelRoundLine(round: PanelRound): string {
  const verdicts = round.verdicts.map((v) => `${v.role} ${v.verdict ?? 'no review'}${v.notCounted ? ` (not counted: ${v.notCounted})` : ''}`).join(', ');
  const approved = round.approvedBy.length > 0 ? `approved by ${round.approvedBy.join(', ')}` : 'no approval';
  const agreed = round.agreed.length > 0 ? `; agreed: ${round.agreed.map((f) => `${findingLine(f).slice(2)} [${f.agreedBy?.join(', ')}]`).join('; ')}` : '';
  return `iteration ${round.iteration}: ${round.outcome} (${approved}) · ${verdicts}${agreed}`;
}
