import { ExitCode } from '../errors.js';
import { finish, send, step, type Step } from './effects.js';
import { taskMessage } from './outgoing.js';
import { panelNotAccepted } from './panel-rules.js';
import { fixTaskText } from './prompts.js';
import type { LoopState } from './state.js';

/** Why an iteration did not complete, in words: what really happened, not only the verdict. */
export function notAcceptedReason(state: LoopState): string {
  const parts: string[] = [];
  const failing = state.lastProof?.receipt.steps.find((s) => s.exitCode !== 0);
  if (state.lastProof && !state.lastProof.passed) {
    parts.push(failing ? `proof failed: \`${failing.command}\` ${failing.timedOut ? 'timed out' : `exited ${failing.exitCode}`}` : 'proof failed');
  }
  const verdict = state.lastReview?.verdict;
  const panel = state.lastReview?.panel;
  if (panel && verdict !== 'approve') parts.push(panelNotAccepted(panel));
  else if (verdict === 'changes') parts.push('the reviewer requested changes');
  else if (verdict === 'cannot-review') parts.push('the reviewer could not review');
  if (state.lastReview?.notCounted) parts.push(state.lastReview.notCounted);
  return parts.join(' and ') || 'not approved';
}

/** Move to the next iteration, or stop at the cap. */
export function nextIteration(state: LoopState): Step {
  const reason = notAcceptedReason(state);
  if (state.iteration >= state.maxIterations) {
    return finish(state, ExitCode.notProven, `not proven after ${state.iteration} iteration(s): ${reason} (raise --max-iterations to allow more)`);
  }
  const next: LoopState = { ...state, phase: 'working', iteration: state.iteration + 1, reproves: 0, reminders: {}, round: [], surfaceAsked: [] };
  return step(next, ...send(taskMessage(next, fixTaskText(next, reason))));
}
