import { JournaledIds } from '../bus/journaled-ids.js';
import { isAgentEnvelope, type Envelope, type Role } from '../bus/message.js';
import { Intake } from '../bus/intake.js';
import { errorMessage } from '../errors.js';
import { dropBoxes, watchRecords } from './admission.js';
import { agentLaunchSetup } from './agent-env.js';
import { canResume } from './agent-resume.js';
import { AgentRunner } from './agent-runner.js';
import { describeInput } from './describe-input.js';
import type { DriverCore, DriverDeps, ResumePoint, RunOutcome } from './driver-types.js';
import { EffectJobs } from './effect-jobs.js';
import { finishRun, type FinishResult } from './finish-run.js';
import { approvalOf } from './commit-step.js';
import { advance, type Effect, type Input, type Outgoing, type Step } from './machine.js';
import { proveTree } from './prove-step.js';
import { readPlanFile } from './read-plan.js';
import { relaunchAgent } from './restart-agent.js';
import { restoreReviewedTree } from './review-tree-steps.js';
import { requeueUndelivered, resumedInput } from './resume-steps.js';
import { agentOf, writeLoopShim, type RunContext } from './run-context.js';
import { RunTimers } from './run-timers.js';
import { runnerEvents } from './runner-events.js';
import type { LoopState } from './state.js';
import { takeArrival } from './take-arrival.js';
import { journalTransition } from './transition-record.js';
import { WorkQueue } from './work-queue.js';
import { UsageLedger } from '../usage/usage-ledger.js';
import { accountHarnessUsage, accountReportedUsage, type UsageScope } from './usage-step.js';

export type { DriverDeps, ResumePoint, RunOutcome } from './driver-types.js';

/** After a crash of the driving process is reported, how long an orderly finish may take before the outcome is forced. */
const CRASH_FINISH_MS = 15_000;

/** Drives one run: launches the agents, takes in messages, performs the machine's effects, and finishes. */
export class Driver implements DriverCore {
  state: LoopState;
  seq: number;
  finishing = false;
  readonly timers = new RunTimers();
  readonly journaled: JournaledIds;
  readonly ledger: UsageLedger;
  private readonly work = new WorkQueue((error) => this.failed(error));
  private readonly jobs = new EffectJobs((input) => this.feed(input));
  private readonly runners = new Map<Role, AgentRunner>();
  /** The roles this process has handed a task or review request to (a resumed run must not give them one again). */
  private readonly requested = new Set<Role>();
  private readonly intake: Intake;
  private resolveOutcome!: (outcome: RunOutcome) => void;
  readonly outcome: Promise<RunOutcome> = new Promise((resolve) => (this.resolveOutcome = resolve));

  constructor(readonly ctx: RunContext, state: LoopState, readonly deps: DriverDeps, private readonly resume?: ResumePoint) {
    this.state = state;
    this.seq = resume?.nextSeq ?? 1;
    this.journaled = resume?.journaled ?? new JournaledIds();
    this.ledger = resume?.ledger ?? new UsageLedger();
    const shimDir = writeLoopShim(ctx.ref.dir);
    for (const role of ctx.roles) this.runners.set(role, this.makeRunner(role, shimDir));
    this.intake = new Intake(dropBoxes(ctx.ref.dir, ctx.roles), {
      arrival: (arrival) => this.work.pushAndWait(() => takeArrival(this, arrival)),
      unreadable: (file, error, box) => this.work.pushAndWait(() => {
        this.ctx.journal.append('message.refused', { file, box, reasons: [`unreadable spool file: ${error}`] });
        this.deps.observer({ type: 'warning', text: `unreadable message file ${file}: ${error}` });
      }),
      failed: (error, file) => this.failed(error, file ? `taking in ${file}` : 'watching the drop-boxes'),
    });
  }

