import type { Logger } from 'pino';
import { seal } from '../bus/seal.js';
import type { Envelope, Role, Submission } from '../bus/message.js';
import { Intake, type Arrival } from '../bus/intake.js';
import type { Refusal } from '../bus/spool.js';
import { admit, dropBoxes, watchRecords } from './admission.js';
import { agentLaunchSetup } from './agent-env.js';
import { runnerRecords } from './runner-records.js';
import { newMessageId } from '../run/ids.js';
import { treeHash } from '../proof/tree-hash.js';
import { runTempDir } from '../run/owned-temp.js';
import { proveTree } from './prove-step.js';
import { recordRequestedTree, restoreReviewedTree } from './review-tree-steps.js';
import { manifestView } from './manifest-view.js';
import { RunTimers } from './run-timers.js';
import type { AgentActivity, IdleRule, PtySession, PtySpawnSpec } from '../pty/types.js';
import { AgentRunner } from './agent-runner.js';
import { advance, type Input, type Outgoing } from './machine.js';
import type { Observer } from './observer.js';
import { saveManifest, writeLoopShim, type RunContext } from './run-context.js';
import type { LoopState } from './state.js';
import { describeInput } from './describe-input.js';

/** How often a crashed agent is relaunched before the run stops with exit 5. */
const MAX_RESTARTS = 2;
/** With --ci, how long an agent may sit in a dialog before the run stops with exit 5. */
const DIALOG_TIMEOUT_MS = 120_000;

export interface DriverDeps {
  createSession: (spec: PtySpawnSpec, idle: IdleRule) => Promise<PtySession>;
  observer: Observer;
  log: Logger;
  idleGraceMs?: number;
}

/** How a resumed run picks up where the journal left off. */
export interface ResumePoint {
  undelivered: Envelope[];
  unconsumed: Envelope[];
  sessions: Record<Role, string | null>;
  nextSeq: number;
}

export interface RunOutcome {
  exitCode: number;
  reason: string;
}

/** Drives one run: launches the agents, takes in messages, performs the machine's effects, and finishes. */
export class Driver {
  private state: LoopState;
  private chain: Promise<void> = Promise.resolve();
  private runners: Record<Role, AgentRunner>;
  private intake: Intake;
  private seq: number;
  private restarts: Record<Role, number> = { worker: 0, reviewer: 0 };
  private timers = new RunTimers();
  private finishing = false;
  private resolveOutcome!: (outcome: RunOutcome) => void;
  readonly outcome: Promise<RunOutcome> = new Promise((resolve) => (this.resolveOutcome = resolve));

  constructor(private readonly ctx: RunContext, state: LoopState, private readonly deps: DriverDeps, private readonly resume?: ResumePoint) {
    this.state = state;
    this.seq = resume?.nextSeq ?? 1;
    const shimDir = writeLoopShim(ctx.ref.dir);
    this.runners = { worker: this.makeRunner('worker', shimDir), reviewer: this.makeRunner('reviewer', shimDir) };
    this.intake = new Intake(dropBoxes(ctx.ref.dir), {
      arrival: (arrival) => this.enqueueWork(() => this.takeArrival(arrival)),
      unreadable: (file, error, box) => this.enqueueWork(async () => {
        this.ctx.journal.append('message.refused', { file, box, reasons: [`unreadable spool file: ${error}`] });
        this.deps.observer({ type: 'warning', text: `unreadable message file ${file}: ${error}` });
      }),
    });
  }

  /** A record from a drop-box: its role is established from where it came (see isolation/provenance.ts). */
  private async takeArrival(arrival: Arrival): Promise<void> {
    const admitted = admit(this.ctx, arrival);
    if (admitted.type === 'forged') {
      this.deps.observer({ type: 'warning', text: `refused a forged message: ${admitted.reason}` });
      if (admitted.tell) await this.send([admitted.tell], { type: 'forgery', id: admitted.id }, false);
      return;
    }
    if (admitted.type === 'refusal') return this.takeRefusal(admitted.refusal);
    return this.takeSubmission(admitted.submission);
  }

