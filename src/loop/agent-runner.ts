import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { LaunchPlan } from '../agents/card.js';
import { AttachServer } from '../attach/attach-server.js';
import type { TurnSignal } from '../agents/signals.js';
import type { Envelope, Role } from '../bus/message.js';
import { typedBlock } from '../bus/typed-block.js';
import type { PtySession } from '../pty/types.js';
import { handOff, type ConfirmBy, type HandOffPlan } from './hand-off.js';
import { inputReady } from './input-ready.js';
import { TurnIdle } from './turn-idle.js';
import { TurnWatch } from './turn-watch.js';
import type { AgentRunnerEvents, AgentRunnerOptions } from './agent-runner-types.js';

export type { AgentRunnerEvents, AgentRunnerOptions, DeliveryInfo } from './agent-runner-types.js';

const IDLE_WAIT_MS = 30_000;
/** How long to look for a harness-chosen session id (Codex) after launch. */
const DISCOVERY_MS = 120_000;

/** One agent in its terminal: launch, ordered hand-off when it is ready, turn tracking from its own signals and the screen. */
export class AgentRunner {
  session?: PtySession;
  plan?: LaunchPlan;
  /** The agent's own session id (assigned at launch, found in its session file, or captured from a turn signal). */
  sessionId: string | null = null;
  private queue: Envelope[] = [];
  private delivering = false;
  private stopping = false;
  private readonly idle: TurnIdle;
  private launchedAt = 0;
  /** Ids put on the command line at launch, by which a harness-chosen session is found. */
  private discoverIds: string[] = [];
  private readonly watch: TurnWatch;
  private ticker?: NodeJS.Timeout;
  private attach?: AttachServer;

  constructor(private readonly options: AgentRunnerOptions, private readonly events: AgentRunnerEvents) {
    this.watch = new TurnWatch(options.runDir, options.role, (signal) => this.onSignal(signal));
    this.idle = new TurnIdle(options.idleGraceMs);
  }

  get role(): Role {
    return this.options.role;
  }

  /** Does this launch report its turns (hooks or notify that loop's launch registered)? */
  private get usesSignals(): boolean {
    return this.plan?.signals !== false && this.options.adapter.card.turnEnd.some((t) => t === 'hook' || t === 'notify');
  }

  private get confirmBy(): ConfirmBy {
    const first = this.options.adapter.card.turnStart[0] ?? 'screen';
    return this.usesSignals ? first : 'screen';
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
    if (resumeSessionId) this.dropHeld(resumeSessionId);
    const initial = card.initialPromptOnCommandLine && this.queue.length > 0 ? typedBlock(this.queue, true) : undefined;
    const plan = await o.adapter.plan({
      role: o.role, runId: o.runId, runDir: o.runDir, cwd: o.cwd, env: o.env, ci: o.ci, resumeSessionId,
      ...(initial ? { initialPrompt: initial.text } : {}),
    });
    this.plan = plan;
    this.sessionId = plan.sessionId;
    this.watch.skipRecorded();
    this.watch.awaitingEnd = false;
    const recording = this.recordingPath();
    const launched = o.wrap ? o.wrap(plan.command, plan.args) : { command: plan.command, args: plan.args };
    this.launchedAt = Date.now();
    const session = await o.createSession(
      { command: launched.command, args: launched.args, cwd: o.cwd, env: plan.env, cols: o.cols, rows: o.rows, recordPath: recording, recordMaxBytes: o.recordingBytes },
      plan.idle,
    );
    this.session = session;
    this.stopping = false;
    session.onActivity((activity) => {
      if (!this.stopping && this.session === session) this.events.activity(activity);
    });
    session.exited.then((info) => {
      if (!this.stopping && this.session === session) this.events.exited(info);
    }, (error: unknown) => this.events.fault(error));
    if (!this.attach) {
      this.attach = new AttachServer(o.runDir, o.role, { cols: o.cols, rows: o.rows });
      await this.attach.start(() => this.session);
    }
    this.events.started(plan, session.pid, recording);
    this.discoverIds = [];
    if (plan.initialPromptOnCommandLine && initial) {
      this.queue.splice(0, initial.envelopes.length);
      this.markTurnStarted();
      const bytes = Buffer.byteLength(initial.text);
      initial.envelopes.forEach((envelope, index) => this.events.delivered(envelope, {
        attempts: 0, via: index < initial.envelopes.length - initial.notified ? 'command-line' : 'notice', confirmedBy: 'launch', bytes,
      }));
      if (!this.sessionId && o.adapter.discoverSession) this.discoverIds = initial.envelopes.map((e) => e.id);
    }
    // An agent back on its own session owes loop whatever it was doing: if it sits idle, it is reminded.
    if (resumeSessionId) this.idle.turnPending = true;
    clearInterval(this.ticker);
    this.ticker = setInterval(() => this.guard(() => this.tick()), 250);
    this.ticker.unref();
    if (this.queue.length > 0) setImmediate(() => this.startPump());
  }

