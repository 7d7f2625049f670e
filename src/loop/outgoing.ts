import { SURFACE_LIST_MAX, type AgentEnvelope, type Receipt, type ReviewerRole } from '../bus/message.js';
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

/** A task for the worker in the current iteration; with a plan phase, every task says its phase (`work` unless told). */
export const taskMessage = (state: LoopState, text: string, phase?: 'plan' | 'work'): Outgoing => {
  const shown = phase ?? (state.plan ? 'work' : undefined);
  return { to: 'worker', kind: 'task', payload: { text, iteration: state.iteration, ...(shown ? { phase: shown } : {}) } };
};

/** The review request for the last proof: the proof-surface files first, then the task, diff stat, receipt and claims. */
export function reviewRequest(state: LoopState, receipt: Receipt, options: { notice?: string; diffStat?: string; to?: ReviewerRole } = {}): Outgoing & { kind: 'review-request' } {
  const to = options.to ?? 'reviewer';
  const surface = state.proofSurface;
  const listed = surface?.files.slice(0, SURFACE_LIST_MAX) ?? [];
  const more = (surface?.total ?? 0) - listed.length;
  return {
    to,
    kind: 'review-request',
    payload: {
      subject: 'change',
      ...(options.notice ? { notice: options.notice } : {}),
      ...(listed.length > 0 ? { proofSurface: listed } : {}),
      ...(more > 0 ? { proofSurfaceMore: more } : {}),
      summary: reviewSummary(state, to),
      diffStat: options.diffStat ?? state.lastProof?.diffStat ?? '',
      receipt,
      claims: state.lastDone?.evidence ?? [],
      ...checklistFields(state),
    },
  };
}

/** What a change review request says of PLAN.md: the checklist counts, and the items checked off since the last review. */
function checklistFields(state: LoopState): { planProgress?: { done: number; total: number }; checkedOff?: string[] } {
  const checklist = state.checklist;
  if (!checklist) return {};
  const { done, total } = checklist.progress;
  return { planProgress: { done, total }, ...(checklist.checkedOff.length > 0 ? { checkedOff: checklist.checkedOff } : {}) };
}