  private makeRunner(role: Role, shimDir: string): AgentRunner {
    const { ctx } = this;
    const { env, wrap } = agentLaunchSetup(ctx, role, shimDir);
    return new AgentRunner(
      {
        role, adapter: ctx.agents[role], runId: ctx.ref.id, runDir: ctx.ref.dir, cwd: ctx.manifest.cwd, env, ci: ctx.ci, wrap,
        cols: ctx.config.terminal.cols, rows: ctx.config.terminal.rows, recordingBytes: ctx.config.terminal.recordingBytes,
        createSession: this.deps.createSession, idleGraceMs: this.deps.idleGraceMs ?? 5000,
      },
      {
        ...runnerRecords(ctx, role, this.deps.observer, () => this.runners[role]),
        activity: (activity) => this.onActivity(role, activity),
        delivered: (envelope, info) => {
          ctx.journal.append('message.delivered', { id: envelope.id, to: role, ...info });
          this.deps.observer({ type: 'message', envelope, delivered: true });
          if (envelope.kind === 'task' || envelope.kind === 'review-request') this.timers.startTurn(role, ctx.config.turnTimeoutMinutes * 60_000, () => this.feed({ type: 'timeout', what: 'turn', role, minutes: ctx.config.turnTimeoutMinutes }));
          if (envelope.kind === 'review-request') {
            const requested = recordRequestedTree(ctx, envelope); // hashed now: the reviewer may start editing at once
            void this.enqueueWork(async () => this.apply(await requested)); // queued now: ahead of the review that answers it
          }
        },
        stuck: (envelope, detail, final) => {
          ctx.journal.append('message.stuck', { id: envelope.id, to: role, detail, final });
          this.deps.observer({ type: 'warning', text: detail });
          if (final) this.feed({ type: 'infra', reason: `could not deliver ${envelope.kind} ${envelope.id} to the ${role}: ${detail}` });
        },
        exited: (info) => {
          ctx.journal.append('agent.exited', { role, exitCode: info.exitCode, signal: info.signal });
          void this.enqueueWork(() => this.onAgentExit(role, info.exitCode));
        },
        idleAfterTurn: () => this.feed({ type: 'idle-without-reply', role }),
        fault: (error) => this.feed({ type: 'infra', reason: `the ${role}'s runner failed: ${(error as Error)?.message ?? String(error)}` }),
        awaitingReply: () => (role === 'worker' ? this.state.phase === 'working' : this.state.phase === 'reviewing'),
      },
    );
  }

  /** Track an agent's activity; a dialog only a human can answer is reported (and, with --ci, fails the run). */
  private onActivity(role: Role, activity: AgentActivity): void {
    this.deps.observer({ type: 'agent', role, activity });
    this.timers.clearDialog(role);
    if (activity !== 'needs-input') return;
    const line = this.runners[role].session?.screenText().split('\n').filter((l) => l.trim()).slice(-8).join(' | ').slice(0, 300) ?? '';
    this.ctx.journal.append('agent.state', { role, state: 'needs-input', screen: line });
    this.deps.observer({ type: 'warning', text: `the ${role} is waiting for a human (a dialog): loop attach ${this.ctx.ref.id} ${role}` });
    if (!this.ctx.ci) return;
    this.timers.startDialog(role, DIALOG_TIMEOUT_MS, () => this.feed({
      type: 'infra',
      reason: `the ${role} is blocked on a dialog loop cannot answer (${line}); allow it in the harness's settings, or run without --ci and answer it with loop attach`,
    }));
  }

  /** Can this agent go back to its own session (the harness resumes, and has saved that session)? */
  private canResume(role: Role, sessionId: string | null): boolean {
    const adapter = this.ctx.agents[role];
    if (!adapter.card.resume || !sessionId) return false;
    return adapter.hasSession?.(sessionId, { cwd: this.ctx.manifest.cwd, env: this.ctx.env }) ?? true;
  }

