import { setTimeout as sleep } from 'node:timers/promises';
import type { IPty, spawn as ptySpawn } from '@lydell/node-pty';
import { errorMessage, infraError } from '../errors.js';
import { ActivityTracker } from './activity-tracker.js';
import { deliverText, type DeliveryTarget } from './deliver.js';
import { spawnProblem } from './preflight.js';
import { groupAlive, killProcessGroup, registerSession } from './process-tree.js';
import { AsciicastRecorder } from './recorder.js';
import type { Screen } from './screen.js';
import type {
  AgentActivity,
  DeliverOptions,
  DeliveryResult,
  ExitInfo,
  IdleRule,
  PtySession,
  PtySpawnSpec,
} from './types.js';

/** The terminal loop emulates (TERM of the child and of the recording). */
export const TERM_NAME = 'xterm-256color';
const DEFAULT_KILL_GRACE_MS = 2000;
/** Grace for processes left in the group after the agent itself exited. */
const STRAY_GRACE_MS = 500;
/** How long kill() waits for node-pty's exit event once the group is gone. */
const EXIT_EVENT_WAIT_MS = 3000;

/** Side effects of a session, injectable for tests. */
export interface PtySessionDeps {
  /** node-pty's spawn (default: @lydell/node-pty, loaded on first use). */
  spawn?: typeof ptySpawn;
  /** Clock in milliseconds. */
  now?: () => number;
  /** Defaults for every deliver() call of this session. */
  deliver?: DeliverOptions;
  /** Default grace of kill() between SIGTERM and SIGKILL. */
  killGraceMs?: number;
}

interface Parts {
  pty: IPty;
  screen: Screen;
  recorder: AsciicastRecorder | undefined;
}

/** A node-pty process with a headless screen, activity tracking, recording and delivery. */
class NodePtySession implements PtySession, DeliveryTarget {
  readonly pid: number;
  readonly exited: Promise<ExitInfo>;
  private resolveExited: (info: ExitInfo) => void = () => undefined;
  private readonly pty: IPty;
  private readonly screen: Screen;
  private readonly recorder: AsciicastRecorder | undefined;
  private readonly tracker: ActivityTracker;
  private readonly dataListeners = new Set<(data: string) => void>();
  private readonly unregister: () => void;
  private done = false;
  private killing: Promise<ExitInfo> | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(parts: Parts, idle: IdleRule, private readonly deps: PtySessionDeps) {
    ({ pty: this.pty, screen: this.screen, recorder: this.recorder } = parts);
    this.pid = this.pty.pid;
    this.exited = new Promise((resolve) => {
      this.resolveExited = resolve;
    });
    this.tracker = new ActivityTracker(idle, this.screen, deps.now);
    const subscriptions = [
      this.pty.onData((data) => this.handleData(data)),
      this.pty.onExit(({ exitCode, signal }) => {
        subscriptions.forEach((subscription) => subscription.dispose());
        this.finish({ exitCode: signal ? null : exitCode, signal: signal || null }).catch((error: unknown) => {
          // finish() resolves `exited` in its finally; a cleanup failure is reported with the exit, never left floating.
          this.resolveExited({ exitCode: signal ? null : exitCode, signal: signal || null, cleanupError: errorMessage(error) });
        });
      }),
    ];
    this.unregister = registerSession(this);
    this.tracker.poke();
  }

  activity = (): AgentActivity => this.tracker.current();
  cursorLine = (): string => this.screen.cursorLine();
  screenText = (): string => this.screen.text();
  bracketedPaste = (): boolean => this.screen.bracketedPaste();
  waitForIdle = (timeoutMs: number): Promise<boolean> => this.tracker.waitForIdle(timeoutMs);
  onActivity = (listener: (activity: AgentActivity) => void): (() => void) => this.tracker.onChange(listener);
  isExited = (): boolean => this.done;
  flushed = (): Promise<void> => this.screen.flushed();
  outputSeq = (): number => this.tracker.outputSeq();
  lastOutputAt = (): number => this.tracker.lastOutputAt();

  onData(listener: (data: string) => void): () => void {
    this.dataListeners.add(listener);
    return () => {
      this.dataListeners.delete(listener);
    };
  }

  deliver(text: string, options?: DeliverOptions): Promise<DeliveryResult> {
    // One delivery at a time: two messages typed at once would interleave in the composer.
    const run = this.queue.then(() => deliverText(this, text, { ...this.deps.deliver, ...options }, this.deps.now));
    this.queue = run.catch(() => undefined);
    return run;
  }