  /**
   * Back on its own session, the agent may already hold a message that was in flight when it died (typed, not
   * yet confirmed): it is not typed again. Why: a harness that resumes its session would take it twice.
   */
  private dropHeld(sessionId: string): void {
    const { adapter, cwd, env } = this.options;
    if (!adapter.sessionHolds) return;
    const held = this.queue.filter((e) => adapter.sessionHolds!(sessionId, e.id, { cwd, env }));
    if (held.length === 0) return;
    this.queue = this.queue.filter((e) => !held.includes(e));
    for (const envelope of held) this.events.delivered(envelope, { attempts: 0, via: 'session', confirmedBy: 'session record', bytes: 0 });
  }

  /** Queue a message for delivery; it is typed only when the agent is ready. */
  enqueue(envelope: Envelope): void {
    this.queue.push(envelope);
    // Start on the next tick, so that messages queued together are delivered together.
    setImmediate(() => this.startPump());
  }

  private guard(work: () => void): void {
    try {
      work();
    } catch (error) {
      this.events.fault(error);
    }
  }

  private startPump(): void {
    this.pump().catch((error: unknown) => this.events.fault(error));
  }

  private markTurnStarted(): void {
    this.idle.turnStarted();
    this.watch.awaitingEnd = this.usesSignals;
  }

  private onSignal(signal: TurnSignal): void {
    if (!signal.ignored && signal.sessionId && !this.sessionId) {
      this.sessionId = signal.sessionId;
      this.discoverIds = [];
    }
    this.events.turnSignal(signal);
  }

  /** Is the hand-off in `session` still wanted? */
  private live(session: PtySession): boolean {
    return !this.stopping && this.session === session && session.activity() !== 'exited';
  }

  /** Wait until the agent can take input (see input-ready.ts); true: delivery must still wait for a quiet, idle screen. */
  private readyForInput(session: PtySession): Promise<boolean> {
    return inputReady({
      session, watch: this.watch, usesSignals: this.usesSignals, ...(this.plan ? { idle: this.plan.idle } : {}), attach: this.attach,
      live: () => this.live(session),
      signalMissing: () => {
        this.events.activity('unknown');
        this.events.signalMissing();
      },
    });
  }

  /** Does the harness's own session record hold one of these messages (finding a harness-chosen session on the way)? */
  private recorded(ids: readonly string[]): boolean {
    const { adapter, cwd } = this.options;
    const where = { cwd, env: this.plan?.env ?? this.options.env };
    if (this.sessionId) return adapter.sessionHolds ? ids.some((id) => adapter.sessionHolds!(this.sessionId!, id, where)) : false;
    const found = adapter.discoverSession?.({ ...where, since: this.launchedAt, messageIds: [...ids] });
    if (!found) return false;
    this.foundSession(found, 'session file');
    return true;
  }

  private foundSession(sessionId: string, how: string): void {
    this.sessionId = sessionId;
    this.discoverIds = [];
    this.events.sessionFound(sessionId, how);
  }