  /** An agent exited on its own: relaunch it (on its own session when it can resume), a bounded number of times. */
  private async onAgentExit(role: Role, exitCode: number | null): Promise<void> {
    if (this.finishing) return;
    const restarts = this.restarts[role];
    if (restarts >= MAX_RESTARTS) return this.apply({ type: 'agent-exited', role, exitCode, restarts });
    this.restarts[role] = restarts + 1;
    const runner = this.runners[role];
    const resumable = this.canResume(role, runner.sessionId);
    this.ctx.journal.append('agent.restarting', { role, exitCode, attempt: restarts + 1, resumeSessionId: resumable ? runner.sessionId : null });
    this.deps.observer({ type: 'warning', text: `the ${role} exited (${exitCode === null ? 'signal' : `exit code ${exitCode}`}); restarting it${resumable ? ` on its session ${runner.sessionId}` : ''} (${restarts + 1}/${MAX_RESTARTS})` });
    try {
      await runner.restart(resumable);
    } catch (error) {
      return this.apply({ type: 'infra', reason: `could not restart the ${role}: ${(error as Error).message}` });
    }
    await this.apply({ type: 'agent-restarted', role, reissue: !resumable });
  }

  /** Launch both agents and start (or resume) the loop. Resolves when the run is finished. */
  async run(): Promise<RunOutcome> {
    const { ctx } = this;
    const minutes = ctx.config.maxMinutes;
    if (ctx.isolation.mode === 'sandbox') watchRecords(ctx);
    this.timers.startWall(minutes * 60_000, () => this.feed({ type: 'timeout', what: 'wall-clock', minutes }));
    // Messages for the agents are queued before they start, so a harness that takes its first prompt on the
    // command line gets it there (faster and surer than typing); the rest is typed once the agent is idle.
    if (this.resume) {
      for (const envelope of this.resume.undelivered) this.runners[envelope.to as Role].enqueue(envelope);
    } else {
      await this.apply({ type: 'start' });
    }
    try {
      for (const role of ['worker', 'reviewer'] as const) {
        const session = this.resume?.sessions[role] ?? null;
        await this.runners[role].launch(this.canResume(role, session) ? session! : undefined);
      }
    } catch (error) {
      this.feed({ type: 'infra', reason: `could not start the agents: ${(error as Error).message}` });
      return this.outcome;
    }
    await this.intake.start();
    if (this.resume) {
      for (const envelope of this.resume.unconsumed) this.feed({ type: 'message', envelope });
      const pending = (role: Role) => this.resume!.undelivered.some((e) => e.to === role);
      const reissue = (role: Role) => !this.canResume(role, this.resume!.sessions[role]) && !pending(role);
      this.feed({ type: 'resumed', reissue: { worker: reissue('worker'), reviewer: reissue('reviewer') } });
    }
    return this.outcome;
  }

  /** Stop the run (SIGINT, SIGTERM, `loop stop`): exit 130, resumable. */
  cancel(reason: string): void {
    this.feed({ type: 'cancel', reason });
  }

  private enqueueWork(work: () => Promise<void>): Promise<void> {
    const next = this.chain.then(work).catch((error: unknown) => {
      this.deps.log.error({ err: error }, 'driver step failed');
      this.finish({ exitCode: 5, reason: `internal error: ${(error as Error).message}` });
    });
    this.chain = next;
    return next;
  }

  private feed(input: Input): void {
    void this.enqueueWork(async () => this.apply(input));
  }

  private async takeSubmission(submission: Submission): Promise<void> {
    const { ctx } = this;
    if (this.finishing) return;
    const sealed = await seal(submission, {
      runId: ctx.ref.id, seq: this.seq, iteration: this.state.iteration, limits: ctx.config.limits, treeHash: () => treeHash(ctx.root, runTempDir(ctx.ref.dir)),
    });
    if (!sealed.ok) return this.refuse(submission, sealed.reasons);
    const { envelope } = sealed;
    this.seq++;
    ctx.journal.append('message', { envelope });
    this.deps.observer({ type: 'message', envelope, delivered: false });
    if ((envelope.kind === 'done' && envelope.from === 'worker') || (envelope.kind === 'review' && envelope.from === 'reviewer')) {
      this.timers.clearTurn(envelope.from);
    }
    await this.apply({ type: 'message', envelope });
  }

