import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentAdapter, LaunchPlan } from '../agents/card.js';
import { AttachServer } from '../attach/attach-server.js';
import { readSignals, type TurnSignal } from '../agents/signals.js';
import type { Envelope, Role } from '../bus/message.js';
import { renderBlocks, renderLines } from '../bus/render.js';
import { watchSubmission } from './submit-watch.js';
import type { AgentActivity, ExitInfo, PtySession, PtySpawnSpec, IdleRule } from '../pty/types.js';

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

export interface AgentRunnerEvents {
  started(plan: LaunchPlan, pid: number, recording: string): void;
  activity(activity: AgentActivity): void;
  delivered(envelope: Envelope, attempts: number, via: 'terminal' | 'command-line'): void;
  /** A delivery could not be made (the agent never became idle, or Enter was not taken). */
  stuck(envelope: Envelope, detail: string, final: boolean): void;
  exited(info: ExitInfo): void;
  /** The harness reported the end of a turn (hook or notify). */
  turnSignal(signal: TurnSignal): void;
  /** A turn-end signal was expected but did not come within the watchdog: the state is unknown. */
  signalMissing(): void;
  /** The agent finished a turn and sat idle for idleGraceMs while loop awaits its reply. */
  idleAfterTurn(): void;
  /** A typed message sat unsent in the composer, and Enter was pressed again. */
  resubmitted(envelopes: Envelope[], attempt: number, screenLine: string): void;
  /** Is loop waiting for a reply from this agent right now? */
  awaitingReply(): boolean;
}

const IDLE_WAIT_MS = 30_000;
const MAX_NOT_SUBMITTED = 3;
/** After a delivery, wait this long for the harness's own turn-end signal before trusting the screen alone. */
const TURN_SIGNAL_WATCHDOG_MS = 15_000;

/** A human who typed into an attached terminal this recently is still typing: loop waits. */
const HUMAN_TYPING_MS = 5_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One agent in its terminal: launch, ordered delivery when idle, turn tracking from hooks and the screen. */
export class AgentRunner {
  session?: PtySession;
  plan?: LaunchPlan;
  /** The agent's own session id (assigned at launch, or captured from a turn signal). */
  sessionId: string | null = null;
  private queue: Envelope[] = [];
  private delivering = false;
  private stopping = false;
  private idleSince = 0;
  private turnPending = false;
  /** A delivered turn whose harness signal (Stop/notify/AfterAgent) has not come yet. */
  private awaitingSignal = false;
  private signalOffset = 0;
  private ticker?: NodeJS.Timeout;
  private attach?: AttachServer;
  private stopSubmitWatch?: () => void;

  constructor(private readonly options: AgentRunnerOptions, private readonly events: AgentRunnerEvents) {}

  get role(): Role {
    return this.options.role;
  }

  private get usesSignals(): boolean {
    return this.options.adapter.card.turnEnd.some((t) => t === 'hook' || t === 'notify');
  }

  /** A recording file that does not exist yet: `worker.cast`, then `worker.2.cast` after a relaunch… */
  private recordingPath(): string {
    const { runDir, role } = this.options;
    for (let n = 1; ; n++) {
      const path = join(runDir, n === 1 ? `${role}.cast` : `${role}.${n}.cast`);
      if (!existsSync(path)) return path;
    }
  }

  /**
   * Start the agent (on its own earlier session when `resumeSessionId` is given). Messages already queued are
   * put on the command line when the harness takes a first prompt there; they then count as delivered.
   */
  async launch(resumeSessionId?: string): Promise<void> {
    const o = this.options;
    const card = o.adapter.card;
    const initial = card.initialPromptOnCommandLine && this.queue.length > 0 ? [...this.queue] : [];
    const plan = await o.adapter.plan({
      role: o.role, runId: o.runId, runDir: o.runDir, cwd: o.cwd, env: o.env, ci: o.ci, resumeSessionId,
      ...(initial.length > 0 ? { initialPrompt: renderBlocks(initial) } : {}),
    });
    this.plan = plan;
    this.sessionId = plan.sessionId;
    this.signalOffset = readSignals(o.runDir, o.role, 0).offset;
    const recording = this.recordingPath();
    const launched = o.wrap ? o.wrap(plan.command, plan.args) : { command: plan.command, args: plan.args };
    const session = await o.createSession(
      { command: launched.command, args: launched.args, cwd: o.cwd, env: plan.env, cols: o.cols, rows: o.rows, recordPath: recording, recordMaxBytes: o.recordingBytes },
      plan.idle,
    );
    this.session = session;
    this.stopping = false;
    session.onActivity((activity) => {
      if (!this.stopping && this.session === session) this.events.activity(activity);
    });
    void session.exited.then((info) => {
      if (!this.stopping && this.session === session) this.events.exited(info);
    });
    if (!this.attach) {
      this.attach = new AttachServer(o.runDir, o.role, { cols: o.cols, rows: o.rows });
      await this.attach.start(() => this.session);
    }
    this.events.started(plan, session.pid, recording);
    if (plan.initialPromptOnCommandLine && initial.length > 0) {
      this.queue.splice(0, initial.length);
      this.markTurnStarted();
      for (const envelope of initial) this.events.delivered(envelope, 0, 'command-line');
    }
    // An agent back on its own session owes loop whatever it was doing: if it sits idle, it is reminded.
    if (resumeSessionId) this.turnPending = true;
    clearInterval(this.ticker);
    this.ticker = setInterval(() => this.tick(), 250);
    this.ticker.unref();
    if (this.queue.length > 0) setImmediate(() => void this.pump());
  }