  write(data: string): void {
    if (this.done) return;
    this.recorder?.input(data);
    this.pty.write(data);
  }

  resize(cols: number, rows: number): void {
    if (!(Number.isInteger(cols) && Number.isInteger(rows) && cols > 0 && rows > 0)) {
      throw new TypeError(`resize needs positive integer cols and rows, got ${cols}x${rows}`);
    }
    if (this.done) return;
    try {
      this.pty.resize(cols, rows);
    } catch {
      return; // the process went away between the check and the call (EBADF): nothing to resize
    }
    this.screen.resize(cols, rows);
    this.recorder?.resize(cols, rows);
    this.tracker.poke();
  }

  kill(graceMs: number = this.deps.killGraceMs ?? DEFAULT_KILL_GRACE_MS): Promise<ExitInfo> {
    this.killing ??= this.terminate(graceMs);
    return this.killing;
  }

  /** Answers a terminal query (not recorded: loop did not type it). */
  writeReply(data: string): void {
    if (!this.done) this.pty.write(data);
  }

  private handleData(data: string): void {
    if (this.done) return; // late output after exit
    this.recorder?.output(data);
    this.screen.write(data);
    this.tracker.noteOutput();
    for (const listener of [...this.dataListeners]) listener(data);
  }

  private async terminate(graceMs: number): Promise<ExitInfo> {
    await killProcessGroup(this.pid, graceMs, { includeLeader: !this.done });
    const gone = await Promise.race([this.exited, sleep(EXIT_EVENT_WAIT_MS, undefined, { ref: false })]);
    if (gone) return gone;
    // node-pty never reported the exit although the group is gone: finish on our own.
    await this.finish({ exitCode: null, signal: 9 });
    return this.exited;
  }

  private async finish(info: ExitInfo): Promise<void> {
    if (this.done) return;
    this.done = true;
    this.tracker.markExited();
    this.dataListeners.clear();
    let cleanupError: string | undefined;
    try {
      // Processes the agent left behind in its group must not outlive it.
      if (groupAlive(this.pid)) await killProcessGroup(this.pid, STRAY_GRACE_MS, { includeLeader: false });
      await this.screen.flushed();
    } catch (error) {
      cleanupError = errorMessage(error);
    }
    try {
      this.screen.dispose();
      this.recorder?.close();
    } catch (error) {
      cleanupError ??= errorMessage(error);
    } finally {
      this.unregister();
      this.resolveExited(cleanupError === undefined ? info : { ...info, cleanupError });
    }
  }
}

/**
 * Starts a program in a pseudo-terminal (node-pty and the screen emulator load on first use).
 * Throws a LoopError (infra) when the program cannot start or the recording cannot be created.
 */
export const createPtySession = async (
  spec: PtySpawnSpec,
  idle: IdleRule,
  deps: PtySessionDeps = {},
): Promise<PtySession> => {
  const problem = spawnProblem(spec);
  if (problem !== undefined) throw infraError(`cannot start ${spec.command}: ${problem}`);
  const spawn = deps.spawn ?? (await import('@lydell/node-pty')).spawn;
  const { Screen: ScreenClass } = await import('./screen.js');
  let recorder: AsciicastRecorder | undefined;
  try {
    if (spec.recordPath !== undefined) {
      recorder = new AsciicastRecorder({
        path: spec.recordPath,
        cols: spec.cols,
        rows: spec.rows,
        maxBytes: spec.recordMaxBytes,
        term: TERM_NAME,
      });
    }
  } catch (error) {
    throw infraError(`cannot create the recording ${spec.recordPath}: ${errorMessage(error)}`, error);
  }
  let session: NodePtySession | undefined;
  const screen = new ScreenClass({ cols: spec.cols, rows: spec.rows, onReply: (reply) => session?.writeReply(reply) });
  let pty: IPty;
  try {
    pty = spawn(spec.command, spec.args, {
      name: TERM_NAME,
      cols: spec.cols,
      rows: spec.rows,
      cwd: spec.cwd,
      env: { ...spec.env, TERM: TERM_NAME },
      encoding: 'utf8',
    });
  } catch (error) {
    recorder?.close();
    screen.dispose();
    throw infraError(`cannot start ${spec.command}: ${errorMessage(error)}`, error);
  }
  session = new NodePtySession({ pty, screen, recorder }, idle, deps);
  return session;
};
