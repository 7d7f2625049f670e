import type { JournalEvent } from '../run/journal.js';

/**
 * Ids of agent records the journal already holds, with the role they were taken from: a message accepted
 * (`message`), refused (`message.refused`), or skipped as a leftover (`message.duplicate`). A spool file
 * carrying one of them is what a crash left behind, and is not taken in twice. Forgeries are not counted: an
 * agent copying another's id must not be able to get the real message skipped.
 */
export class JournaledIds {
  private readonly ids = new Map<string, string>();

  static from(events: readonly JournalEvent[]): JournaledIds {
    const known = new JournaledIds();
    for (const event of events) {
      if (event.type === 'message') {
        const envelope = event.envelope as { id?: unknown; from?: unknown } | undefined;
        if (envelope?.from !== 'loop') known.add(String(envelope?.id), String(envelope?.from));
      } else if (event.type === 'message.refused' || event.type === 'message.duplicate') {
        if (typeof event.id === 'string') known.add(event.id, String(event.from ?? 'unknown'));
      }
    }
    return known;
  }

  add(id: string, from: string): void {
    if (!this.ids.has(id)) this.ids.set(id, from);
  }

  /** The role the journaled record with this id came from, or undefined when the journal does not hold it. */
  holder(id: string): string | undefined {
    return this.ids.get(id);
  }
}