  /** Queue a message for delivery; it is typed only when the agent is idle. */
  enqueue(envelope: Envelope): void {
    this.queue.push(envelope);
    // Start on the next tick, so that messages queued together are delivered together.
    setImmediate(() => void this.pump());
  }

  private markTurnStarted(): void {
    this.turnPending = true;
    this.idleSince = 0;
    this.awaitingSignal = this.usesSignals;
  }

  /**
   * Wait before typing: with a harness signal available, for the turn to end (the screen can look idle);
   * and while a human attached with `loop attach` is typing, for them to stop.
   */
  private async turnSettled(): Promise<void> {
    const started = Date.now();
    while (this.awaitingSignal && !this.stopping && Date.now() - started < TURN_SIGNAL_WATCHDOG_MS) await sleep(100);
    if (this.awaitingSignal && !this.stopping) {
      // The harness's own turn-end signal never came: say so, then fall back on the screen alone.
      this.events.activity('unknown');
      this.events.signalMissing();
    }
    this.awaitingSignal = false;
    while (this.attach && this.attach.attached > 0 && Date.now() - this.attach.lastHumanInput < HUMAN_TYPING_MS && !this.stopping) await sleep(250);
  }

  private async pump(): Promise<void> {
    if (this.delivering || !this.session || this.stopping) return;
    this.delivering = true;
    try {
      let notSubmitted = 0;
      let warned = false;
      while (this.queue.length > 0 && !this.stopping) {
        await this.turnSettled();
        // Everything queued goes in one delivery: one turn for the agent, in order.
        const batch = [...this.queue];
        const session: PtySession = this.session;
        const text = session.bracketedPaste() ? renderBlocks(batch) : renderLines(batch);
        const result = await session.deliver(text, { idleTimeoutMs: IDLE_WAIT_MS });
        if (this.stopping || this.session !== session) return;
        if (result.ok) {
          this.queue.splice(0, batch.length);
          notSubmitted = 0;
          this.markTurnStarted();
          for (const envelope of batch) this.events.delivered(envelope, result.attempts, 'terminal');
          if (this.usesSignals && this.plan) {
            this.stopSubmitWatch?.();
            this.stopSubmitWatch = watchSubmission(session, this.plan.idle, () => !this.awaitingSignal || this.stopping || this.session !== session,
              (attempt, line) => this.events.resubmitted(batch, attempt, line)).stop;
          }
          continue;
        }
        if (result.reason === 'exited') return;
        if (result.reason === 'timeout-waiting-idle') {
          if (!warned) {
            warned = true;
            this.events.stuck(batch[0]!, `waiting for the ${this.role} to become idle (cursor line: ${JSON.stringify(session.cursorLine())}, idle pattern: /${this.plan?.idle.pattern.source}/)`, false);
          }
          continue;
        }
        notSubmitted++;
        this.events.stuck(batch[0]!, `the ${this.role} did not start a turn after Enter (${result.detail})`, notSubmitted >= MAX_NOT_SUBMITTED);
        if (notSubmitted >= MAX_NOT_SUBMITTED) return;
      }
    } finally {
      this.delivering = false;
    }
  }

  private pollSignals(): void {
    const { signals, offset } = readSignals(this.options.runDir, this.options.role, this.signalOffset);
    this.signalOffset = offset;
    for (const signal of signals) {
      if (!signal.ignored) {
        this.awaitingSignal = false;
        if (signal.sessionId && !this.sessionId) this.sessionId = signal.sessionId;
      }
      this.events.turnSignal(signal);
    }
  }

  private tick(): void {
    const session = this.session;
    if (!session || this.stopping) return;
    if (this.usesSignals) this.pollSignals();
    if (!this.turnPending) return;
    const idle = session.activity() === 'idle' && this.queue.length === 0 && !this.delivering && !this.awaitingSignal;
    if (!idle || !this.events.awaitingReply()) {
      this.idleSince = 0;
      return;
    }
    const now = Date.now();
    if (this.idleSince === 0) this.idleSince = now;
    if (now - this.idleSince >= this.options.idleGraceMs) {
      this.turnPending = false;
      this.idleSince = 0;
      this.events.idleAfterTurn();
    }
  }

  /** Relaunch after a crash: on the agent's own session when it can go back to it, else fresh. */
  async restart(onOwnSession: boolean): Promise<void> {
    const resume = onOwnSession && this.sessionId ? this.sessionId : undefined;
    await this.session?.kill(1000);
    this.awaitingSignal = false;
    await this.launch(resume);
  }

  /** Terminate the agent's whole process group. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.ticker);
    this.stopSubmitWatch?.();
    await this.attach?.close();
    await this.session?.kill(2000);
  }
}
