import { join } from 'node:path';
import type { AgentAdapter, LaunchPlan } from '../agents/card.js';
import type { Envelope, Role } from '../bus/message.js';
import { renderBlocks, renderLines } from '../bus/render.js';
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
}

export interface AgentRunnerEvents {
  started(plan: LaunchPlan, pid: number): void;
  activity(activity: AgentActivity): void;
  delivered(envelope: Envelope, attempts: number): void;
  /** A delivery could not be made (the agent never became idle, or Enter was not taken). */
  stuck(envelope: Envelope, detail: string, final: boolean): void;
  exited(info: ExitInfo): void;
  /** The agent finished a turn and sat idle for idleGraceMs while loop awaits its reply. */
  idleAfterTurn(): void;
  /** Is loop waiting for a reply from this agent right now? */
  awaitingReply(): boolean;
}

const IDLE_WAIT_MS = 30_000;
const MAX_NOT_SUBMITTED = 3;

/** One agent in its terminal: launch, ordered delivery when idle, and turn tracking. */
export class AgentRunner {
  session?: PtySession;
  plan?: LaunchPlan;
  private queue: Envelope[] = [];
  private delivering = false;
  private stopping = false;
  private idleSince = 0;
  private turnPending = false;
  private ticker?: NodeJS.Timeout;

  constructor(private readonly options: AgentRunnerOptions, private readonly events: AgentRunnerEvents) {}

  get role(): Role {
    return this.options.role;
  }

  /** Start the agent (on its own earlier session when `resumeSessionId` is given). */
  async launch(resumeSessionId?: string): Promise<void> {
    const o = this.options;
    const plan = await o.adapter.plan({ role: o.role, runId: o.runId, runDir: o.runDir, cwd: o.cwd, env: o.env, ci: o.ci, resumeSessionId });
    this.plan = plan;
    const session = await o.createSession(
      {
        command: plan.command,
        args: plan.args,
        cwd: o.cwd,
        env: plan.env,
        cols: o.cols,
        rows: o.rows,
        recordPath: join(o.runDir, `${o.role}.cast`),
        recordMaxBytes: o.recordingBytes,
      },
      plan.idle,
    );
    this.session = session;
    session.onActivity((activity) => {
      if (!this.stopping) this.events.activity(activity);
    });
    void session.exited.then((info) => {
      if (!this.stopping) this.events.exited(info);
    });
    this.events.started(plan, session.pid);
    this.ticker = setInterval(() => this.tick(), 250);
    this.ticker.unref();
  }

  /** Queue a message for delivery; it is typed only when the agent is idle. */
  enqueue(envelope: Envelope): void {
    this.queue.push(envelope);
    // Start on the next tick, so that messages queued together are delivered together.
    setImmediate(() => void this.pump());
  }

  private async pump(): Promise<void> {
    if (this.delivering || !this.session) return;
    this.delivering = true;
    try {
      let notSubmitted = 0;
      let warned = false;
      while (this.queue.length > 0 && !this.stopping) {
        // Everything queued goes in one delivery: one turn for the agent, in order.
        const batch = [...this.queue];
        const session = this.session;
        const text = session.bracketedPaste() ? renderBlocks(batch) : renderLines(batch);
        const result = await session.deliver(text, { idleTimeoutMs: IDLE_WAIT_MS });
        if (this.stopping) return;
        if (result.ok) {
          this.queue.splice(0, batch.length);
          notSubmitted = 0;
          this.turnPending = true;
          this.idleSince = 0;
          for (const envelope of batch) this.events.delivered(envelope, result.attempts);
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

  private tick(): void {
    const session = this.session;
    if (!session || this.stopping || !this.turnPending) return;
    const idle = session.activity() === 'idle' && this.queue.length === 0 && !this.delivering;
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

  /** Terminate the agent's whole process group. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.ticker) clearInterval(this.ticker);
    await this.session?.kill(2000);
  }
}
