import type { Logger } from 'pino';
import type { JournaledIds } from '../bus/journaled-ids.js';
import type { Envelope, Role } from '../bus/message.js';
import type { IdleRule, PtySession, PtySpawnSpec } from '../pty/types.js';
import type { Input, Outgoing } from './machine.js';
import type { Observer } from './observer.js';
import type { RunContext } from './run-context.js';
import type { RunTimers } from './run-timers.js';
import type { LoopState } from './state.js';
import type { UsageLedger } from '../usage/usage-ledger.js';

export interface DriverDeps {
  createSession: (spec: PtySpawnSpec, idle: IdleRule) => Promise<PtySession>;
  observer: Observer;
  log: Logger;
  idleGraceMs?: number;
}

/** How a resumed run picks up where the journal left off. */
export interface ResumePoint {
  /** loop's messages journaled (and agents' messages forwarded) but never marked delivered. */
  undelivered: Envelope[];
  /** Agent messages journaled but not yet consumed by the machine (the kill came between). */
  unconsumed: Envelope[];
  sessions: Partial<Record<Role, string | null>>;
  nextSeq: number;
  /** Agent record ids the journal already holds: their leftover spool files are skipped. */
  journaled: JournaledIds;
  /** The harness usage records the journal already counted. */
  ledger: UsageLedger;
}

export interface RunOutcome {
  exitCode: number;
  reason: string;
}

/** What the driver's named steps (take-arrival, restart-agent, delivery records…) may use of it. */
export interface DriverCore {
  readonly ctx: RunContext;
  readonly deps: DriverDeps;
  readonly state: LoopState;
  readonly finishing: boolean;
  readonly journaled: JournaledIds;
  /** What was counted of each agent's usage. */
  readonly ledger: UsageLedger;
  /** The next envelope seq. */
  readonly seq: number;
  /** Use the next envelope seq: returns it. */
  takeSeq(): number;
  /** The run's clocks (wall clock, turn timeouts, dialogs). */
  readonly timers: RunTimers;
  /** Advance the machine with an input and perform its effects (call from the work queue only). */
  apply(input: Input): Promise<void>;
  /** Send loop's own messages outside a machine step (a nack of a refused message): journaled, then delivered. */
  send(outgoing: Outgoing[], input: Record<string, unknown>): void;
  /** Queue an input for the machine. */
  feed(input: Input): void;
  /** Queue a step on the driver's serial queue (its failure stops the run, exit 5). */
  queue(work: () => Promise<void> | void): void;
}