  private async refuse(submission: Submission, reasons: string[]): Promise<void> {
    this.ctx.journal.append('message.refused', { id: submission.id, from: submission.from, kind: submission.kind, reasons, via: submission.via });
    this.deps.observer({ type: 'refused', from: submission.from, kind: submission.kind, reasons });
    const nack: Outgoing = { to: submission.from, kind: 'nack', payload: { reason: `message ${submission.id} refused`, errors: reasons }, replyTo: submission.id };
    await this.send([nack], { type: 'refusal', id: submission.id }, false);
  }

  private takeRefusal(refusal: Refusal): void {
    this.ctx.journal.append('message.refused', { ...refusal, reportedToSender: true });
    this.deps.observer({ type: 'refused', from: refusal.from, kind: refusal.kind, reasons: refusal.reasons });
  }

  /** Advance the machine and perform its effects. */
  private async apply(input: Input): Promise<void> {
    if (this.finishing) return;
    const step = advance(this.state, input);
    this.state = step.state;
    await this.send(step.send, describeInput(input), true);
    if (step.forward && input.type === 'message') this.runners[input.envelope.to as Role]?.enqueue(input.envelope);
    if (step.runProof) this.background(proveTree(this.ctx, this.state.iteration, this.deps.observer), 'the proof could not be run');
    if (step.restoreTree) this.background(restoreReviewedTree(this.ctx, this.state.iteration, step.restoreTree, this.deps.observer), 'the reviewed tree could not be restored');
    if (step.state.finished) await this.finish(step.state.finished);
  }

  /** Journal a transition with loop's outgoing envelopes (one atomic line), then deliver them. */
  private async send(outgoing: Outgoing[], input: Record<string, unknown>, withState: boolean): Promise<void> {
    const { ctx } = this;
    const messages: Envelope[] = outgoing.map((o) => ({
      id: newMessageId(), runId: ctx.ref.id, seq: this.seq++, from: 'loop', to: o.to, kind: o.kind,
      iteration: this.state.iteration, at: new Date().toISOString(), payload: o.payload, ...(o.replyTo ? { replyTo: o.replyTo } : {}),
    }));
    if (withState || messages.length > 0) ctx.journal.append('transition', { input, state: this.state, messages });
    if (withState) {
      saveManifest(ctx, manifestView(this.state));
      this.deps.observer({ type: 'state', state: this.state });
    }
    for (const envelope of messages) {
      this.deps.observer({ type: 'message', envelope, delivered: false });
      if (!this.state.finished) this.runners[envelope.to as Role].enqueue(envelope);
    }
  }

  /** Feed the machine the outcome of an effect performed off the queue (proof, restore); a failure stops the run (exit 5). */
  private background(job: Promise<Input>, failure: string): void {
    void job.then(
      (input) => (this.finishing ? undefined : this.feed(input)),
      (error: unknown) => this.feed({ type: 'infra', reason: `${failure}: ${(error as Error).message}` }),
    );
  }

  private async finish(result: { exitCode: number; reason: string; status?: string }): Promise<void> {
    if (this.finishing) return;
    this.finishing = true;
    const { ctx } = this;
    this.timers.clearAll();
    await this.intake.close();
    ctx.mirrors?.close();
    await Promise.all([this.runners.worker.stop(), this.runners.reviewer.stop()]);
    const status = result.status ?? (result.exitCode === 0 ? 'completed' : result.exitCode === 130 ? 'stopped' : 'failed');
    ctx.journal.append('run.finished', { exitCode: result.exitCode, reason: result.reason, status });
    saveManifest(ctx, {
      status: status as 'completed' | 'failed' | 'stopped',
      phase: 'finished',
      result: { exitCode: result.exitCode, reason: result.reason },
    });
    ctx.lock.release();
    ctx.journal.close();
    this.deps.observer({ type: 'finished', exitCode: result.exitCode, reason: result.reason, runDir: ctx.ref.dir });
    this.resolveOutcome({ exitCode: result.exitCode, reason: result.reason });
  }
}

