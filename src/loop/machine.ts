import type { Envelope, Finding, Receipt, Role, Verdict } from '../bus/message.js';
import { ExitCode } from '../errors.js';
import { firstTaskText, fixTaskText, reminderText, reviewSummary } from './prompts.js';
import type { LoopState } from './state.js';

/** What happens to the pair loop. */
export type Input =
  | { type: 'start' }
  | { type: 'resumed'; reissue: Record<Role, boolean> }
  | { type: 'message'; envelope: Envelope }
  | { type: 'receipt'; receipt: Receipt; diffStat: string }
  | { type: 'idle-without-reply'; role: Role }
  | { type: 'agent-exited'; role: Role; exitCode: number | null; restarts: number }
  | { type: 'agent-restarted'; role: Role; reissue: boolean }
  | { type: 'timeout'; what: 'wall-clock' | 'turn'; role?: Role; minutes: number }
  | { type: 'infra'; reason: string }
  | { type: 'cancel'; reason: string };

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
}

const step = (state: LoopState, effects: Partial<Omit<Step, 'state'>> = {}): Step => ({
  state,
  send: effects.send ?? [],
  forward: effects.forward ?? false,
  runProof: effects.runProof ?? false,
});

const finish = (state: LoopState, exitCode: number, reason: string): Step => {
  const status = exitCode === ExitCode.completed ? 'completed' : exitCode === ExitCode.cancelled ? 'stopped' : 'failed';
  return step({ ...state, phase: 'finished', finished: { exitCode, reason, status } });
};

const nack = (envelope: Envelope, reason: string): Outgoing => ({
  to: envelope.from as Role,
  kind: 'nack',
  payload: { reason, errors: [] },
  replyTo: envelope.id,
});

const taskMessage = (state: LoopState, text: string): Outgoing => ({
  to: 'worker',
  kind: 'task',
  payload: { text, iteration: state.iteration },
});

const reviewRequest = (state: LoopState, receipt: Receipt, diffStat: string): Outgoing => ({
  to: 'reviewer',
  kind: 'review-request',
  payload: { summary: reviewSummary(state), diffStat, receipt, claims: state.lastDone?.evidence ?? [] },
});

/** Why an iteration did not complete, in words. */
function notAcceptedReason(state: LoopState): string {
  const parts: string[] = [];
  const failing = state.lastProof?.receipt.steps.find((s) => s.exitCode !== 0);
  if (state.lastProof && !state.lastProof.passed) {
    parts.push(failing ? `proof failed: \`${failing.command}\` ${failing.timedOut ? 'timed out' : `exited ${failing.exitCode}`}` : 'proof failed');
  }
  const verdict = state.lastReview?.verdict;
  if (verdict === 'changes') parts.push('the reviewer requested changes');
  if (verdict === 'cannot-review') parts.push('the reviewer could not review');
  return parts.join(' and ') || 'not approved';
}

/** Move to the next iteration, or stop at the cap. */
function nextIteration(state: LoopState): Step {
  const reason = notAcceptedReason(state);
  if (state.iteration >= state.maxIterations) {
    return finish(state, ExitCode.notProven, `not proven after ${state.iteration} iteration(s): ${reason} (raise --max-iterations to allow more)`);
  }
  const next: LoopState = { ...state, phase: 'working', iteration: state.iteration + 1, reproves: 0, reminders: { worker: 0, reviewer: 0 } };
  return step(next, { send: [taskMessage(next, fixTaskText(next, reason))] });
}

function onDone(state: LoopState, envelope: Envelope): Step {
  if (state.phase !== 'working') {
    return step(state, { send: [nack(envelope, `done ignored: loop is ${state.phase} (iteration ${state.iteration}), not waiting for a done claim`)] });
  }
  const payload = envelope.payload as { summary: string; evidence?: string[] };
  const sameTree = state.lastDone?.treeHash !== undefined && state.lastDone.treeHash === envelope.treeHash;
  const unchangedDones = sameTree ? state.unchangedDones + 1 : 0;
  const next: LoopState = {
    ...state,
    phase: 'proving',
    unchangedDones,
    lastDone: { id: envelope.id, summary: payload.summary, evidence: payload.evidence ?? [], treeHash: envelope.treeHash },
    reminders: { worker: 0, reviewer: 0 },
  };
  if (unchangedDones >= 2) {
    return finish(next, ExitCode.stalled, `stalled: the worker claimed done ${unchangedDones + 1} times in a row without changing the tree while changes were requested`);
  }
  return step(next, { runProof: true });
}

function onReview(state: LoopState, envelope: Envelope): Step {
  if (state.phase !== 'reviewing') {
    return step(state, { send: [nack(envelope, `review ignored: loop is ${state.phase} (iteration ${state.iteration}), no review was requested`)] });
  }
  const payload = envelope.payload as { verdict: Verdict; summary: string; findings: Finding[] };
  const reviewed: LoopState = {
    ...state,
    lastReview: { id: envelope.id, verdict: payload.verdict, summary: payload.summary, findings: payload.findings },
    reminders: { worker: 0, reviewer: 0 },
  };
  const proof = reviewed.lastProof;
  if (payload.verdict === 'approve' && proof?.passed) {
    if (envelope.treeHash === undefined || envelope.treeHash === proof.treeHash) {
      return finish(reviewed, ExitCode.completed, `approved and proof passed on tree ${proof.treeHash.slice(0, 12)}`);
    }
    if (reviewed.reproves < 1) {
      // The tree changed between the proof and the approval: prove the tree that was approved.
      return step({ ...reviewed, phase: 'proving', reproves: reviewed.reproves + 1 }, { runProof: true });
    }
  }
  if (payload.verdict === 'cannot-review') {
    const count = reviewed.cannotReview + 1;
    if (count >= 2) return finish({ ...reviewed, cannotReview: count }, ExitCode.stalled, 'stalled: the reviewer answered cannot-review twice');
    return nextIteration({ ...reviewed, cannotReview: count });
  }
  return nextIteration(reviewed);
}

