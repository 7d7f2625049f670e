import { runTempDir } from '../run/owned-temp.js';
import type { Arrival } from '../bus/intake.js';
import type { Submission } from '../bus/message.js';
import { seal } from '../bus/seal.js';
import type { Refusal } from '../bus/spool.js';
import { cachedTreeHash } from '../proof/tree-hash-cache.js';
import { admit } from './admission.js';
import type { DriverCore } from './driver-types.js';
import type { Outgoing } from './machine.js';

/**
 * A record from a drop-box: its role is established from where it came (see isolation/provenance.ts), a
 * leftover of a crash (an id the journal already holds) is skipped, the rest is sealed, journaled and applied.
 * `kept`: the run is ending, and the file stays for `loop resume`.
 */
export async function takeArrival(core: DriverCore, arrival: Arrival): Promise<'taken' | 'kept'> {
  if (core.finishing) return 'kept';
  const admitted = admit(core.ctx, arrival);
  if (admitted.type === 'forged') {
    core.deps.observer({ type: 'warning', text: `refused a forged message: ${admitted.reason}` });
    if (admitted.tell) core.send([admitted.tell], { type: 'forgery', id: admitted.id });
    return 'taken';
  }
  const { id, from } = admitted.type === 'refusal' ? admitted.refusal : admitted.submission;
  const holder = core.journaled.holder(id);
  if (holder !== undefined) {
    // The journal has it: the spool file outlived a crash between journaling and removing it.
    const reason = holder === from ? 'already journaled (a spool file left by a crash)' : `id already journaled for a message from the ${holder}`;
    core.ctx.journal.append('message.duplicate', { id, from, box: arrival.box, file: arrival.file, reason });
    return 'taken';
  }
  if (admitted.type === 'refusal') takeRefusal(core, admitted.refusal);
  else await takeSubmission(core, admitted.submission);
  return 'taken';
}

async function takeSubmission(core: DriverCore, submission: Submission): Promise<void> {
  const { ctx } = core;
  // A built-in harness's usage is read from its own records: a report of its own would count on top of them.
  const sender = ctx.agents[submission.from];
  const harness = submission.kind === 'usage' && sender?.usage ? sender.card.name : undefined;
  if (harness) return refuse(core, submission, [`loop reads the ${harness} agent's usage from its own session records; loop msg usage is for custom (command) agents`]);
  const sealed = await seal(submission, {
    runId: ctx.ref.id, seq: core.seq, iteration: core.state.iteration, limits: ctx.config.limits, roles: ctx.roles, treeHash: () => cachedTreeHash(ctx.root, runTempDir(ctx.ref.dir)),
  });
  if (!sealed.ok) return refuse(core, submission, sealed.reasons);
  const { envelope } = sealed;
  core.takeSeq();
  ctx.journal.append('message', { envelope });
  core.journaled.add(envelope.id, envelope.from);
  core.deps.observer({ type: 'message', envelope, delivered: false });
  await core.apply({ type: 'message', envelope });
}

async function refuse(core: DriverCore, submission: Submission, reasons: string[]): Promise<void> {
  core.ctx.journal.append('message.refused', { id: submission.id, from: submission.from, kind: submission.kind, reasons, via: submission.via });
  core.journaled.add(submission.id, submission.from);
  core.deps.observer({ type: 'refused', from: submission.from, kind: submission.kind, reasons });
  const nack: Outgoing = { to: submission.from, kind: 'nack', payload: { reason: `message ${submission.id} refused`, errors: reasons }, replyTo: submission.id };
  core.send([nack], { type: 'refusal', id: submission.id });
}

function takeRefusal(core: DriverCore, refusal: Refusal): void {
  core.ctx.journal.append('message.refused', { ...refusal, reportedToSender: true });
  core.journaled.add(refusal.id, refusal.from);
  core.deps.observer({ type: 'refused', from: refusal.from, kind: refusal.kind, reasons: refusal.reasons });
}
