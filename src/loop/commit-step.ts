import type { ReviewerRole } from '../bus/roles.js';
import { isGitTree } from '../proof/tree-hash.js';
import { taskTitle } from '../report/task-title.js';
import { commitApprovedTree } from '../worktree/approved-commit.js';
import { agentOf, saveManifest, type RunContext } from './run-context.js';
import type { LoopState } from './state.js';

/** The tree a completed run's reviewers approved and its proof passed on, and who approved it. */
export interface Approval {
  tree: string;
  reviewers: ReviewerRole[];
}

/** The approval in a finished state: the passing proof's tree, and the approving reviewers (a panel's, or the one). */
export function approvalOf(state: LoopState): Approval | undefined {
  const proof = state.lastProof;
  if (!proof?.passed) return undefined;
  const review = state.lastReview;
  const reviewers = review?.panel?.approvedBy ?? (review?.verdict === 'approve' ? ['reviewer' as const] : []);
  return { tree: proof.treeHash, reviewers };
}

/**
 * At the completion of a worktree run (or an in-place run with `--commit`): the approved tree becomes a commit
 * on the run's branch, journaled (`run.commit`) and recorded in the manifest.
 */
export async function commitStep(ctx: RunContext, approval: Approval | undefined): Promise<boolean> {
  if (!ctx.manifest.worktree && !ctx.manifest.commitAtEnd) return false;
  if (ctx.manifest.commit) return true; // resumed after the commit was made, while finishing
  if (!approval) throw new Error('the run state names no approved tree');
  if (!isGitTree(approval.tree)) throw new Error(`the approved tree ${approval.tree} is not a git tree`);
  const { commit, branch } = await commitApprovedTree({
    root: ctx.root, tree: approval.tree, title: taskTitle(ctx.manifest.task), runId: ctx.ref.id, proof: ctx.manifest.proof,
    reviewedBy: approval.reviewers.map((role) => `${role} (${agentOf(ctx, role).card.name})`),
  });
  ctx.journal.append('run.commit', { commit, tree: approval.tree, ...(branch ? { branch } : {}) });
  saveManifest(ctx, { commit, ...(branch ? { branch } : {}) });
  return true;
}