function onReceipt(state: LoopState, receipt: Receipt, diffStat: string): Step {
  if (state.phase !== 'proving') return step(state);
  const next: LoopState = { ...state, phase: 'reviewing', lastProof: { passed: receipt.passed, treeHash: receipt.treeHash, receipt } };
  const proofPayload = { passed: receipt.passed, steps: receipt.steps, treeHash: receipt.treeHash };
  return step(next, {
    send: [
      { to: 'worker', kind: 'proof', payload: proofPayload },
      { to: 'reviewer', kind: 'proof', payload: proofPayload },
      reviewRequest(next, receipt, diffStat),
    ],
  });
}

function onIdle(state: LoopState, role: Role): Step {
  const waitingFor = state.phase === 'working' ? 'worker' : state.phase === 'reviewing' ? 'reviewer' : undefined;
  if (waitingFor !== role) return step(state);
  const count = state.reminders[role] + 1;
  const next = { ...state, reminders: { ...state.reminders, [role]: count } };
  if (count > 2) {
    const what = role === 'worker' ? 'a done claim' : 'a review';
    return finish(next, ExitCode.stalled, `stalled: the ${role} went idle ${count} times without sending ${what}`);
  }
  const kind = role === 'worker' ? 'task' : 'review-request';
  if (kind === 'task') return step(next, { send: [taskMessage(next, reminderText('worker', next))] });
  const receipt = next.lastProof?.receipt;
  if (!receipt) return step(next);
  const request = reviewRequest(next, receipt, '');
  request.payload.summary = `${reminderText('reviewer', next)}\n${String(request.payload.summary)}`;
  return step(next, { send: [request] });
}

/** Send an agent that lost its context (relaunched without its own session) the request it owes an answer to. */
function reissue(state: LoopState, role: Role): Step {
  if (role === 'worker' && state.phase === 'working') {
    return step(state, { send: [taskMessage(state, `(loop restarted; this is your current task)\n${state.iteration === 1 ? firstTaskText(state) : fixTaskText(state, notAcceptedReason(state))}`)] });
  }
  if (role === 'reviewer' && state.phase === 'reviewing' && state.lastProof) {
    return step(state, { send: [reviewRequest(state, state.lastProof.receipt, '')] });
  }
  return step(state);
}

/** The pair loop as a pure function: (state, input) → (state, effects). */
export function advance(state: LoopState, input: Input): Step {
  if (state.finished) return step(state);
  switch (input.type) {
    case 'start': {
      const next: LoopState = { ...state, phase: 'working', iteration: 1 };
      return step(next, { send: [taskMessage(next, firstTaskText(next))] });
    }
    case 'resumed': {
      if (state.phase === 'proving') return step(state, { runProof: true });
      const role = state.phase === 'working' ? 'worker' : 'reviewer';
      return input.reissue[role] ? reissue(state, role) : step(state);
    }
    case 'agent-restarted':
      return input.reissue ? reissue(state, input.role) : step(state);
    case 'message': {
      const envelope = input.envelope;
      const counted: LoopState = { ...state, agentMessages: state.agentMessages + 1, lastInputSeq: Math.max(state.lastInputSeq, envelope.seq) };
      if (counted.agentMessages > counted.maxMessages) {
        return finish(counted, ExitCode.budget, `message budget exhausted: ${counted.maxMessages} messages from agents (maxMessages)`);
      }
      if (envelope.kind === 'done') return onDone(counted, envelope);
      if (envelope.kind === 'review') return onReview(counted, envelope);
      return step(counted, { forward: true });
    }
    case 'receipt':
      return onReceipt(state, input.receipt, input.diffStat);
    case 'idle-without-reply':
      return onIdle(state, input.role);
    case 'agent-exited': {
      const how = input.exitCode === null ? 'killed by a signal' : `exit code ${input.exitCode}`;
      const times = input.restarts > 0 ? ` after ${input.restarts} restart(s)` : '';
      return finish(state, ExitCode.couldNotRun, `the ${input.role} agent exited (${how})${times}; see: loop logs <id> --role ${input.role}`);
    }
    case 'timeout':
      return input.what === 'wall-clock'
        ? finish(state, ExitCode.budget, `wall-clock budget of ${input.minutes} min exhausted (maxMinutes)`)
        : finish(state, ExitCode.budget, `the ${input.role} took longer than ${input.minutes} min for one turn (turnTimeoutMinutes)`);
    case 'infra':
      return finish(state, ExitCode.couldNotRun, input.reason);
    case 'cancel':
      return finish(state, ExitCode.cancelled, input.reason);
  }
}
