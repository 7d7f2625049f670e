import type { Envelope } from './message.js';
import { renderBlock, renderBlocks, renderLines } from './render.js';

/** Contract (issue 7): no single block loop types into an agent is larger than this. */
export const MAX_TYPED_BYTES = 32 * 1024;

/** What one hand-off types: the text, and which of the queued messages it carries in full. */
export interface TypedBlock {
  text: string;
  /** Every message this block accounts for, in full or by the notice (all of them count as handed over). */
  envelopes: Envelope[];
  /** How many of them are only named by the notice: the agent reads them with `loop inbox`. */
  notified: number;
}

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

/** The line that stands in for messages that did not fit: how many wait, and how to read them. */
export function inboxNotice(waiting: readonly Envelope[]): string {
  const shown = waiting.slice(0, 5).map((e) => `${e.kind} ${e.id}`).join(', ');
  const more = waiting.length > 5 ? ` and ${waiting.length - 5} more` : '';
  const s = waiting.length === 1 ? '' : 's';
  return `[loop] ${waiting.length} more message${s} wait${waiting.length === 1 ? 's' : ''} for you (${shown}${more}): read ${waiting.length === 1 ? 'it' : 'them'} with \`loop inbox\``;
}

/**
 * The block to type for the queued messages: all of them when they fit in `maxBytes`; else as many whole
 * messages as fit, oldest first, then a notice naming the rest. A single message too large to type at all is
 * named by the notice alone. As one line when the terminal has no bracketed paste.
 */
export function typedBlock(queue: readonly Envelope[], bracketed: boolean, maxBytes = MAX_TYPED_BYTES): TypedBlock {
  const envelopes = [...queue];
  if (!bracketed) return { text: renderLines(envelopes), envelopes, notified: 0 }; // one line, bounded to 1,800 characters
  const all = renderBlocks(envelopes);
  if (bytes(all) <= maxBytes) return { text: all, envelopes, notified: 0 };
  const blocks: string[] = [];
  let used = 0;
  for (const envelope of envelopes) {
    const block = renderBlock(envelope);
    const rest = envelopes.slice(blocks.length + 1);
    const room = maxBytes - used - (blocks.length > 0 ? 2 : 0) - (rest.length > 0 ? bytes(inboxNotice(rest)) + 2 : 0);
    if (bytes(block) > room) break;
    blocks.push(block);
    used += bytes(block) + (blocks.length > 1 ? 2 : 0);
  }
  const waiting = envelopes.slice(blocks.length);
  return { text: [...blocks, inboxNotice(waiting)].join('\n\n'), envelopes, notified: waiting.length };
}
