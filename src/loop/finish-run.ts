import type { Logger } from 'pino';
import type { Intake } from '../bus/intake.js';
import { errorMessage, ExitCode } from '../errors.js';
import type { AgentRunner } from './agent-runner.js';
import type { RunOutcome } from './driver-types.js';
import type { EffectJobs } from './effect-jobs.js';
import type { Observer } from './observer.js';
import { statusOfExit } from '../run/manifest.js';
import { saveManifest, type RunContext } from './run-context.js';
import type { RunTimers } from './run-timers.js';
import { commitStep, type Approval } from './commit-step.js';

/** What a finishing run stops and closes. */
export interface FinishParts {
  ctx: RunContext;
  observer: Observer;
  log: Logger;
  intake: Intake;
  jobs: EffectJobs;
  runners: AgentRunner[];
  timers: RunTimers;
  /** Read each harness's usage one last time (journaled before the end). */
  sweepUsage?: () => void;
}

/** A completed run waits this long for an agent still in its turn (its last reply after its verdict), so that turn's usage is counted. */
export const USAGE_SETTLE_MS = 15_000;

export interface FinishResult {
  exitCode: number;
  reason: string;
  /** A completed run: the approved tree and who approved it (what its commit is made of). */
  approval?: Approval;
}

/**
 * End a run: stop taking messages, cancel a running proof and wait for it, stop the agents, journal
 * `run.finished`, write the final manifest, release the lock. Each step runs even when one before it failed;
 * the failures are journaled with the end, and when the end itself cannot be journaled the outcome is exit 5.
 */
export async function finishRun(parts: FinishParts, result: FinishResult): Promise<RunOutcome> {
  const { ctx, log } = parts;
  const problems: string[] = [];
  const attempt = async (what: string, step: () => unknown): Promise<boolean> => {
    try {
      await step();
      return true;
    } catch (error) {
      log.error({ err: error }, `finishing the run: ${what} failed`);
      problems.push(`${what}: ${errorMessage(error)}`);
      return false;
    }
  };
  parts.timers.cancelAll();
  await attempt('closing the intake', () => parts.intake.close());
  // A completed run lets an agent finish the turn it is in (it already gave its verdict or claim), then counts what
  // it spent. Any other end stops at once: a budget stop must not spend more, a cancel must be quick.
  if (result.exitCode === ExitCode.completed) await Promise.all(parts.runners.map((runner) => attempt(`waiting for the ${runner.role}'s turn to end`, () => runner.turnOver(USAGE_SETTLE_MS))));
  if (parts.sweepUsage) await attempt('reading the agents\' usage', parts.sweepUsage);
  await Promise.all([
    attempt('cancelling the proof', () => parts.jobs.cancelAll()),
    attempt('closing the record mirrors', () => ctx.mirrors?.close()),
    ...parts.runners.map((runner) => attempt(`stopping the ${runner.role}`, () => runner.stop())),
  ]);
  const status = statusOfExit(result.exitCode);
  // A completed worktree run (or in-place run with --commit): the approved tree becomes a commit on its branch.
  if (result.exitCode === ExitCode.completed && !(await attempt('committing the approved tree', () => commitStep(ctx, result.approval)))) {
    parts.observer({ type: 'warning', text: `the approved tree was not committed: ${problems.at(-1)}` });
  }
  let outcome: RunOutcome = { exitCode: result.exitCode, reason: result.reason };
  const journaled = await attempt('journaling the end', () => ctx.journal.append('run.finished', {
    exitCode: result.exitCode, reason: result.reason, status, ...(problems.length > 0 ? { problems } : {}),
  }));
  if (!journaled) outcome = { exitCode: ExitCode.couldNotRun, reason: `${result.reason}; then the end could not be journaled (${problems.at(-1)})` };
  await attempt('writing the manifest', () => saveManifest(ctx, {
    status: journaled ? status : 'failed',
    phase: 'finished',
    result: outcome,
  }));
  await attempt('releasing the lock', () => ctx.lock.release());
  await attempt('releasing the checkout', () => ctx.checkoutLock?.release());
  await attempt('closing the journal', () => ctx.journal.close());
  parts.observer({ type: 'finished', exitCode: outcome.exitCode, reason: outcome.reason, runDir: ctx.ref.dir });
  return outcome;
}
