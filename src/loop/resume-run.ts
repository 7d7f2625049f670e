import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CheckoutLock } from '../run/checkout-lock.js';
import { deliveredIds, envelopesOf } from '../bus/envelopes.js';
import { JournaledIds } from '../bus/journaled-ids.js';
import { isReviewer, isRole, rolesIn, type Role } from '../bus/message.js';
import { LoopError, ExitCode } from '../errors.js';
import { readChain } from '../run/chain.js';
import { Journal, readJournal, type JournalEvent } from '../run/journal.js';
import { RunLock } from '../run/lock.js';
import { readManifest, type Manifest } from '../run/manifest.js';
import { ManifestWriter } from '../run/manifest-writer.js';
import { RunStore } from '../run/store.js';
import type { ResumePoint } from './driver-types.js';
import { endLeftoverAgents } from './leftover-agents.js';
import { requireJournal } from './require-journal.js';
import { runAgents } from './run-agents.js';
import type { RunContext } from './run-context.js';
import { prepareAgentAreas } from '../isolation/agent-area.js';
import { resolveIsolation, type IsolationSetting } from '../isolation/isolation.js';
import { loadRoleKeys } from '../isolation/role-keys.js';
import { frozenConfig, journaledStates, runStart } from './resume-records.js';
import { budgetOf, initialState, settingsOf, type LoopState } from './state.js';
import { usageEvents } from '../usage/usage-event.js';
import { spentOf, UsageLedger } from '../usage/usage-ledger.js';
import { refuseExhaustedBudget } from './resume-budget.js';

export interface ResumeOptions {
  query: string;
  home: string;
  env: Record<string, string>;
  ci: boolean;
  /** Raise the iteration cap of the resumed run. */
  maxIterations?: number;
  /** Override the run's isolation setting. */
  isolation?: IsolationSetting;
  /** Raise (or set) the run's budgets (`--max-cost`, `--max-tokens`). */
  maxCostUsd?: number;
  maxTokens?: number;
}

