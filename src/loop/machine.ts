import { SURFACE_LIST_MAX, type Envelope, type Receipt, type ReviewerRole, type Role, type SurfaceChange } from '../bus/message.js';
import { ExitCode } from '../errors.js';
import { finish, nack, reviewRequest, step, taskMessage, type Step } from './effects.js';
import { notAcceptedReason } from './next-iteration.js';
import { awaitsReply, owing, reviewersOf } from './panel-rules.js';
import { firstTaskText, fixTaskText, reminderText } from './prompts.js';
import { onRestoreFailed, onReview, onReviewRequested, onTreeRestored } from './review-rules.js';
import type { LoopState } from './state.js';

/** What happens to the pair loop. */
export type Input =
  | { type: 'start' }
  | { type: 'resumed'; reissue: Partial<Record<Role, boolean>> }
  | { type: 'message'; envelope: Envelope }
  | { type: 'receipt'; receipt: Receipt; diffStat: string; proofSurface?: SurfaceChange[] }
  | { type: 'review-requested'; id: string; treeHash: string }
  | { type: 'tree-restored'; files: string[]; fileCount: number; patch: string }
  | { type: 'restore-failed'; reason: string; patch?: string }
  | { type: 'idle-without-reply'; role: Role }
  | { type: 'agent-exited'; role: Role; exitCode: number | null; restarts: number }
  | { type: 'agent-restarted'; role: Role; reissue: boolean }
  | { type: 'timeout'; what: 'wall-clock' | 'turn'; role?: Role; minutes: number }
  | { type: 'infra'; reason: string }
  | { type: 'cancel'; reason: string };

export type { Outgoing, Step } from './effects.js';

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

function onReceipt(state: LoopState, receipt: Receipt, diffStat: string, surface: SurfaceChange[]): Step {
  if (state.phase !== 'proving') return step(state);
  const next: LoopState = {
    ...state,
    phase: 'reviewing',
    lastProof: { passed: receipt.passed, treeHash: receipt.treeHash, receipt, diffStat },
    proofSurface: surface.length > 0 ? { files: surface.slice(0, SURFACE_LIST_MAX), total: surface.length, acknowledged: false } : undefined,
    requestedTree: undefined,
    surfaceAsks: 0,
    round: [],
    surfaceAsked: [],
  };
  // The receipt goes to the reviewer inside the review request, and to the worker inside its next task (the
  // failing steps); no separate `proof` message: typed into the worker while the reviewer works, it cost the
  // worker a whole extra turn. The receipt stays in the journal (`proof.receipt`).
  return step(next, { send: reviewersOf(next).map((to) => reviewRequest(next, receipt, { to })) });
}

function onIdle(state: LoopState, role: Role): Step {
  if (!awaitsReply(state, role)) return step(state);
  const count = (state.reminders[role] ?? 0) + 1;
  const next = { ...state, reminders: { ...state.reminders, [role]: count } };
  if (count > 2) {
    const what = role === 'worker' ? 'a done claim' : 'a review';
    return finish(next, ExitCode.stalled, `stalled: the ${role} went idle ${count} times without sending ${what}`);
  }
  const kind = role === 'worker' ? 'task' : 'review-request';
  if (kind === 'task') return step(next, { send: [taskMessage(next, reminderText('worker', next))] });
  const receipt = next.lastProof?.receipt;
  if (!receipt) return step(next);
  const request = reviewRequest(next, receipt, { to: role as ReviewerRole });
  request.payload.summary = `${reminderText('reviewer', next)}\n${String(request.payload.summary)}`;
  return step(next, { send: [request] });
}

/** Send an agent that lost its context (relaunched without its own session) the request it owes an answer to. */
function reissue(state: LoopState, role: Role): Step {
  if (role === 'worker' && state.phase === 'working') {
    return step(state, { send: [taskMessage(state, `(loop restarted; this is your current task)\n${state.iteration === 1 ? firstTaskText(state) : fixTaskText(state, notAcceptedReason(state))}`)] });
  }
  if (role !== 'worker' && owing(state).includes(role) && state.lastProof) {
    return step(state, { send: [reviewRequest(state, state.lastProof.receipt, { to: role })] });
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
      // Killed before the first transition was journaled: nothing was sent yet, so the run starts now.
      if (state.phase === 'starting') return advance(state, { type: 'start' });
      if (state.phase === 'proving') return step(state, { runProof: true });
      if (state.phase === 'restoring' && state.restore) return step(state, { restoreTree: state.restore });
      // The roles loop awaits a reply from (the worker, or the reviewers that owe a review) lost what they were asked.
      const roles: Role[] = state.phase === 'working' ? ['worker'] : owing(state);
      const send = roles.filter((role) => input.reissue[role]).flatMap((role) => reissue(state, role).send);
      return step(state, { send });
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
      return onReceipt(state, input.receipt, input.diffStat, input.proofSurface ?? []);
    case 'review-requested':
      return onReviewRequested(state, input.treeHash);
    case 'tree-restored':
      return onTreeRestored(state, input);
    case 'restore-failed':
      return onRestoreFailed(state, input);
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
