import type { EnvelopeOf, AgentEnvelope } from '../bus/message.js';
import { ExitCode } from '../errors.js';
import { cancelTimer, finish, runProof, send, step, type Step } from './effects.js';
import { notAcceptedReason } from './next-iteration.js';
import { nack, taskMessage } from './outgoing.js';
import { firstTaskText } from './prompts.js';
import { withoutQuestionsOf } from './reply-rules.js';
import type { LoopState } from './state.js';

/** The run starts: iteration 1, the first task to the worker. */
export function onStart(state: LoopState): Step {
  const next: LoopState = { ...state, phase: 'working', iteration: 1 };
  return step(next, ...send(taskMessage(next, firstTaskText(next))));
}

/**
 * The worker claims done: prove the tree. A claim on the tree of the claim before, while that work was not
 * accepted, counts towards the stall rule `stall.unchangedTurns`; the reason says why the work was not accepted.
 */
export function onDone(state: LoopState, envelope: EnvelopeOf<'done'> & AgentEnvelope): Step {
  if (state.phase !== 'working') {
    return step(state, ...send(nack(envelope, `done ignored: loop is ${state.phase} (iteration ${state.iteration}), not waiting for a done claim`)));
  }
  const { payload } = envelope;
  const sameTree = state.lastDone?.treeHash !== undefined && state.lastDone.treeHash === envelope.treeHash;
  const unchangedDones = sameTree ? state.unchangedDones + 1 : 0;
  const next: LoopState = {
    ...withoutQuestionsOf(state, envelope.from),
    phase: 'proving',
    unchangedDones,
    lastDone: { id: envelope.id, summary: payload.summary, evidence: payload.evidence ?? [], treeHash: envelope.treeHash },
    reminders: {},
  };
  const limit = state.settings.stall.unchangedTurns;
  if (unchangedDones >= limit) {
    const tree = envelope.treeHash ? ` (${envelope.treeHash.slice(0, 12)})` : '';
    return finish(next, ExitCode.stalled,
      `stalled: the worker claimed done ${unchangedDones + 1} times in a row on the same tree${tree}, while its work was not accepted: ${notAcceptedReason(state)} (stall.unchangedTurns: ${limit})`);
  }
  return step(next, cancelTimer(`turn:${envelope.from}`), runProof());
}