/** Re-open a run whose driving process died or was stopped, and work out where to pick up. */
export async function resumeRun(options: ResumeOptions): Promise<{ context: RunContext; state: LoopState; resume?: ResumePoint }> {
  const ref = new RunStore(options.home).resolve(options.query);
  const journalPath = join(ref.dir, 'events.jsonl');
  requireJournal(ref.id, journalPath);
  // Nothing is touched (not even the lock) before the journal's hash chain is known to be whole.
  const chain = readChain(journalPath);
  if (!chain.ok) {
    throw new LoopError('chain-broken', `${journalPath}:${chain.brokenAt}: journal chain broken (${chain.reason}); not resumed — nothing was changed; see: loop verify ${ref.id}`, {
      exitCode: ExitCode.usage,
    });
  }
  const manifest = readManifest(ref.dir);
  if (manifest.status === 'completed') {
    throw new LoopError('finished', `run ${ref.id} has already finished (completed: ${manifest.result?.reason ?? 'no reason recorded'})`, {
      exitCode: ExitCode.usage,
      hint: 'start a new run with: loop run "…"',
    });
  }
  if (manifest.status === 'failed' && manifest.result?.exitCode === ExitCode.notProven && !options.maxIterations) {
    throw new LoopError('finished', `run ${ref.id} stopped at its iteration cap (${manifest.result.reason})`, {
      exitCode: ExitCode.usage,
      hint: `allow more iterations: loop resume ${ref.id} --max-iterations ${manifest.maxIterations + 2}`,
    });
  }
  const config = frozenConfig(manifest, ref.dir);
  if (options.maxIterations) config.maxIterations = options.maxIterations;
  const frozenBudget = manifest.budget ?? budgetOf(config) ?? {};
  refuseExhaustedBudget(ref.id, manifest, options);
  const budget = budgetOf({ maxCostUsd: options.maxCostUsd ?? frozenBudget.maxCostUsd, maxTokens: options.maxTokens ?? frozenBudget.maxTokens });
  const isolation = await resolveIsolation(options.isolation ?? config.isolation, options.env.PATH);
  const lock = RunLock.acquire(ref.dir, ref.id);
  const { events } = readJournal(journalPath);
  completedBehindManifest(ref, manifest, events, journalPath, lock);
  let started: ReturnType<typeof runStart>;
  let transitions: ReturnType<typeof journaledStates>;
  try {
    started = runStart(events, ref.dir, ref.id);
    transitions = journaledStates(events, ref.dir, ref.id);
  } catch (error) {
    lock.release(); // nothing was changed: the lock goes too
    throw error;
  }
  let checkoutLock: CheckoutLock;
  try {
    checkoutLock = takeResumedCheckout(manifest, started.root, options.home, ref.id);
  } catch (error) {
    lock.release();
    throw error;
  }
  const lastLive = [...transitions].reverse().find((t) => !t.state.finished);
  // Killed while finishing: the machine's last transition decided the end, but `run.finished` is missing. The
  // decision stands (replaying the message that made it would apply it twice): the resumed run only finishes.
  const last = transitions.at(-1);
  const interruptedEnd = last?.state.finished && !events.some((e) => e.type === 'run.finished' && e.seq > last.seq);
  const settings = settingsOf(config, options.ci);
  const roles = rolesIn(manifest.roles);
  let state = (interruptedEnd ? last.state : lastLive?.state) ?? initialState({
    task: manifest.task, proof: manifest.proof, maxIterations: config.maxIterations, maxMessages: config.maxMessages, settings,
    reviewers: roles.filter(isReviewer), panel: config.panel,
    plan: { mode: started.plan, maxRounds: config.maxPlanRounds, ...(started.givenPlan !== undefined ? { given: started.givenPlan } : {}) },
  });
  const raised = JSON.stringify(budget ?? {}) !== JSON.stringify(frozenBudget);
  // What was spent is what the journal's usage lines say (the state of the transition that stopped the run may not count the turn that did).
  const usage = usageEvents(events);
  state = {
    ...state, maxIterations: config.maxIterations, reviewerMayEdit: config.reviewerMayEdit, settings, budget, spent: spentOf(usage),
    ...(raised ? { budgetWarned: [] } : {}),
  };

  const envelopes = envelopesOf(events);
  const delivered = deliveredIds(events);
  const forRole = (e: { to: string }) => isRole(e.to);
  const undelivered = envelopes.filter((e) => forRole(e) && !delivered.has(e.id) && (e.from === 'loop' || e.seq <= state.lastInputSeq));
  const unconsumed = envelopes.filter((e) => e.from !== 'loop' && e.seq > state.lastInputSeq);
  const sessions: Partial<Record<Role, string | null>> = Object.fromEntries(roles.map((role) => [role, manifest.roles[role]?.sessionId ?? null]));

  const ended = await endLeftoverAgents(events, ref.id);
  const journal = Journal.open(journalPath);
  prepareAgentAreas(ref.dir, roles);
  const keys = loadRoleKeys(ref.dir, roles);
  if (ended.length > 0) journal.append('agent.leftovers-ended', { pids: ended });
  journal.append('run.isolation', { ...isolation });
  if (raised) journal.append('budget.changed', { from: frozenBudget, to: budget ?? {}, spent: state.spent });
  journal.append('run.resumed', { pid: process.pid, fromPhase: state.phase, iteration: state.iteration, undelivered: undelivered.map((e) => e.id) });
  const agents = runAgents(config, roles, (role) => manifest.roles[role]?.agent ?? '');
  const context: RunContext = {
    ref, config, root: started.root, journal, lock, checkoutLock,
    manifest: { ...manifest, status: 'running', maxIterations: config.maxIterations, isolation, budget }, manifestFile: ManifestWriter.adopt(ref.dir, journal),
    roles, agents, baseTree: started.baseTree, ci: options.ci, env: options.env, isolation, keys, home: options.home,
  };
  const nextSeq = envelopes.reduce((max, e) => Math.max(max, e.seq), 0) + 1;
  return { context, state, resume: { undelivered, unconsumed, sessions, nextSeq, journaled: JournaledIds.from(events), ledger: UsageLedger.from(usage) } };
}

/** A resumed run works where it started (a worktree run: in its worktree, which must still be there), alone. */
function takeResumedCheckout(manifest: Manifest, root: string, home: string, runId: string): CheckoutLock {
  if (!existsSync(root)) {
    throw new LoopError('checkout-gone', `run ${runId} worked in ${root}, which no longer exists${manifest.worktree ? ' (its worktree was removed)' : ''}; not resumed — nothing was changed`, {
      exitCode: ExitCode.usage,
      hint: manifest.branch ? `its branch ${manifest.branch} holds what was committed; start a new run with: loop run --worktree "…"` : 'start a new run with: loop run "…"',
    });
  }
  return CheckoutLock.acquire(home, root, runId);
}

/**
 * Killed after journaling `run.finished` of a completed run but before writing the final manifest: the journal
 * is the record, so the manifest is brought in step with it, and the run is not resumed (resuming would apply
 * the approval a second time).
 */
function completedBehindManifest(ref: { id: string; dir: string }, manifest: Manifest, events: JournalEvent[], journalPath: string, lock: RunLock): void {
  const end = events.at(-1);
  if (end?.type !== 'run.finished' || end.status !== 'completed' || manifest.status === 'completed') return;
  const journal = Journal.open(journalPath);
  try {
    ManifestWriter.adopt(ref.dir, journal).write({
      ...manifest, status: 'completed', phase: 'finished', updatedAt: new Date().toISOString(),
      result: { exitCode: Number(end.exitCode), reason: String(end.reason) },
    });
  } finally {
    journal.close();
    lock.release();
  }
  throw new LoopError('finished', `run ${ref.id} has already finished (completed: ${String(end.reason)}); its manifest was behind the journal and now agrees with it`, {
    exitCode: ExitCode.usage,
    hint: 'start a new run with: loop run "…"',
  });
}
