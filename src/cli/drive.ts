import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { destination, pino } from 'pino';
import { isolationStatement } from '../isolation/isolation.js';
import { Driver, type ResumePoint } from '../loop/driver.js';
import { removeRunTemp, sweepLeftoverFiles } from '../loop/leftover-files.js';
import type { Role } from '../bus/message.js';
import type { Observer, RoleSpend } from '../loop/observer.js';
import { agentOf, type RunContext } from '../loop/run-context.js';
import type { LoopState } from '../loop/state.js';
import { errorMessage } from '../errors.js';
import { FILE_MODE } from '../run/fs-atomic.js';
import { panelRoundLine } from '../report/panel-rounds.js';
import { details, planFlag, proofSurfaceFlag } from '../report/summary.js';
import { usageTotals } from '../report/usage-totals.js';
import type { GithubEnv } from '../ci/github/github-env.js';
import { idleGraceMs, isInteractive, useColor } from './env.js';
import { liveStatusObserver } from './render/live-status.js';
import { logLinesObserver } from './render/log-lines.js';
import { selfCommand } from './self-command.js';

const EXIT_WORDS: Record<number, string> = { 0: 'completed', 1: 'not proven', 3: 'stalled', 4: 'budget exhausted', 5: 'could not run', 130: 'stopped' };

/** Drive a prepared run to its end in this process, with a live screen or log lines; returns the exit code. */
export async function drive(
  prepared: { context: RunContext; state: LoopState; resume?: ResumePoint },
  options: { ci: boolean; github?: GithubEnv; json?: boolean },
): Promise<number> {
  const { context } = prepared;
  // With --json, stdout carries the one result object and nothing else: everything else goes to stderr.
  const out = (text: string) => (options.json ? process.stderr : process.stdout).write(text);
  const plain = options.ci || options.json || Boolean(options.github) || !isInteractive();
  let observer: Observer = plain ? logLinesObserver(out) : liveStatusObserver(out, useColor(), process.stdout.columns || 100);
  const githubLog = options.github ? (await import('../ci/github/log-groups.js')).githubLog(observer, out) : undefined;
  if (githubLog) observer = githubLog.observer;
  githubLog?.start(prepared.state);
  const logFile = join(context.ref.dir, 'loop.log');
  appendFileSync(logFile, '', { mode: FILE_MODE });
  context.journal.onTamper = (event) => observer({
    type: 'warning',
    text: `refused a change to ${event.file} that loop did not make (${event.reason})${event.savedTo ? `; saved to ${event.savedTo}` : ''}`,
  });
  const log = pino({ level: 'debug', base: { run: context.ref.id } }, destination({ dest: logFile, sync: true }));
  const swept = sweepLeftoverFiles(context.ref.dir);
  if (swept.length > 0) log.info({ swept }, 'removed what killed loop processes left in the temp folder');
  const { createPtySession } = await import('../pty/session.js');
  const { killAllSessions, killAllSessionsNow } = await import('../pty/process-tree.js');
  // Whatever ends this process (a crash included), its agents go with it: some TUIs survive the PTY hangup.
  process.once('exit', killAllSessionsNow);
  process.once('exit', () => removeRunTemp(context.ref.dir)); // a forced exit too leaves nothing in the run's scratch folder

  const driver = new Driver(prepared.context, prepared.state, { createSession: createPtySession, observer, log, idleGraceMs: idleGraceMs() }, prepared.resume);
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals === 1) {
      driver.cancel(`cancelled by ${signal}`);
      return;
    }
    process.stderr.write('loop: forced exit; agents killed. The run stays resumable.\n');
    void killAllSessions(500).finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  // Last resort: an error nothing else caught (a floating promise anywhere in this process) finishes the run as
  // infra (exit 5), journaled, with the lock released, instead of killing the process and leaving it `running`.
  const onCrash = (error: unknown) => {
    log.error({ err: error }, 'unexpected error');
    process.stderr.write(`loop: unexpected error (a bug; please report it with ${logFile}): ${errorMessage(error)}\n`);
    driver.crash(`internal error: ${errorMessage(error)}; see ${logFile}`);
  };
  process.on('unhandledRejection', onCrash);
  process.on('uncaughtException', onCrash);

  observer({
    type: 'started', runId: context.ref.id, runDir: context.ref.dir, resumed: Boolean(prepared.resume),
    agents: context.roles.map((role) => ({ role, name: agentOf(context, role).card.name })),
    ...(prepared.resume ? { spentBefore: spentByRole(context) } : {}),
  });
  const statement = isolationStatement(context.isolation);
  if (context.isolation.mode === 'sandbox') observer({ type: 'info', text: `isolation: ${statement.summary}` });
  else observer({ type: 'warning', text: `isolation: ${statement.summary}. Not protected: ${statement.exposes.join('; ')}` });
  if (context.manifest.proof.length === 0) observer({ type: 'warning', text: 'no proof commands configured (--proof or "proof" in .loop.json): approval alone will complete the run' });
  const outcome = await driver.run();
  githubLog?.end();
  removeRunTemp(context.ref.dir);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  process.off('SIGHUP', onSignal);
  process.off('unhandledRejection', onCrash);
  process.off('uncaughtException', onCrash);
  log.flush();

  const word = EXIT_WORDS[outcome.exitCode] ?? 'finished';
  out(`loop: ${word} (exit ${outcome.exitCode}): ${outcome.reason}\n`);
  // A panel's rounds: who approved, and which findings several reviewers agreed on, per iteration.
  if (context.roles.length > 2) for (const round of details(context.ref).panel) out(`loop: ${panelRoundLine(round)}\n`);
  const surface = proofSurfaceFlag(context.manifest.proofSurface);
  if (surface) out(`loop: ${surface}\n`);
  const plan = context.manifest.plan;
  if (plan) out(`loop: plan ${plan.done}/${plan.total} items checked${planFlag(context.manifest.status, plan) ? ` — ${planFlag(context.manifest.status, plan)}` : ''}\n`);
  out(`loop: run ${context.ref.id} stored in ${context.ref.dir}\n`);
  // The hint names a command that works here (`loop`, `npx proofloop`, or `node …/bin/loop.js`).
  const self = selfCommand();
  if (outcome.exitCode === 130) out(`loop: continue it with: ${self} resume ${context.ref.id}\n`);
  else out(`loop: details: ${self} show ${context.ref.id}\n`);
  await reportResult(context, options, out);
  return outcome.exitCode;
}

/** The run's end for machines: GitHub's summary, annotations, outputs and bundle; with --json, the result object on stdout. */
async function reportResult(context: RunContext, options: { github?: GithubEnv; json?: boolean }, out: (text: string) => void): Promise<void> {
  if (!options.github && !options.json) return;
  const record = options.github
    ? await (await import('../ci/github/run-end.js')).githubRunEnd(context.ref, options.github, context.home, out)
    : (await import('../report/run-result.js')).runResult(context.ref);
  if ('bundle' in record && record.bundle) out(`loop: bundle ${record.bundle}\n`);
  if (options.json) process.stdout.write(`${JSON.stringify(record)}\n`);
}

/** What each role spent before this process (a resumed run), from the journal's usage lines. */
function spentByRole(context: RunContext): Partial<Record<Role, RoleSpend>> {
  const { byRole } = usageTotals(details(context.ref).events);
  return Object.fromEntries(
    Object.entries(byRole).map(([role, total]) => [role, { tokens: total!.tokens, costUsd: total!.costUsd, unknown: total!.costUnknown }]),
  );
}
