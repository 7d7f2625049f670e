import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Arrival, DropBox } from '../bus/intake.js';
import type { Role, Submission } from '../bus/message.js';
import type { Refusal } from '../bus/spool.js';
import { dropBoxDir, sharedSpoolDir } from '../isolation/agent-area.js';
import { establishRole } from '../isolation/provenance.js';
import { RecordMirrors } from '../isolation/record-mirrors.js';
import type { Outgoing } from './machine.js';
import type { RunContext } from './run-context.js';

/** Every place a message can be dropped: each agent's own drop-box, and the contract's shared `spool/`. */
export const dropBoxes = (runDir: string, roles: readonly Role[]): DropBox[] => [
  ...roles.map((role) => ({ dir: dropBoxDir(runDir, role), owner: role })),
  { dir: sharedSpoolDir(runDir), owner: 'shared' },
];

export type Admission =
  | { type: 'submission'; submission: Submission }
  | { type: 'refusal'; refusal: Refusal }
  | { type: 'forged'; id: string; reason: string; tell?: Outgoing };

/** The first bytes of a forged record, kept in the journal as evidence. */
const evidence = (body: string) => (body.length > 2000 ? `${body.slice(0, 2000)}…` : body);

/**
 * Admit a record from a drop-box with the role loop established for it. A forgery is journaled as
 * `message.forged` (never applied); under the sandbox its real sender is known and is told, with a nack.
 */
export function admit(ctx: RunContext, arrival: Arrival): Admission {
  const provenance = establishRole(arrival, ctx.isolation, ctx.keys);
  const { record } = arrival;
  const id = record.type === 'submission' ? record.submission.id : record.refusal.id;
  const kind = record.type === 'submission' ? record.submission.kind : record.refusal.kind;
  if (!provenance.ok) {
    const origin = ctx.isolation.mode === 'sandbox' && arrival.box !== 'shared' ? arrival.box : 'unknown';
    ctx.journal.append('message.forged', {
      id, kind, claimed: provenance.claimed, origin, box: arrival.box, isolation: ctx.isolation.mode,
      reasons: [provenance.reason], record: evidence(arrival.body),
    });
    const tell: Outgoing | undefined = origin === 'unknown' ? undefined : {
      to: origin, kind: 'nack', replyTo: id,
      payload: { reason: `message ${id} refused as a forgery`, errors: [provenance.reason] },
    };
    return { type: 'forged', id, reason: `${kind} ${id}: ${provenance.reason}`, ...(tell ? { tell } : {}) };
  }
  if (record.type === 'refusal') return { type: 'refusal', refusal: { ...record.refusal, from: provenance.role } };
  return { type: 'submission', submission: { ...record.submission, from: provenance.role } };
}

/**
 * Under the sandbox: give each agent its own copy of the journal and manifest, keep the copies in step, and
 * journal any write an agent makes to them as `tamper.refused`. Call before the agents start.
 */
export function watchRecords(ctx: RunContext): void {
  // Journaled like any other refused change to the records: the journal's onTamper tells the user.
  const mirrors = new RecordMirrors(ctx.ref.dir, ctx.roles, (attempt) => ctx.journal.recordTamper(attempt));
  mirrors.start(readFileSync(ctx.journal.path, 'utf8'), readFileSync(join(ctx.ref.dir, 'manifest.json'), 'utf8'));
  ctx.journal.onWrite = (line) => mirrors.appendJournal(line);
  ctx.mirrors = mirrors;
}
