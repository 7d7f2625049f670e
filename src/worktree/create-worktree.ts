import { existsSync } from 'node:fs';
import { execa } from 'execa';
import { infraError, usageError } from '../errors.js';
import { treeHash } from '../proof/tree-hash.js';
import { ensureDir } from '../run/fs-atomic.js';
import { headCommit } from './checkout-state.js';
import { runBranch, worktreeDir, worktreesDir } from './worktree-paths.js';

/** A run's own checkout: where it is, its branch, and the commit it branched from. */
export interface WorktreeInfo {
  worktree: string;
  branch: string;
  baseCommit: string;
}

/** The commit a worktree run will branch from (HEAD); a repository without commits cannot have one. */
export async function worktreeBase(repoRoot: string): Promise<string> {
  const base = await headCommit(repoRoot);
  if (!base) throw usageError(`${repoRoot}: the repository has no commit yet, and --worktree branches from HEAD`, 'make a first commit (git commit), or run in place with --here');
  return base;
}

/**
 * `git worktree add` under `$LOOP_HOME/worktrees/<run-id>` on a new branch `loop/<run-id>` from `base`. With
 * `carry`, the checkout's uncommitted changes (tracked and untracked, not ignored) come along as uncommitted
 * changes of the worktree. The user's checkout is only read: its index and files are never written.
 */
export async function createWorktree(options: { repoRoot: string; home: string; runId: string; base: string; carry: boolean }): Promise<WorktreeInfo> {
  const { repoRoot, runId, base } = options;
  // The user's tree as it is now, through a temporary index (their own index is not touched).
  const carried = options.carry ? await treeHash(repoRoot) : undefined;
  ensureDir(worktreesDir(options.home));
  const worktree = worktreeDir(options.home, runId);
  const branch = runBranch(runId);
  // No hooks: the checkout is loop's own step, and a post-checkout hook would run in the new tree before the run.
  const add = await execa('git', ['-c', 'core.hooksPath=/dev/null', 'worktree', 'add', '-q', '-b', branch, worktree, base], { cwd: repoRoot, reject: false });
  if (add.exitCode !== 0) throw infraError(`${repoRoot}: git worktree add ${worktree} failed: ${add.stderr.trim().split('\n').pop() ?? ''}`);
  if (carried) {
    const git = (...args: string[]) => execa('git', ['-c', 'core.hooksPath=/dev/null', ...args], { cwd: worktree, reject: false });
    const read = await git('read-tree', '-u', '--reset', carried);
    // Back to an index at HEAD: the carried changes are the worktree's uncommitted changes, as they were the user's.
    const reset = read.exitCode === 0 ? await git('reset', '-q') : read;
    if (reset.exitCode !== 0) throw infraError(`${worktree}: could not carry the uncommitted changes over: ${reset.stderr.trim().split('\n').pop() ?? ''}`);
  }
  if (!existsSync(worktree)) throw infraError(`git worktree add did not create ${worktree}`);
  return { worktree, branch, baseCommit: base };
}

/** Remove a run's worktree (and, with `branch`, its branch). Git's record of it goes too. */
export async function removeWorktree(options: { repo: string; worktree: string; branch?: string }): Promise<void> {
  const remove = await execa('git', ['worktree', 'remove', '--force', options.worktree], { cwd: options.repo, reject: false });
  if (remove.exitCode !== 0 && existsSync(options.worktree)) throw infraError(`git worktree remove ${options.worktree} failed: ${remove.stderr.trim().split('\n').pop() ?? ''}`);
  await execa('git', ['worktree', 'prune'], { cwd: options.repo, reject: false });
  if (options.branch) {
    const del = await execa('git', ['branch', '-D', options.branch], { cwd: options.repo, reject: false });
    if (del.exitCode !== 0 && !/not found/.test(del.stderr)) throw infraError(`git branch -D ${options.branch} failed: ${del.stderr.trim().split('\n').pop() ?? ''}`);
  }
}
