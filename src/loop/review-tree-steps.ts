import { join } from 'node:path';
import type { Envelope } from '../bus/message.js';
import { cachedTreeHash } from '../proof/tree-hash-cache.js';
import { restoreTree } from '../proof/tree-restore.js';
import { runTempDir } from '../run/owned-temp.js';
import type { Input } from './machine.js';
import type { Observer } from './observer.js';
import type { RunContext } from './run-context.js';

/** Files of a tree change named in loop's finding for the worker (the journal keeps them all). */
const FILES_IN_FINDING = 20;

/** A review request reached the reviewer: record the tree it is asked to review. */
export async function recordRequestedTree(ctx: RunContext, envelope: Envelope): Promise<Input> {
  const hash = await cachedTreeHash(ctx.root, runTempDir(ctx.ref.dir));
  ctx.journal.append('review.requested', { id: envelope.id, treeHash: hash });
  return { type: 'review-requested', id: envelope.id, treeHash: hash };
}

/**
 * The tree changed during the review: save the change as `<runDir>/reviewer-edits/iteration-<n>.patch` and put
 * the reviewed tree back in the working directory.
 */
export async function restoreReviewedTree(
  ctx: RunContext, iteration: number, restore: { requestedTree: string; reviewTree: string }, observer: Observer,
): Promise<Input> {
  const patchPath = join(ctx.ref.dir, 'reviewer-edits', `iteration-${iteration}.patch`);
  const result = await restoreTree(ctx.root, restore.requestedTree, restore.reviewTree, patchPath, runTempDir(ctx.ref.dir));
  const patch = result.patch ?? null;
  ctx.journal.append('review.tree-changed', { ...restore, files: result.files, patch, restored: result.ok, ...(result.ok ? {} : { reason: result.reason }) });
  if (!result.ok) return { type: 'restore-failed', reason: result.reason, ...(result.patch ? { patch: result.patch } : {}) };
  observer({ type: 'warning', text: `the tree changed during the review (${result.files.length} file(s)); loop restored the reviewed tree and saved the change as ${result.patch}` });
  return { type: 'tree-restored', files: result.files.slice(0, FILES_IN_FINDING), fileCount: result.files.length, patch: result.patch };
}
