import type { Role } from '../bus/message.js';
import { ExitCode } from '../errors.js';
import { cancelTimer, finish, prepend, readPlan, runProof, send, startTimer, step, type Effect, type Step } from './effects.js';
import type { InputOf } from './inputs.js';
import { notAcceptedReason } from './next-iteration.js';
import { reviewRequest, taskMessage } from './outgoing.js';
import { owing } from './panel-rules.js';
import { firstWorkText, inPlanPhase } from './plan-phase.js';
import { planReadOwed, reissuePlan } from './plan-rules.js';
import { phaseAwaits } from './reply-rules.js';
import { fixTaskText } from './prompts.js';
import type { LoopState } from './state.js';
import { onStart } from './worker-rules.js';

/** With --ci, how long an agent may sit in a dialog only a human can answer before the run stops (exit 5). */
export const DIALOG_TIMEOUT_MS = 120_000;

const minutes = (n: number) => n * 60_000;

/** The wall-clock budget starts (again) with the run and with each resume. */
const wallClock = (state: LoopState): Effect =>
  startTimer('wall-clock', minutes(state.settings.maxMinutes), { type: 'timeout', what: 'wall-clock', minutes: state.settings.maxMinutes });

/** Give an agent that lost its context (relaunched without its own session) the request it owes an answer to. */
export function reissue(state: LoopState, role: Role): Step {
  if (inPlanPhase(state)) return reissuePlan(state, role);
  if (role === 'worker' && state.phase === 'working') {
    const text = state.iteration === 1 ? firstWorkText(state) : fixTaskText(state, notAcceptedReason(state));
    return step(state, ...send(taskMessage(state, `(loop restarted; this is your current task)\n${text}`)));
  }
  if (role !== 'worker' && owing(state).includes(role) && state.lastProof) {
    return step(state, ...send(reviewRequest(state, state.lastProof.receipt, { to: role })));
  }
  return step(state);
}

/** The run starts: the wall clock, then the first task. */
export function onFirstStart(state: LoopState): Step {
  const started = onStart(state);
  return prepend(started, wallClock(started.state));
}

/**
 * A resumed run picks up what its state still owes: the run itself when it never started, the proof, the restore
 * of the reviewed tree, or the request of an agent that lost its context and has no message waiting for it.
 */
export function onResumed(state: LoopState, input: InputOf<'resumed'>): Step {
  const fresh: LoopState = Object.keys(state.restarts).length > 0 ? { ...state, restarts: {} } : state;
  if (fresh.phase === 'starting') return onFirstStart(fresh);
  const clock = wallClock(fresh);
  if (fresh.phase === 'proving') return step(fresh, clock, runProof());
  if (fresh.phase === 'restoring' && fresh.restore) return step(fresh, clock, { type: 'restore-tree', ...fresh.restore });
  if (planReadOwed(fresh)) return step(fresh, clock, readPlan());
  const effects: Effect[] = [clock];
  for (const agent of input.agents) {
    if (agent.onOwnSession || agent.pending) continue;
    effects.push(...reissue(fresh, agent.role).effects);
  }
  return step(fresh, ...effects);
}

/** An agent exited on its own: relaunch it (`settings.maxRestarts` times), then stop (exit 5). */
export function onAgentExited(state: LoopState, input: InputOf<'agent-exited'>): Step {
  const { role, exitCode } = input;
  const restarts = state.restarts[role] ?? 0;
  const max = state.settings.maxRestarts;
  if (restarts >= max) {
    const how = exitCode === null ? 'killed by a signal' : `exit code ${exitCode}`;
    const times = restarts > 0 ? ` after ${restarts} restart(s)` : '';
    return finish(state, ExitCode.couldNotRun, `the ${role} agent exited (${how})${times}; see: loop logs <id> --role ${role}`);
  }
  const next: LoopState = { ...state, restarts: { ...state.restarts, [role]: restarts + 1 } };
  return step(next, { type: 'relaunch', role, onOwnSession: input.onOwnSession, exitCode, attempt: restarts + 1, of: max });
}

/** A relaunched agent is back: without its own session it lost its context, so it gets its request again. */
export function onAgentRestarted(state: LoopState, input: InputOf<'agent-restarted'>): Step {
  return input.onOwnSession ? step(state) : reissue(state, input.role);
}

/**
 * A request reached its addressee: its turn's clock starts (`turnTimeoutMinutes`). Not for a review request whose
 * round closed before it was delivered (a panel's plan approved without this reviewer): no review is owed, so none is
 * awaited, and nothing would stop that clock.
 */
export function onDelivered(state: LoopState, input: InputOf<'delivered'>): Step {
  const { kind } = input.envelope;
  if (kind !== 'task' && kind !== 'review-request') return step(state);
  if (kind === 'review-request' && !phaseAwaits(state, input.role)) return step(state);
  const limit = state.settings.turnTimeoutMinutes;
  return step(state, startTimer(`turn:${input.role}`, minutes(limit), { type: 'timeout', what: 'turn', role: input.role, minutes: limit }));
}

/** An agent waits for a human in a dialog: with --ci nobody will answer it, so the run stops if it lasts. */
export function onActivity(state: LoopState, input: InputOf<'activity'>): Step {
  const { role } = input;
  if (input.activity !== 'needs-input') return step(state, cancelTimer(`dialog:${role}`));
  if (!state.settings.ci) return step(state);
  const reason = `the ${role} is blocked on a dialog loop cannot answer (${input.screen ?? ''}); allow it in the harness's settings, or run without --ci and answer it with loop attach`;
  return step(state, startTimer(`dialog:${role}`, DIALOG_TIMEOUT_MS, { type: 'infra', reason }));
}

/** A budget ran out: the wall clock (`maxMinutes`) or one agent turn (`turnTimeoutMinutes`). */
export function onTimeout(state: LoopState, input: InputOf<'timeout'>): Step {
  return input.what === 'wall-clock'
    ? finish(state, ExitCode.budget, `wall-clock budget of ${input.minutes} min exhausted (maxMinutes)`)
    : finish(state, ExitCode.budget, `the ${input.role} took longer than ${input.minutes} min for one turn (turnTimeoutMinutes)`);
}
