import { EnvelopeSchema, isReviewer, ReceiptSchema, storedEnvelope, type Receipt, type ReviewerRole, type Verdict } from '../bus/message.js';
import type { MergedFinding } from '../loop/panel-findings.js';
import { LoopStateSchema, type LoopState } from '../loop/state.js';
import type { JournalEvent } from '../run/journal.js';

/** One reviewer's review, as the journal recorded it. */
export interface ReviewEntry {
  role: ReviewerRole;
  verdict: Verdict;
  summary: string;
  findings: number;
  treeHash?: string;
}

/** One iteration of a run: the proof receipts of its done claims and the reviews of its change. */
export interface IterationRecord {
  iteration: number;
  receipts: Receipt[];
  reviews: ReviewEntry[];
}

/** What a run's journal tells of its iterations: the plan reviews apart, then each iteration's proof and reviews. */
export interface RunHistory {
  planReviews: ReviewEntry[];
  iterations: IterationRecord[];
  /** The findings of the last review (a panel's merged), still open when the journal ends. */
  openFindings: MergedFinding[];
  /** The machine's last journaled state (undefined when none is readable). */
  lastState?: LoopState;
}

/** Read the iterations out of a journal (unreadable lines skipped: this is a report, not a check). */
export function runHistory(events: readonly JournalEvent[]): RunHistory {
  const byIteration = new Map<number, IterationRecord>();
  const record = (iteration: number) => {
    let entry = byIteration.get(iteration);
    if (!entry) byIteration.set(iteration, (entry = { iteration, receipts: [], reviews: [] }));
    return entry;
  };
  const planReviews: ReviewEntry[] = [];
  let state: LoopState | undefined;
  for (const event of events) {
    if (event.type === 'transition') {
      const parsed = LoopStateSchema.safeParse(event.state);
      if (parsed.success) state = parsed.data;
    } else if (event.type === 'proof.receipt') {
      const receipt = ReceiptSchema.safeParse(event.receipt);
      if (receipt.success) record(state?.iteration ?? 1).receipts.push(receipt.data);
    } else if (event.type === 'message') {
      const parsed = EnvelopeSchema.safeParse(event.envelope);
      if (!parsed.success) continue;
      const envelope = storedEnvelope(parsed.data);
      if (envelope.kind !== 'review' || !isReviewer(envelope.from)) continue;
      const entry: ReviewEntry = {
        role: envelope.from, verdict: envelope.payload.verdict, summary: envelope.payload.summary, findings: envelope.payload.findings.length,
        ...(envelope.treeHash ? { treeHash: envelope.treeHash } : {}),
      };
      // The phase before the review arrived says what it reviewed: the plan, or the change.
      if (state?.phase === 'plan-review' || state?.phase === 'planning') planReviews.push(entry);
      else record(envelope.iteration).reviews.push(entry);
    }
  }
  return {
    planReviews,
    iterations: [...byIteration.values()].sort((a, b) => a.iteration - b.iteration),
    openFindings: state?.lastReview?.findings ?? [],
    ...(state ? { lastState: state } : {}),
  };
}
