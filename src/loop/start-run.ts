import { join } from 'node:path';
import { isReviewer, reviewerRoles, type Role } from '../bus/message.js';
import { usageError } from '../errors.js';
import { findExecutable } from '../pty/preflight.js';
import { loadConfig } from '../config/load.js';
import type { ConfigFile } from '../config/schema.js';
import { Journal } from '../run/journal.js';
import { RunLock } from '../run/lock.js';
import type { Manifest } from '../run/manifest.js';
import { ManifestWriter } from '../run/manifest-writer.js';
import { resolveRepo } from '../run/repo-id.js';
import { RunStore } from '../run/store.js';
import { treeHash } from '../proof/tree-hash.js';
import { agentOf, type RunContext } from './run-context.js';
import { roleInfos, runAgents } from './run-agents.js';
import { prepareAgentAreas } from '../isolation/agent-area.js';
import { resolveIsolation } from '../isolation/isolation.js';
import { loadRoleKeys } from '../isolation/role-keys.js';
import { planCheckout, takeCheckout } from './run-checkout.js';
import { budgetOf, initialState, settingsOf, type LoopState } from './state.js';
import { givenPlan, resolveTask } from './task-text.js';

export interface StartOptions {
  cwd: string;
  home: string;
  env: Record<string, string>;
  prompt?: string;
  flags: ConfigFile;
  ci: boolean;
  /** Work in this checkout as it is, uncommitted changes and all. */
  here?: boolean;
  /** Bring the checkout's uncommitted changes into the run's worktree. */
  carry?: boolean;
  /** In-place runs: commit the approved tree on the current branch at the end (worktree runs always do). */
  commit?: boolean;
}

/**
 * Prepare a new run. Everything that can be wrong with the input (config, agents, task) is checked
 * before the run directory is created, so a usage error leaves nothing behind.
 */
export async function startRun(options: StartOptions): Promise<{ context: RunContext; state: LoopState }> {
  const repo = await resolveRepo(options.cwd);
  if (!repo.isGit) {
    // The proof and the approval are bound to a git tree hash, and a reviewer's edits are undone with git.
    throw usageError(`${options.cwd} is not inside a git repository: loop run works on a git working tree`, 'cd into your repository, or make this folder one: git init');
  }
  const { config } = loadConfig({ cwd: options.cwd, repoRoot: repo.root, home: options.home, flags: options.flags });
  const roles: Role[] = ['worker', ...reviewerRoles(config.reviewers.length)];
  const agentName = (role: Role) => (role === 'worker' ? config.worker : config.reviewers[roles.indexOf(role) - 1]!);
  const agents = runAgents(config, roles, agentName);
  for (const role of roles) {
    const adapter = agentOf({ agents }, role);
    if (!findExecutable(adapter.command, options.env.PATH ?? '', options.cwd)) {
      throw usageError(`${role}: '${adapter.command}' (agent ${adapter.card.name}) is not installed or not on PATH`, adapter.installHint ? `install it: ${adapter.installHint} (then: loop doctor)` : `fix agents.${adapter.card.name}.command in .loop.json`);
    }
  }
  const task = resolveTask(options.prompt, options.cwd, repo.root);
  const isolation = await resolveIsolation(config.isolation, options.env.PATH);
  const plan = await planCheckout({ repoRoot: repo.root, worktree: config.worktree, here: Boolean(options.here), carry: Boolean(options.carry) });

  const budget = budgetOf(config);
  const store = new RunStore(options.home);
  const ref = store.create(repo.repoId);
  const checkout = await takeCheckout(plan, { repoRoot: repo.root, cwd: options.cwd, home: options.home, runId: ref.id, runDir: ref.dir });
  const { root, cwd, worktree } = checkout;
  const given = config.plan === 'off' ? undefined : givenPlan(options.prompt, root);
  const baseTree = await treeHash(root);
  const lock = RunLock.acquire(ref.dir, ref.id);
  const journal = Journal.open(join(ref.dir, 'events.jsonl'));
  prepareAgentAreas(ref.dir, roles);
  const keys = loadRoleKeys(ref.dir, roles);
  const now = new Date().toISOString();
  const where = {
    checkout: checkout.checkout,
    ...(worktree ? { worktree: worktree.worktree, branch: worktree.branch, baseCommit: worktree.baseCommit } : {}),
    ...(options.commit && !worktree ? { commitAtEnd: true } : {}),
  };
  const manifest: Manifest = {
    version: 1,
    id: ref.id,
    repoId: repo.repoId,
    cwd,
    status: 'running',
    phase: 'starting',
    iteration: 0,
    maxIterations: config.maxIterations,
    task,
    proof: config.proof,
    ...(budget ? { budget } : {}),
    roles: roleInfos(roles, agentName),
    createdAt: now,
    updatedAt: now,
    config: { ...config },
    lastProof: null,
    lastVerdict: null,
    isolation,
    ...where,
  };
  // The manifest first: a run killed between its first journal line and this write could not be resumed (nor listed).
  const manifestFile = ManifestWriter.create(ref.dir, journal);
  manifestFile.write(manifest);
  journal.append('run.started', {
    runId: ref.id, repoId: repo.repoId, cwd, root, ...where, pid: process.pid, task,
    worker: config.worker, reviewer: config.reviewer, ...(roles.length > 2 ? { reviewers: config.reviewers, panel: config.panel } : {}), proof: config.proof, maxIterations: config.maxIterations, baseTree, ci: options.ci,
    plan: config.plan, ...(given ? { givenPlan: given } : {}), ...(budget ? { budget } : {}),
  });
  journal.append('run.isolation', { ...isolation });
  const written = manifestFile.write(manifest);
  const state = initialState({
    task, proof: config.proof, maxIterations: config.maxIterations, maxMessages: config.maxMessages, reviewerMayEdit: config.reviewerMayEdit,
    settings: settingsOf(config, options.ci), reviewers: roles.filter(isReviewer), panel: config.panel, ...(budget ? { budget } : {}),
    plan: { mode: config.plan, maxRounds: config.maxPlanRounds, ...(given ? { given } : {}) },
  });
  return {
    context: { ref, config, root, journal, lock, checkoutLock: checkout.lock, manifest: written, manifestFile, roles, agents, baseTree, ci: options.ci, env: options.env, isolation, keys, home: options.home },
    state,
  };
}
