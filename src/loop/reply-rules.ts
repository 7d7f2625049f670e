import type { AgentEnvelope, EnvelopeOf, Role } from '../bus/message.js';
import { ExitCode } from '../errors.js';
import { finish, forward, send, step, type Step } from './effects.js';
import { reviewRequest, taskMessage } from './outgoing.js';
import { inPlanPhase, planAwaits, planOwed, planReminder } from './plan-phase.js';
import { answerReminderText, reminderText } from './prompts.js';
import { owing } from './panel-rules.js';
import type { LoopState, OpenQuestion } from './state.js';

/** The question `role` owes an answer to, if any (the oldest). */
export const owedQuestion = (state: LoopState, role: Role): OpenQuestion | undefined => state.openQuestions.find((q) => q.to === role);

/** Does `role` wait for the answer to a question it asked? */
export const waitsForAnswer = (state: LoopState, role: Role): boolean => state.openQuestions.some((q) => q.from === role);

/**
 * Does the phase wait for this role's reply: the worker's plan or done claim, or a review (of the plan or the
 * change) a reviewer still owes (panel-rules.ts)?
 */
export function phaseAwaits(state: LoopState, role: Role): boolean {
  if (inPlanPhase(state)) return planAwaits(state, role);
  return role === 'worker' ? state.phase === 'working' : owing(state).includes(role);
}

/**
 * Is loop waiting for a reply from `role` right now? An agent that owes an answer to a question is; one that waits
 * for the answer to its own question is not (its silence is not idleness); otherwise the phase decides.
 */
export function awaitingReply(state: LoopState, role: Role): boolean {
  if (state.finished) return false;
  if (owedQuestion(state, role)) return true;
  if (waitsForAnswer(state, role)) return false;
  return phaseAwaits(state, role);
}

/** Questions asked by or to `role` are closed (it moved on: a done claim, a review). */
export const withoutQuestionsOf = (state: LoopState, role: Role): LoopState =>
  state.openQuestions.some((q) => q.from === role || q.to === role)
    ? { ...state, openQuestions: state.openQuestions.filter((q) => q.from !== role && q.to !== role) }
    : state;

/** A question is forwarded, and stays open until its answer comes. */
export function onQuestion(state: LoopState, envelope: EnvelopeOf<'question'> & AgentEnvelope): Step {
  const to = envelope.to === 'loop' ? undefined : envelope.to;
  if (!to) return step(state, forward(envelope));
  return step({ ...state, openQuestions: [...state.openQuestions, { id: envelope.id, from: envelope.from, to }] }, forward(envelope));
}

/** An answer is forwarded and closes the question it replies to; the one who answered has replied. */
export function onAnswer(state: LoopState, envelope: EnvelopeOf<'answer'> & AgentEnvelope): Step {
  const open = state.openQuestions.filter((q) => q.id !== envelope.replyTo);
  const reminders = { ...state.reminders, [envelope.from]: 0 };
  return step({ ...state, openQuestions: open, reminders }, forward(envelope));
}

/**
 * An agent went idle after a turn without the reply loop waits for: remind it (`stall.idleReminders` times), then
 * stop as stalled, naming what it owed: the answer to a question, a done claim or a review.
 */
export function onIdle(state: LoopState, role: Role): Step {
  if (!awaitingReply(state, role)) return step(state);
  const count = (state.reminders[role] ?? 0) + 1;
  const next: LoopState = { ...state, reminders: { ...state.reminders, [role]: count } };
  const limit = state.settings.stall.idleReminders;
  const question = owedQuestion(state, role);
  if (count > limit) {
    const what = question
      ? `answering the ${question.from}'s question ${question.id}`
      : inPlanPhase(state) ? planOwed(role) : `sending ${role === 'worker' ? 'a done claim' : 'a review'}`;
    return finish(next, ExitCode.stalled, `stalled: the ${role} went idle ${count} times without ${what} (stall.idleReminders: ${limit})`);
  }
  if (question) return step(next, ...send({ to: role, kind: 'note', payload: { text: answerReminderText(question) } }));
  if (inPlanPhase(next)) return step(next, ...send(...planReminder(next, role)));
  if (role === 'worker') return step(next, ...send(taskMessage(next, reminderText('worker', next))));
  const receipt = next.lastProof?.receipt;
  if (!receipt) return step(next);
  const request = reviewRequest(next, receipt, { to: role });
  return step(next, ...send({ ...request, payload: { ...request.payload, summary: `${reminderText('reviewer', next)}\n${request.payload.summary}` } }));
}
