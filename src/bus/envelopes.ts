import type { JournalEvent } from '../run/journal.js';
import { EnvelopeSchema, storedEnvelope, type Envelope } from './message.js';

/** Every envelope recorded in a journal, in seq order: agent messages (`message`) and loop's own (`transition`). */
export function envelopesOf(events: readonly JournalEvent[]): Envelope[] {
  const out: Envelope[] = [];
  for (const event of events) {
    const candidates = event.type === 'message' ? [event.envelope] : event.type === 'transition' ? (event.messages as unknown[] ?? []) : [];
    for (const candidate of candidates) {
      const parsed = EnvelopeSchema.safeParse(candidate);
      if (parsed.success) out.push(storedEnvelope(parsed.data));
    }
  }
  return out.sort((a, b) => a.seq - b.seq);
}

/** Ids of envelopes whose delivery into the addressee's terminal was journaled. */
export function deliveredIds(events: readonly JournalEvent[]): Set<string> {
  return new Set(events.filter((e) => e.type === 'message.delivered').map((e) => String(e.id)));
}
