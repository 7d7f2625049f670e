import { realpathSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { usageError } from '../errors.js';
import { CheckoutLock } from '../run/checkout-lock.js';
import { uncommittedChanges } from '../worktree/checkout-state.js';
import { createWorktree, worktreeBase, type WorktreeInfo } from '../worktree/create-worktree.js';

/** Where a new run works, decided before anything is created: in place, or in a worktree of its own from `base`. */
export type CheckoutPlan = { mode: 'here' } | { mode: 'worktree'; base: string; carry: boolean };

/** The checkout a run works in, and the lock that makes it the only live run there. */
export interface RunCheckout {
  /** Top level of the run's working tree (the worktree for a worktree run). */
  root: string;
  /** Where the agents start (the same folder inside the worktree as the user's inside their checkout). */
  cwd: string;
  lock: CheckoutLock;
  /** The user's checkout the run was started in. */
  checkout: string;
  worktree?: WorktreeInfo;
}

const SHOWN = 3;

/**
 * Decide where a run works. In place (no `--worktree`), a checkout with uncommitted changes is refused unless
 * `here` says to take it as it is: those changes would silently become part of the run.
 */
export async function planCheckout(o: { repoRoot: string; worktree: boolean; here: boolean; carry: boolean }): Promise<CheckoutPlan> {
  if (o.carry && !o.worktree) throw usageError('--carry brings uncommitted changes into a new worktree: it needs --worktree (or "worktree": true in .loop.json)');
  if (o.worktree) return { mode: 'worktree', base: await worktreeBase(o.repoRoot), carry: o.carry };
  if (!o.here) {
    const changes = await uncommittedChanges(o.repoRoot);
    if (changes.length > 0) {
      const names = changes.slice(0, SHOWN).map((entry) => entry.slice(3)).join(', ');
      throw usageError(
        `${o.repoRoot}: the checkout has uncommitted changes (${changes.length} file${changes.length === 1 ? '' : 's'}: ${names}${changes.length > SHOWN ? ', …' : ''}); a run here would take them in as its own`,
        'commit or stash them; or run in a worktree of its own: loop run --worktree (--carry brings the changes along); or take them as they are: loop run --here',
      );
    }
  }
  return { mode: 'here' };
}

/**
 * Take the checkout for a run whose directory exists: create its worktree (worktree runs), then take the
 * checkout lock. On a refusal the run directory is removed again: nothing was started.
 */
export async function takeCheckout(plan: CheckoutPlan, o: { repoRoot: string; cwd: string; home: string; runId: string; runDir: string }): Promise<RunCheckout> {
  try {
    if (plan.mode === 'here') return { root: o.repoRoot, cwd: o.cwd, checkout: o.repoRoot, lock: CheckoutLock.acquire(o.home, o.repoRoot, o.runId) };
    const worktree = await createWorktree({ repoRoot: o.repoRoot, home: o.home, runId: o.runId, base: plan.base, carry: plan.carry });
    const inside = relative(o.repoRoot, realpathSync(o.cwd));
    return { root: worktree.worktree, cwd: join(worktree.worktree, inside), checkout: o.repoRoot, worktree, lock: CheckoutLock.acquire(o.home, worktree.worktree, o.runId) };
  } catch (error) {
    rmSync(o.runDir, { recursive: true, force: true });
    throw error;
  }
}
