import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { makeTempDir } from '../run/owned-temp.js';
import type { Receipt } from '../bus/message.js';
import { runProof } from './run-proof.js';

export interface RerunOptions {
  /** A directory inside the repository that holds the tree. */
  repo: string;
  tree: string;
  commands: string[];
  timeoutMs: number;
  env: Record<string, string>;
  /** The commit message of the throwaway commit made for the tree. */
  message: string;
}

// A fixed identity, so `git commit-tree` works in a repository (or on a machine) without one configured.
const IDENTITY = {
  GIT_AUTHOR_NAME: 'loop verify', GIT_AUTHOR_EMAIL: 'loop@localhost',
  GIT_COMMITTER_NAME: 'loop verify', GIT_COMMITTER_EMAIL: 'loop@localhost',
};

/**
 * Check a git tree out in a temporary detached worktree (through a throwaway commit) and run proof commands
 * there; the receipt's tree hash is the worktree's tree after the commands. The worktree is always removed.
 */
export async function rerunTree(options: RerunOptions): Promise<Receipt> {
  const tmp = makeTempDir('verify');
  const worktree = join(tmp, 'tree');
  try {
    const commit = await execa('git', ['commit-tree', options.tree, '-m', options.message], { cwd: options.repo, env: IDENTITY });
    // No hooks: a post-checkout hook planted in the repository must not run as part of checking it.
    await execa('git', ['-c', 'core.hooksPath=/dev/null', 'worktree', 'add', '--detach', worktree, commit.stdout.trim()], { cwd: options.repo });
    return await runProof({ commands: options.commands, cwd: worktree, timeoutMs: options.timeoutMs, logDir: join(tmp, 'proof'), index: 1, env: options.env, scratchDir: tmp });
  } finally {
    if (existsSync(worktree)) await execa('git', ['worktree', 'remove', '--force', worktree], { cwd: options.repo, reject: false });
    rmSync(tmp, { recursive: true, force: true });
    await execa('git', ['worktree', 'prune'], { cwd: options.repo, reject: false });
  }
}