  private makeRunner(role: Role, shimDir: string): AgentRunner {
    const { ctx } = this;
    const { env, wrap } = agentLaunchSetup(ctx, role, shimDir);
    return new AgentRunner(
      {
        role, adapter: agentOf(ctx, role), runId: ctx.ref.id, runDir: ctx.ref.dir, cwd: ctx.manifest.cwd, env, ci: ctx.ci, wrap,
        cols: ctx.config.terminal.cols, rows: ctx.config.terminal.rows, recordingBytes: ctx.config.terminal.recordingBytes,
        createSession: this.deps.createSession, idleGraceMs: this.deps.idleGraceMs ?? 5000,
      },
      runnerEvents(this, role, () => this.runner(role), (info) => this.feed({
        type: 'agent-exited', role, exitCode: info.exitCode, onOwnSession: canResume(ctx, role, this.runner(role).sessionId),
      })),
    );
  }

  /** The runner of one of the run's roles. */
  private runner(role: Role): AgentRunner {
    const runner = this.runners.get(role);
    if (!runner) throw new Error(`this run has no ${role}`);
    return runner;
  }

  /** Launch both agents and start (or resume) the loop. Resolves when the run is finished. */
  async run(): Promise<RunOutcome> {
    // The run may end while it is still starting (a replayed message finished it): the outcome decides.
    const started = this.begin().catch((error: unknown) => this.failed(error, 'starting the run'));
    await Promise.race([started, this.outcome]);
    return this.outcome;
  }

  private async begin(): Promise<void> {
    const { ctx, resume } = this;
    if (this.state.finished) return this.finish(this.state.finished); // a resumed run killed while finishing
    if (ctx.isolation.mode === 'sandbox') watchRecords(ctx);
    // Messages for the agents are queued before they start, so a harness that takes its first prompt on the
    // command line gets it there (faster and surer than typing); the rest is typed once the agent is idle.
    if (resume) requeueUndelivered(this, resume, (envelope) => this.deliver(envelope));
    else await this.work.pushAndWait(() => this.apply({ type: 'start' }));
    try {
      for (const role of ctx.roles) {
        const session = resume?.sessions[role] ?? null;
        await this.runner(role).launch(canResume(ctx, role, session) ? session : undefined);
      }
    } catch (error) {
      this.feed({ type: 'infra', reason: `could not start the agents: ${errorMessage(error)}` });
      return;
    }
    if (!resume) return this.intake.start();
    // Agent messages the machine had not consumed go first (in seq order), then what waits in the drop-boxes
    // (start() returns once it is taken in); `resumed` then starts what the state still owes — a worker whose
    // done claim was waiting in its drop-box is not given its task again, and a proof already started by a
    // replayed claim is not started twice (see apply).
    for (const envelope of resume.unconsumed.filter(isAgentEnvelope)) this.feed({ type: 'message', envelope });
    await this.intake.start();
    // Built when it is applied, not now: a replayed claim may meanwhile have been proved and its review request
    // sent, and a reviewer with that request on its way must not be given a second one.
    this.queue(() => this.apply(resumedInput(this, resume, this.requested)));
  }

  /** Stop the run (SIGINT, SIGTERM, `loop stop`): exit 130, resumable. */
  cancel(reason: string): void {
    this.feed({ type: 'cancel', reason });
  }

  /**
   * Last resort for an error nothing else caught (an unhandled rejection in the driving process): finish the
   * run as infra (exit 5) at once, bypassing the queue, which may be the thing that broke. If even that does not
   * end within CRASH_FINISH_MS, the outcome is given anyway (the lock is released).
   */
  crash(reason: string): void {
    this.deps.log.error({ reason }, 'unexpected error in the driving process');
    void this.finish({ exitCode: 5, reason });
    const force = setTimeout(() => {
      this.ctx.lock.release();
      this.ctx.checkoutLock?.release();
      this.resolveOutcome({ exitCode: 5, reason: `${reason}; the run could not be finished in order` });
    }, CRASH_FINISH_MS);
    force.unref();
    void this.outcome.then(() => clearTimeout(force));
  }

  /** A step of the driver failed: the run stops with exit 5 and the reason, never left `running`. */
  private failed(error: unknown, what = 'a driver step'): void {
    this.deps.log.error({ err: error }, `${what} failed`);
    void this.finish({ exitCode: 5, reason: `internal error: ${what} failed: ${errorMessage(error)}` });
  }

  queue(work: () => Promise<void> | void): void {
    void this.work.push(work);
  }

  feed(input: Input): void {
    this.queue(() => this.apply(input));
  }

