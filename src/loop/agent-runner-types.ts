import type { AgentAdapter, LaunchPlan } from '../agents/card.js';
import type { TurnSignal } from '../agents/signals.js';
import type { Envelope, Role } from '../bus/message.js';
import type { AgentActivity, ExitInfo, IdleRule, PtySession, PtySpawnSpec } from '../pty/types.js';

export interface AgentRunnerOptions {
  role: Role;
  adapter: AgentAdapter;
  runId: string;
  runDir: string;
  cwd: string;
  env: Record<string, string>;
  ci: boolean;
  cols: number;
  rows: number;
  recordingBytes: number;
  createSession: (spec: PtySpawnSpec, idle: IdleRule) => Promise<PtySession>;
  /** How long an agent may sit idle after a turn, without the reply loop waits for, before it is reminded. */
  idleGraceMs: number;
  /** Wraps the agent's command (the sandbox). */
  wrap?: (command: string, args: string[]) => { command: string; args: string[] };
}

/** How a message reached the agent: typed, on its command line, or named in a notice to read it with `loop inbox`. */
export interface DeliveryInfo {
  attempts: number;
  via: 'terminal' | 'command-line' | 'notice' | 'session';
  /** What showed that the agent took it: its hook, its session record, the screen, or the launch itself. */
  confirmedBy: string;
  /** Size of the block typed (or put on the command line) in bytes. */
  bytes: number;
}

export interface AgentRunnerEvents {
  started(plan: LaunchPlan, pid: number, recording: string): void;
  activity(activity: AgentActivity): void;
  delivered(envelope: Envelope, info: DeliveryInfo): void;
  /** A delivery could not be made (the agent never became idle, or never started the turn). */
  stuck(envelope: Envelope, detail: string, final: boolean): void;
  exited(info: ExitInfo): void;
  /** The harness reported a turn start or end (hook or notify). */
  turnSignal(signal: TurnSignal): void;
  /** The agent's own session id became known after launch (Codex: from its session file). */
  sessionFound(sessionId: string, how: string): void;
  /** A turn-end signal was expected but did not come within the watchdog: the state is unknown. */
  signalMissing(): void;
  /** The agent finished a turn and sat idle for idleGraceMs while loop awaits its reply. */
  idleAfterTurn(): void;
  /** A typed message was not submitted in time; the screen as it was, before the composer is cleared and it is typed again. */
  unsubmitted(envelopes: Envelope[], attempt: number, screen: string): void;
  /** Is loop waiting for a reply from this agent right now? */
  awaitingReply(): boolean;
  /** The runner itself failed unexpectedly (a bug or the machine): the run must stop. */
  fault(error: unknown): void;
}
