import type { Envelope, Receipt, ReviewerRole, Role } from '../bus/message.js';
import { SURFACE_LIST_MAX } from '../bus/message.js';
import { ExitCode } from '../errors.js';
import { reviewSummary } from './prompts.js';
import type { LoopState } from './state.js';

/** A message loop itself sends. */
export interface Outgoing {
  to: Role;
  kind: 'task' | 'review-request' | 'proof' | 'nack' | 'abort';
  payload: Record<string, unknown>;
  replyTo?: string;
}

/** The machine's answer: the next state and the effects the driver must perform. */
export interface Step {
  state: LoopState;
  send: Outgoing[];
  /** Deliver the input envelope to its addressee as it is (notes, questions, answers). */
  forward: boolean;
  runProof: boolean;
  /** Save the change made during the review as a patch, and put the reviewed tree back in the working directory. */
  restoreTree?: { requestedTree: string; reviewTree: string };
}

export const step = (state: LoopState, effects: Partial<Omit<Step, 'state'>> = {}): Step => ({
  state,
  send: effects.send ?? [],
  forward: effects.forward ?? false,
  runProof: effects.runProof ?? false,
  ...(effects.restoreTree ? { restoreTree: effects.restoreTree } : {}),
});

export const finish = (state: LoopState, exitCode: number, reason: string): Step => {
  const status = exitCode === ExitCode.completed ? 'completed' : exitCode === ExitCode.cancelled ? 'stopped' : 'failed';
  return step({ ...state, phase: 'finished', finished: { exitCode, reason, status } });
};

export const nack = (envelope: Envelope, reason: string): Outgoing => ({
  to: envelope.from as Role,
  kind: 'nack',
  payload: { reason, errors: [] },
  replyTo: envelope.id,
});

export const taskMessage = (state: LoopState, text: string): Outgoing => ({
  to: 'worker',
  kind: 'task',
  payload: { text, iteration: state.iteration },
});

/** The review request for the last proof, to one reviewer: the proof-surface files first, then the task, diff stat, receipt and claims. */
export function reviewRequest(state: LoopState, receipt: Receipt, options: { notice?: string; diffStat?: string; to?: ReviewerRole } = {}): Outgoing {
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
    },
  };
}
