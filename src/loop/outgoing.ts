import { SURFACE_LIST_MAX, type AgentEnvelope, type Receipt, type Role } from '../bus/message.js';
import type { Outgoing } from './effects.js';
import { reviewSummary } from './prompts.js';
import type { LoopState } from './state.js';

/** Refuse an agent's message: a `nack` to its sender, naming why. */
export const nack = (envelope: AgentEnvelope, reason: string): Outgoing => ({
  to: envelope.from,
  kind: 'nack',
  payload: { reason, errors: [] },
  replyTo: envelope.id,
});

/** A task for the worker in the current iteration. */
export const taskMessage = (state: LoopState, text: string): Outgoing => ({
  to: 'worker',
  kind: 'task',
  payload: { text, iteration: state.iteration },
});

/** The review request for the last proof: the proof-surface files first, then the task, diff stat, receipt and claims. */
export function reviewRequest(state: LoopState, receipt: Receipt, options: { notice?: string; diffStat?: string; to?: Role } = {}): Outgoing & { kind: 'review-request' } {
  const surface = state.proofSurface;
  const listed = surface?.files.slice(0, SURFACE_LIST_MAX) ?? [];
  const more = (surface?.total ?? 0) - listed.length;
  return {
    to: options.to ?? 'reviewer',
    kind: 'review-request',
    payload: {
      subject: 'change',
      ...(options.notice ? { notice: options.notice } : {}),
      ...(listed.length > 0 ? { proofSurface: listed } : {}),
      ...(more > 0 ? { proofSurfaceMore: more } : {}),
      summary: reviewSummary(state),
      diffStat: options.diffStat ?? state.lastProof?.diffStat ?? '',
      receipt,
      claims: state.lastDone?.evidence ?? [],
    },
  };
}
