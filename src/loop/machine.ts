import { ExitCode } from '../errors.js';
import type { AgentEnvelope } from '../bus/message.js';
import { finish, forward, step, type Step } from './effects.js';
import type { Input } from './inputs.js';
import { onActivity, onAgentExited, onAgentRestarted, onDelivered, onFirstStart, onResumed, onTimeout } from './agent-rules.js';
import { inPlanPhase } from './plan-phase.js';
import { onDoneInPlanPhase, onPlanMessage, onPlanRead, onPlanReview } from './plan-rules.js';
import { onAnswer, onIdle, onQuestion } from './reply-rules.js';
import { onUsage } from './budget-rules.js';
import { onReceipt } from './proof-rules.js';
import { onRestoreFailed, onReview, onReviewRequested, onTreeRestored } from './review-rules.js';
import type { LoopState } from './state.js';
import { onDone } from './worker-rules.js';

export type { Input, InputOf, ResumedAgent } from './inputs.js';
export type { Effect, EffectOf, Outgoing, Step, TimerId } from './effects.js';
export { awaitingReply } from './reply-rules.js';

/** An agent's message, counted against `maxMessages`, then handed to the rule for its kind (others are forwarded). */
function onMessage(state: LoopState, envelope: AgentEnvelope): Step {
  // A usage report is accounting, not conversation: not counted against maxMessages, never forwarded.
  if (envelope.kind === 'usage') return step({ ...state, lastInputSeq: Math.max(state.lastInputSeq, envelope.seq) }, { type: 'take-usage', envelope });
  const counted: LoopState = { ...state, agentMessages: state.agentMessages + 1, lastInputSeq: Math.max(state.lastInputSeq, envelope.seq) };
  if (counted.agentMessages > counted.maxMessages) {
    return finish(counted, ExitCode.budget, `message budget exhausted: ${counted.maxMessages} messages from agents (maxMessages)`);
  }
  switch (envelope.kind) {
    case 'plan':
      return onPlanMessage(counted, envelope);
    case 'done':
      return inPlanPhase(counted) ? onDoneInPlanPhase(counted, envelope) : onDone(counted, envelope);
    case 'review':
      return counted.phase === 'plan-review' ? onPlanReview(counted, envelope) : onReview(counted, envelope);
    case 'question':
      return onQuestion(counted, envelope);
    case 'answer':
      return onAnswer(counted, envelope);
    default:
      return step(counted, forward(envelope));
  }
}

/**
 * The pair loop as a pure function: (state, input) → (next state, effects as data). Every policy decision lives
 * here and in its rule files (worker-, plan-, review-, reply-, agent-, stall-rules.ts); the driver only performs the effects.
 */
export function advance(state: LoopState, input: Input): Step {
  if (state.finished) return step(state);
  switch (input.type) {
    case 'start':
      return onFirstStart(state);
    case 'resumed':
      return onResumed(state, input);
    case 'message':
      return onMessage(state, input.envelope);
    case 'delivered':
      return onDelivered(state, input);
    case 'receipt':
      return onReceipt(state, input);
    case 'plan-read':
      return onPlanRead(state, input.file);
    case 'review-requested':
      return onReviewRequested(state, input.treeHash);
    case 'tree-restored':
      return onTreeRestored(state, input);
    case 'restore-failed':
      return onRestoreFailed(state, input);
    case 'idle-without-reply':
      return onIdle(state, input.role);
    case 'activity':
      return onActivity(state, input);
    case 'agent-exited':
      return onAgentExited(state, input);
    case 'agent-restarted':
      return onAgentRestarted(state, input);
    case 'timeout':
      return onTimeout(state, input);
    case 'usage':
      return onUsage(state, input);
    case 'infra':
      return finish(state, ExitCode.couldNotRun, input.reason);
    case 'cancel':
      return finish(state, ExitCode.cancelled, input.reason);
  }
}