  takeSeq(): number {
    return this.seq++;
  }

  /** Advance the machine, journal the transition with loop's messages, then perform the effects in order. */
  async apply(input: Input): Promise<void> {
    if (this.finishing) return;
    const before = this.state;
    const step: Step = advance(before, input);
    this.state = step.state;
    const outgoing = step.effects.flatMap((e) => (e.type === 'send' ? [e.message] : []));
    const messages = journalTransition(this, outgoing, describeInput(input), step.state !== before);
    let sent = 0;
    for (const effect of step.effects) {
      if (effect.type === 'send') this.deliver(messages[sent++]!);
      else await this.perform(effect);
    }
  }

  /** Perform one effect of the machine (a `send` is journaled with its transition first, see apply). */
  private async perform(effect: Exclude<Effect, { type: 'send' }>): Promise<void> {
    switch (effect.type) {
      case 'forward':
        return this.deliver(effect.envelope);
      case 'run-proof': {
        if (this.jobs.busy('proof')) return; // one proof at a time: a `resumed` after a replayed done must not start a second
        const { iteration, lastDone, plan } = this.state;
        const planProof = plan?.approved?.proofSection;
        return this.jobs.start('proof', 'the proof could not be run', (signal) => proveTree(this.ctx, iteration, this.deps.observer, signal, lastDone?.treeHash, planProof));
      }
      case 'restore-tree': {
        const { iteration } = this.state;
        const restore = { requestedTree: effect.requestedTree, reviewTree: effect.reviewTree };
        return this.jobs.start('restore', 'the reviewed tree could not be restored', () => restoreReviewedTree(this.ctx, iteration, restore, this.deps.observer));
      }
      case 'start-timer':
        return this.timers.start(effect.timer, effect.ms, () => this.feed(effect.fire));
      case 'cancel-timer':
        return this.timers.cancel(effect.timer);
      case 'relaunch':
        return relaunchAgent(this, this.runner(effect.role), effect);
      case 'read-plan':
        return this.feed({ type: 'plan-read', file: readPlanFile(this.ctx.root) });
      case 'record':
        this.ctx.journal.append(effect.event, effect.fields);
        if (effect.notice) this.deps.observer({ type: 'warning', text: effect.notice });
        return;
      case 'take-usage':
        return this.feed(accountReportedUsage(this.usageScope(), effect.envelope));
      case 'finish':
        return this.finish(effect);
    }
  }

  private usageScope(): UsageScope {
    return { ctx: this.ctx, ledger: this.ledger, observer: this.deps.observer, iteration: this.state.iteration };
  }

  /** The run is ending: the last reads of each harness's usage (what its final turn spent). */
  private sweepUsage(): void {
    for (const [role, runner] of this.runners) accountHarnessUsage(this.usageScope(), role, runner.sessionId, runner.plan?.env ?? this.ctx.env);
  }

  /** Hand a message to its addressee's runner (typed when the agent is ready), unless the run is over. */
  private deliver(envelope: Envelope): void {
    if (this.state.finished || envelope.to === 'loop') return;
    if (envelope.kind === 'task' || envelope.kind === 'review-request') this.requested.add(envelope.to);
    this.runners.get(envelope.to)?.enqueue(envelope);
  }

  send(outgoing: Outgoing[], input: Record<string, unknown>): void {
    for (const envelope of journalTransition(this, outgoing, input, false)) this.deliver(envelope);
  }

  private async finish(result: FinishResult): Promise<void> {
    if (this.finishing) return;
    this.finishing = true;
    let outcome: RunOutcome;
    try {
      outcome = await finishRun({
        ctx: this.ctx, observer: this.deps.observer, log: this.deps.log, intake: this.intake, jobs: this.jobs,
        runners: [...this.runners.values()], timers: this.timers, sweepUsage: () => this.sweepUsage(),
      }, { ...result, approval: approvalOf(this.state) });
    } catch (error) {
      // finishRun guards each of its steps; this is what is left (e.g. the observer threw).
      this.deps.log.error({ err: error }, 'finishing the run failed');
      outcome = { exitCode: 5, reason: `${result.reason}; finishing the run failed: ${errorMessage(error)}` };
    }
    this.resolveOutcome(outcome);
  }
}
