import type { BusLimits } from './limits.js';
import { byteLength } from './limits.js';
import { goesToLoop, type AgentEnvelope, type Role, type Submission } from './message.js';
import { checkDraft } from './validate.js';

export type SealResult = { ok: true; envelope: AgentEnvelope } | { ok: false; reasons: string[] };

/**
 * Turn an agent's submission into an envelope: validate it again (a spool file may have been written by hand),
 * add what only loop sets (`runId`, `seq`, `iteration`; the tree hash for plans, claims and verdicts, not usage reports), check the size.
 */
export async function seal(
  submission: Submission,
  context: { runId: string; seq: number; iteration: number; limits: BusLimits; treeHash: () => Promise<string>; roles?: readonly Role[] },
): Promise<SealResult> {
  const check = checkDraft(submission, context.limits, context.roles);
  if (!check.ok) return check;
  const { replyTo, ...message } = check.message;
  const { kind } = message;
  const envelope: AgentEnvelope = {
    id: submission.id, runId: context.runId, seq: context.seq, from: submission.from, ...message,
    iteration: context.iteration, at: submission.at, ...(replyTo ? { replyTo } : {}),
    ...(goesToLoop(kind) && kind !== 'usage' ? { treeHash: await context.treeHash() } : {}),
  };
  const size = byteLength(envelope);
  if (size > context.limits.envelopeBytes) return { ok: false, reasons: [`message is ${size} bytes; the envelope limit is ${context.limits.envelopeBytes}`] };
  return { ok: true, envelope };
}
