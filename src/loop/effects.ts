import type { Envelope, EnvelopeOf, Payload, Role } from '../bus/message.js';
import { statusOfExit, type RunStatus } from '../run/manifest.js';
import type { Input } from './inputs.js';
import type { LoopState } from './state.js';

/** Kinds only loop sends. */
export type LoopKind = 'task' | 'review-request' | 'proof' | 'nack' | 'abort' | 'note';

/** A message loop itself sends, its payload typed by its kind. */
export type Outgoing = { [K in LoopKind]: { to: Role; kind: K; payload: Payload<K>; replyTo?: string } }[LoopKind];

/**
 * A named clock. The machine starts it with the input the driver feeds back when it fires, and cancels it by name;
 * starting a running timer restarts it. Every timer is cancelled when the run finishes.
 */
export type TimerId = 'wall-clock' | `turn:${Role}` | `dialog:${Role}`;

/** What the machine asks the driver to do: data, performed in order by the driver (driver.ts `perform`). */
export type Effect =
  /** Journal this message of loop's with the transition, then deliver it to `message.to`. */
  | { type: 'send'; message: Outgoing }
  /** Deliver an agent's message to its addressee as it is (notes, questions, answers). */
  | { type: 'forward'; envelope: Envelope }
  /** Run the frozen proof commands on the tree as it is (one proof at a time); the receipt comes back as an input. */
  | { type: 'run-proof' }
  /** Save the change made during the review as a patch, and put the reviewed tree back in the working directory. */
  | { type: 'restore-tree'; requestedTree: string; reviewTree: string }
  | { type: 'start-timer'; timer: TimerId; ms: number; fire: Input }
  | { type: 'cancel-timer'; timer: TimerId }
  /** Relaunch an agent that exited (on its own session when `onOwnSession`); `attempt` of `of` allowed. */
  | { type: 'relaunch'; role: Role; onOwnSession: boolean; exitCode: number | null; attempt: number; of: number }
  /** Read PLAN.md at the repository root; what it holds comes back as a `plan-read` input. */
  | { type: 'read-plan' }
  /** Journal an event of the machine's decision (e.g. `plan.approved`), after the transition that made it; `notice` is also shown. */
  | { type: 'record'; event: string; fields: Record<string, unknown>; notice?: string }
  /** Account for the usage a command agent reported (`loop msg usage`): price it, journal it; it comes back as a `usage` input. */
  | { type: 'take-usage'; envelope: EnvelopeOf<'usage'> & { from: Role } }
  /** End the run: stop the agents, cancel what runs, journal the end, release the lock. */
  | { type: 'finish'; exitCode: number; reason: string; status: Exclude<RunStatus, 'running'> };

export type EffectType = Effect['type'];
/** The effect of one type. */
export type EffectOf<T extends EffectType> = Extract<Effect, { type: T }>;

/** The machine's answer: the next state and the effects the driver must perform, in order. */
export interface Step {
  state: LoopState;
  effects: Effect[];
}

/** A step to `state` with these effects. */
export const step = (state: LoopState, ...effects: Effect[]): Step => ({ state, effects });

/** The same step with more effects after its own. */
export const also = (base: Step, ...effects: Effect[]): Step => ({ state: base.state, effects: [...base.effects, ...effects] });

/** The same step with these effects before its own. */
export const prepend = (base: Step, ...effects: Effect[]): Step => ({ state: base.state, effects: [...effects, ...base.effects] });

/** Effect builders. */
export const send = (...messages: Outgoing[]): Effect[] => messages.map((message) => ({ type: 'send', message }));
export const forward = (envelope: Envelope): Effect => ({ type: 'forward', envelope });
export const runProof = (): Effect => ({ type: 'run-proof' });
export const startTimer = (timer: TimerId, ms: number, fire: Input): Effect => ({ type: 'start-timer', timer, ms, fire });
export const cancelTimer = (timer: TimerId): Effect => ({ type: 'cancel-timer', timer });
export const readPlan = (): Effect => ({ type: 'read-plan' });
export const record = (event: string, fields: Record<string, unknown>, notice?: string): Effect => ({ type: 'record', event, fields, ...(notice ? { notice } : {}) });

/** End the run with this exit code and reason (the status follows from the exit code). */
export const finish = (state: LoopState, exitCode: number, reason: string): Step => {
  const status = statusOfExit(exitCode);
  return step({ ...state, phase: 'finished', finished: { exitCode, reason, status } }, { type: 'finish', exitCode, reason, status });
};

/** The effects of one type in a step, in order. */
export const effectsOf = <T extends EffectType>(s: Step, type: T): EffectOf<T>[] =>
  s.effects.filter((e): e is EffectOf<T> => e.type === type);

/** The messages a step sends. */
export const sent = (s: Step): Outgoing[] => effectsOf(s, 'send').map((e) => e.message);

/** Does the step have an effect of this type? */
export const has = (s: Step, type: EffectType): boolean => s.effects.some((e) => e.type === type);
