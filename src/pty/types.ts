/** What to launch in a pseudo-terminal. */
export interface PtySpawnSpec {
  command: string;
  args: string[];
  cwd: string;
  /** The complete environment of the child (not merged with process.env here). */
  env: Record<string, string>;
  cols: number;
  rows: number;
  /** asciicast v2 file to record the output stream into; omitted: no recording. */
  recordPath?: string;
  /** Recording cap in bytes; past it, the recording notes the truncation and stops growing. */
  recordMaxBytes?: number;
}

/** How an agent looks when it waits for input. */
export interface IdleRule {
  /** Matched against the cursor's screen line, trailing spaces trimmed. */
  pattern: RegExp;
  /** Output must have been quiet this long before the pattern is checked. */
  quietMs: number;
  /** Match the idle pattern against every screen line instead of only the cursor's line. */
  matchScreen?: boolean;
  /** A marker anywhere on the screen that means the agent is working, whatever the idle pattern says. */
  busyPattern?: RegExp;
  /** A marker anywhere on the quiet screen that means the agent waits for a human (an approval dialog). */
  attentionPattern?: RegExp;
}

/** `needs-input`: the screen shows a dialog only a human can answer (an approval, a trust question). */
export type AgentActivity = 'starting' | 'busy' | 'idle' | 'needs-input' | 'unknown' | 'exited';

export interface ExitInfo {
  exitCode: number | null;
  signal: number | null;
  /** Cleaning up after the exit failed (stray processes, screen, recording): why. The exit itself stands. */
  cleanupError?: string;
}

/** Result of writing one message into an agent's terminal. Failures are data, not exceptions. */
export type DeliveryResult =
  | { ok: true; attempts: number; bracketed: boolean }
  | { ok: false; reason: 'timeout-waiting-idle' | 'not-submitted' | 'exited'; detail: string };

/** Tuning of one delivery; every field has a default (see src/pty/deliver.ts). */
export interface DeliverOptions {
  /** How long to wait for the agent to become idle before typing (default 60 000 ms). */
  idleTimeoutMs?: number;
  /**
   * Least pause between writing the text and Enter (default 0: Enter follows the echo). A harness whose paste
   * handling needs a gap sets it.
   */
  settleMs?: number;
  /** Wait for the agent to look idle on the screen before typing (default true; false once its own turn-end signal came). */
  waitIdle?: boolean;
  /**
   * Confirm the turn started from the screen, pressing Enter again a bounded number of times (default true).
   * False for a harness whose own signal confirms it: Enter is pressed once and the caller confirms.
   */
  confirm?: boolean;
  /** A string of the typed text (a message id): once the screen shows it, the echo is complete. */
  marker?: string;
  /** How long after each Enter to look for evidence that the turn started (default 1500 ms). */
  confirmMs?: number;
  /** Extra Enter presses when the first one shows no effect (default 2). */
  maxEnterRetries?: number;
}

/** One agent process in a pseudo-terminal, with a headless screen model. */
export interface PtySession {
  readonly pid: number;
  /** Current activity, derived from the screen and output timing (or 'exited'). */
  activity(): AgentActivity;
  /** The screen line holding the cursor, trailing spaces trimmed. */
  cursorLine(): string;
  /** The visible screen as plain text lines (trailing spaces trimmed). */
  screenText(): string;
  /** Whether the application enabled bracketed-paste mode (DECSET 2004). */
  bracketedPaste(): boolean;
  /** Resolves when the agent is idle (quiet + idle pattern), or with false after timeoutMs / exit. */
  waitForIdle(timeoutMs: number): Promise<boolean>;
  /**
   * Type text into the agent only when it is idle: bracketed paste when enabled, else a single line;
   * Enter after a settle delay; then confirm the turn started (screen left the idle state or new
   * output arrived), pressing Enter again a bounded number of times.
   */
  deliver(text: string, options?: DeliverOptions): Promise<DeliveryResult>;
  /** Raw write (for answering dialogs). */
  write(data: string): void;
  resize(cols: number, rows: number): void;
  /** Subscribe to activity changes (busy → idle etc.). Returns an unsubscribe function. */
  onActivity(listener: (activity: AgentActivity) => void): () => void;
  /** Subscribe to raw output. Returns an unsubscribe function. */
  onData(listener: (data: string) => void): () => void;
  /** Resolves once the process has exited (and the recording is flushed). */
  readonly exited: Promise<ExitInfo>;
  /** Terminate the whole process group: SIGTERM, then SIGKILL after graceMs. Idempotent. */
  kill(graceMs?: number): Promise<ExitInfo>;
}
