import type { JournalEvent } from '../run/journal.js';
import { MESSAGE_ID } from './kinds.js';
import { ROLES } from './roles.js';
import type { Envelope } from './message.js';

// A hand-written twin of envelopesOf (envelopes.ts) for `loop inbox`, which must not load zod. It is sure
// only when every envelope candidate in the journal passes; one it cannot vouch for sends the caller to
// envelopesOf. test/bus/quick-envelopes.test.ts compares the two.

/** Every kind in message.ts PayloadSchemas (checked by the test). */
export const ENVELOPE_KINDS = ['note', 'question', 'answer', 'plan', 'done', 'review', 'task', 'review-request', 'proof', 'abort', 'nack', 'usage'];
const PARTIES: readonly string[] = [...ROLES, 'loop'];
const FIELDS = new Set(['id', 'runId', 'seq', 'from', 'to', 'kind', 'iteration', 'at', 'payload', 'replyTo', 'treeHash']);

type Plain = Record<string, unknown>;
const isPlain = (value: unknown): value is Plain =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
const optionalString = (value: unknown) => value === undefined || typeof value === 'string';

/** `EnvelopeSchema.parse(candidate)` when it surely passes (fields in the schema's order), else undefined. */
export function quickEnvelope(candidate: unknown): Envelope | undefined {
  if (!isPlain(candidate)) return undefined;
  const c = candidate;
  if (Object.keys(c).some((key) => !FIELDS.has(key) || c[key] === undefined)) return undefined;
  const sure = typeof c.id === 'string' && MESSAGE_ID.test(c.id) && typeof c.runId === 'string' &&
    Number.isSafeInteger(c.seq) && (c.seq as number) >= 1 && PARTIES.includes(c.from as string) && PARTIES.includes(c.to as string) &&
    ENVELOPE_KINDS.includes(c.kind as string) && Number.isSafeInteger(c.iteration) && (c.iteration as number) >= 0 &&
    typeof c.at === 'string' && isPlain(c.payload) && !Object.hasOwn(c.payload, '__proto__') &&
    optionalString(c.replyTo) && optionalString(c.treeHash);
  if (!sure) return undefined;
  return {
    id: c.id, runId: c.runId, seq: c.seq, from: c.from, to: c.to, kind: c.kind, iteration: c.iteration, at: c.at,
    payload: { ...(c.payload as Plain) },
    ...(c.replyTo !== undefined ? { replyTo: c.replyTo } : {}),
    ...(c.treeHash !== undefined ? { treeHash: c.treeHash } : {}),
  } as Envelope;
}

/** envelopesOf(events) when every candidate surely passes its schema, else undefined. */
export function quickEnvelopesOf(events: readonly JournalEvent[]): Envelope[] | undefined {
  const out: Envelope[] = [];
  for (const event of events) {
    const candidates = event.type === 'message' ? [event.envelope] : event.type === 'transition' ? (event.messages as unknown[] ?? []) : [];
    for (const candidate of candidates) {
      const envelope = quickEnvelope(candidate);
      if (!envelope) return undefined;
      out.push(envelope);
    }
  }
  return out.sort((a, b) => a.seq - b.seq);
}
