import { join } from 'node:path';

/** `$LOOP_HOME/worktrees`: one git worktree per `--worktree` run. */
export const worktreesDir = (home: string): string => join(home, 'worktrees');

/** Where a run's worktree lives. */
export const worktreeDir = (home: string, runId: string): string => join(worktreesDir(home), runId);

/** The branch a worktree run works on. */
export const runBranch = (runId: string): string => `loop/${runId}`;
