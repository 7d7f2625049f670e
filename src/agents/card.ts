import { z } from 'zod';
import type { Role } from '../bus/message.js';
import type { IdleRule } from '../pty/types.js';
import type { UsageFigures } from '../usage/figures.js';
import type { TurnSignal } from './signals.js';

/** What loop knows about driving one harness (contract: DESIGN.md "words" → capability card). */
export const AgentCardSchema = z.strictObject({
  name: z.string(),
  kind: z.enum(['command', 'builtin', 'demo']),
  description: z.string(),
  /** How loop learns the agent's own session id: assigned at launch, captured from the harness, or none. */
  sessionId: z.enum(['assigned', 'captured', 'none']),
  /** Can the agent continue its own session after a relaunch? */
  resume: z.boolean(),
  /** Is the first prompt passed on the command line (instead of typed)? */
  initialPromptOnCommandLine: z.boolean(),
  /** How the end of a turn is detected. */
  turnEnd: z.array(z.enum(['hook', 'notify', 'screen'])),
  /** How loop learns that a typed message was submitted (the turn started): a hook, the harness's session file, the screen. */
  turnStart: z.array(z.enum(['hook', 'session-file', 'screen'])),
  /** Is the MCP bridge registered with the agent? */
  mcp: z.boolean(),
});
export type AgentCard = z.infer<typeof AgentCardSchema>;

/** Everything an adapter needs to plan a launch. */
export interface LaunchContext {
  role: Role;
  runId: string;
  runDir: string;
  cwd: string;
  /** The environment for the agent: the user's, plus LOOP_* and PATH with loop's shim first. */
  env: Record<string, string>;
  /** Set when relaunching an agent on its own earlier session. */
  resumeSessionId?: string;
  /** Unattended run (--ci): adapters pick full-auto permissions. */
  ci: boolean;
  /** The first message for this agent, for harnesses that take a prompt on the command line. */
  initialPrompt?: string;
}

/** How to start one agent process. */
export interface LaunchPlan {
  command: string;
  args: string[];
  env: Record<string, string>;
  idle: IdleRule;
  /** The agent's own session id, when known at launch. */
  sessionId: string | null;
  /** True when `initialPrompt` was put on the command line (it counts as delivered at launch). */
  initialPromptOnCommandLine?: boolean;
  /** What loop changed or set up for this launch, for the user to see (e.g. a pre-accepted trust dialog). */
  notices?: string[];
  /** False when the harness will not run loop's hooks for this launch (then the screen alone tells turns apart). */
  signals?: boolean;
}

/** Where a harness keeps its sessions: the agent's working directory and environment. */
export interface SessionWhere {
  cwd: string;
  env: Record<string, string>;
}

/** What `loop doctor` checks for a harness: its npm package, its login, and how to log in. */
export interface HarnessDoctor {
  package: string;
  /** How the harness can authenticate, from the environment and its config home; undefined: it cannot. */
  auth(env: Record<string, string | undefined>): string | undefined;
  loginFix: string;
}

/** The harness's own signals: the `loop hook <event>` events its launch registers, and how each payload reads. */
export interface HarnessSignals {
  events: readonly string[];
  parse(event: string, payload: Record<string, unknown>): TurnSignal;
}

/** One model request as a harness recorded it: a key unique in its session (so it is counted once), the model, the figures. */
export interface UsageRecord {
  key: string;
  model: string | null;
  figures: UsageFigures;
}

/** What a harness's session records hold of usage: every request found (loop keeps what it already counted), or why none can be read. */
export type UsageRead =
  | { ok: true; file: string; records: UsageRecord[]; /** Records that were there but did not read as usage. */ skipped: number }
  | { ok: false; reason: string };

/** Where a harness keeps its token usage, and whether its costs are notional (a subscription login, not an API bill). */
export interface HarnessUsage {
  read(sessionId: string, where: SessionWhere): UsageRead;
  /** Why the cost is notional (e.g. "Claude subscription login"), or undefined when the harness bills an API key. */
  notional(env: Record<string, string | undefined>): string | undefined;
}

/** One harness: launch, resume and idle detection. Built-in harnesses and custom commands alike. */
export interface AgentAdapter {
  readonly card: AgentCard;
  /** The program it runs (checked on PATH before a run starts). */
  readonly command: string;
  /** How to get that program when it is missing. */
  readonly installHint?: string;
  plan(context: LaunchContext): Promise<LaunchPlan>;
  /**
   * Settings files whose change would make this harness run a command (hooks, MCP servers): read-only in
   * every sandboxed agent's view, so one agent cannot plant a hook that runs as the other.
   */
  protectedPaths?(where: { cwd: string; env: Record<string, string> }): string[];
  /**
   * Has the harness saved this session, so that it can be resumed? (A harness killed early in its first turn
   * may not have.) Absent: assume it has.
   */
  hasSession?(sessionId: string, where: SessionWhere): boolean;
  /**
   * Does the harness's own saved session already hold this message (its id appears in a user turn of the
   * transcript)? Used after a relaunch on the agent's own session, so a message typed before a crash is not
   * typed again. Absent (command agents): it does not, and the message is sent again.
   */
  sessionHolds?(sessionId: string, messageId: string, where: SessionWhere): boolean;
  /**
   * The agent's own session id, found in the harness's files, for a harness that chooses it itself (Codex): the
   * session started since `since` (epoch ms) whose record holds one of `messageIds`. Null: not (yet) found.
   */
  discoverSession?(where: SessionWhere & { since: number; messageIds: string[] }): string | null;
  /** Keys that empty the composer holding `typed`, harmless while a turn runs or when it is already empty. */
  clearInput?(typed: string): string;
  /** Least pause between a paste and its Enter that this harness needs (ms; default 0: Enter follows the echo). */
  readonly enterDelayMs?: number;
  readonly signals?: HarnessSignals;
  readonly doctor?: HarnessDoctor;
  /** Where its usage is (built-in harnesses); absent: a command agent reports its own with `loop msg usage`. */
  readonly usage?: HarnessUsage;
}
