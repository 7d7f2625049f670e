import { execa } from 'execa';
import { infraError } from '../errors.js';
import { currentBranch, headCommit } from './checkout-state.js';

/** What the commit of an approved tree says about its run (its trailers). */
export interface ApprovedCommitInput {
  /** The checkout whose HEAD (branch) gets the commit. */
  root: string;
  /** The approved tree: the commit's tree, exactly. */
  tree: string;
  title: string;
  runId: string;
  /** The proof commands that passed on the tree. */
  proof: string[];
  /** Who approved: `reviewer (claude)`, one per approving reviewer. */
  reviewedBy: string[];
}

// Used only when git has no identity configured (a fresh machine, CI): the commit must still be made.
const FALLBACK_IDENTITY = {
  GIT_AUTHOR_NAME: 'loop', GIT_AUTHOR_EMAIL: 'loop@localhost',
  GIT_COMMITTER_NAME: 'loop', GIT_COMMITTER_EMAIL: 'loop@localhost',
};

/** The commit message: the title, then the trailers `Loop-Run`, `Loop-Tree`, `Loop-Proof`, `Loop-Reviewed-By`. */
export function approvedCommitMessage(input: Omit<ApprovedCommitInput, 'root'>): string {
  const trailers = [
    `Loop-Run: ${input.runId}`,
    `Loop-Tree: ${input.tree}`,
    `Loop-Proof: ${input.proof.length > 0 ? `passed: ${input.proof.join('; ').replace(/\s+/g, ' ')}` : 'none configured'}`,
    ...input.reviewedBy.map((who) => `Loop-Reviewed-By: ${who}`),
  ];
  return `${input.title}\n\n${trailers.join('\n')}\n`;
}

/**
 * Commit the approved tree on the checkout's current branch: `git commit-tree` on the tree itself (so the commit's
 * tree is exactly the approved one, whatever the index holds), the branch moved to it, and the index reset to it
 * (the files are not touched: they are the approved tree). Returns the commit and the branch.
 */
export async function commitApprovedTree(input: ApprovedCommitInput): Promise<{ commit: string; branch?: string }> {
  const git = (args: string[], options: { env?: Record<string, string>; input?: string } = {}) =>
    execa('git', ['-c', 'core.hooksPath=/dev/null', ...args], { cwd: input.root, reject: false, ...options });
  const parent = await headCommit(input.root);
  const identity = await git(['var', 'GIT_COMMITTER_IDENT']);
  const author = await git(['var', 'GIT_AUTHOR_IDENT']);
  const env = identity.exitCode === 0 && author.exitCode === 0 ? {} : FALLBACK_IDENTITY;
  const made = await git(['commit-tree', input.tree, ...(parent ? ['-p', parent] : []), '-F', '-'], { env, input: approvedCommitMessage(input) });
  if (made.exitCode !== 0) throw infraError(`git commit-tree ${input.tree} failed: ${made.stderr.trim().split('\n').pop() ?? ''}`);
  const commit = made.stdout.trim();
  const moved = await git(['update-ref', '-m', `loop: approved tree of run ${input.runId}`, 'HEAD', commit, parent ?? '']);
  if (moved.exitCode !== 0) throw infraError(`git update-ref HEAD ${commit} failed: ${moved.stderr.trim().split('\n').pop() ?? ''}`);
  await git(['reset', '-q']);
  return { commit, ...(await currentBranch(input.root).then((branch) => (branch ? { branch } : {}))) };
}