  private async pump(): Promise<void> {
    if (this.delivering || !this.session || this.stopping) return;
    this.delivering = true;
    try {
      let warned = false;
      while (this.queue.length > 0 && !this.stopping) {
        const session: PtySession = this.session;
        const waitIdle = await this.readyForInput(session);
        if (!this.live(session)) return;
        // Everything queued goes in one hand-off (one turn for the agent, in order), up to the typed-block cap.
        const block = typedBlock(this.queue, session.bracketedPaste());
        const plan: HandOffPlan = {
          confirmBy: this.confirmBy, ...(this.plan ? { idle: this.plan.idle } : {}), watch: this.watch, waitIdle, settleMs: this.options.adapter.enterDelayMs ?? 0, idleTimeoutMs: IDLE_WAIT_MS,
          ...(this.options.adapter.clearInput ? { clearInput: (typed: string) => this.options.adapter.clearInput!(typed) } : {}),
          recorded: (ids) => this.recorded(ids),
          unsubmitted: (attempt, screen) => this.events.unsubmitted(block.envelopes, attempt, screen),
          live: () => this.live(session),
        };
        const result = await handOff(session, block, plan);
        if (!this.live(session)) return;
        if (result.ok) {
          this.queue.splice(0, block.envelopes.length);
          this.markTurnStarted();
          const bytes = Buffer.byteLength(block.text);
          const full = block.envelopes.length - block.notified;
          block.envelopes.forEach((envelope, index) => this.events.delivered(envelope, {
            attempts: result.attempts, via: index < full ? 'terminal' : 'notice', confirmedBy: result.confirmedBy, bytes,
          }));
          continue;
        }
        if (result.reason === 'exited') return;
        if (result.reason === 'timeout-waiting-idle') {
          // A harness whose composer still holds text (an earlier paste left behind) never looks idle: empty it.
          if (this.usesSignals && this.options.adapter.clearInput && session.activity() === 'busy' && !this.watch.awaitingEnd) {
            this.events.unsubmitted([], 0, `composer not empty before typing: ${session.cursorLine().slice(0, 200)}`);
            session.write(this.options.adapter.clearInput(' '.repeat(4000)));
          }
          if (!warned) {
            warned = true;
            this.events.stuck(block.envelopes[0]!, `waiting for the ${this.role} to become idle (cursor line: ${JSON.stringify(session.cursorLine())}, idle pattern: /${this.plan?.idle.pattern.source}/)`, false);
          }
          continue;
        }
        this.events.stuck(block.envelopes[0]!, `the ${this.role} did not submit the message: ${result.detail}`, true);
        return;
      }
    } finally {
      this.delivering = false;
    }
  }

  private tick(): void {
    const session = this.session;
    if (!session || this.stopping) return;
    if (this.usesSignals) this.watch.poll();
    if (this.discoverIds.length > 0) {
      if (Date.now() - this.launchedAt > DISCOVERY_MS) this.discoverIds = [];
      else if (!this.sessionId) this.recorded(this.discoverIds);
    }
    const now = Date.now();
    // A turn whose end the harness never signalled, while nothing is queued: once the screen has looked idle for the
    // watchdog, the signal is missing; say so and go by the screen (else the agent would never be reminded).
    if (this.idle.signalOverdue(this.usesSignals && this.watch.awaitingEnd && !this.delivering, session.activity() === 'idle', now)) {
      this.watch.awaitingEnd = false;
      this.events.activity('unknown');
      this.events.signalMissing();
    }
    const idle = session.activity() === 'idle' && this.queue.length === 0 && !this.delivering && !this.watch.awaitingEnd;
    if (this.idle.idleAfterTurn(idle, idle && this.events.awaitingReply(), now)) this.events.idleAfterTurn();
  }

  /** Relaunch after a crash: on the agent's own session when it can go back to it, else fresh. */
  async restart(onOwnSession: boolean): Promise<void> {
    const resume = onOwnSession && this.sessionId ? this.sessionId : undefined;
    await this.session?.kill(1000);
    await this.launch(resume);
  }

  /** Resolves when the turn the agent is in has ended by its harness's signal (at once without one), or after `timeoutMs`. */
  async turnOver(timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    const over = () => !this.usesSignals || !this.watch.awaitingEnd || !this.session || this.session.activity() === 'exited';
    while (!over() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 100));
  }

  /** Terminate the agent's whole process group. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.ticker);
    await this.attach?.close();
    await this.session?.kill(2000);
  }
}
