import { join } from 'node:path';
import { ProofCancelled, runProof } from '../proof/run-proof.js';
import { proofSurfaceChanges } from '../proof/proof-surface.js';
import { formatDiffStat, treeDiff } from '../proof/tree-diff.js';
import { runTempDir } from '../run/owned-temp.js';
import type { Input } from './machine.js';
import type { Observer } from './observer.js';
import { parseChecklist, type PlanProgress } from './plan-checklist.js';
import { readPlanFile } from './read-plan.js';
import type { RunContext } from './run-context.js';

/**
 * Run the frozen proof commands on the tree as it is, journal the receipt, and diff the tree against the run's
 * start: the diff stat, and the proof-surface files changed since then; then read PLAN.md's checklist. Cancelled (the run is ending): the
 * running command's process group is stopped, `proof.cancelled` is journaled, and there is no receipt.
 */
export async function proveTree(
  ctx: RunContext, iteration: number, observer: Observer, signal?: AbortSignal, claimedTree?: string, planProofBase?: string,
): Promise<Extract<Input, { type: 'receipt' }> | undefined> {
  const commands = ctx.manifest.proof;
  const index = ctx.journal.append('proof.started', { commands, iteration }).seq;
  observer({ type: 'proof-start', commands });
  const diffs = async (tree: string) => {
    const files = await treeDiff(ctx.root, ctx.baseTree, tree);
    const surface = { globs: ctx.config.proofSurface, commands, files, ...(planProofBase !== undefined ? { planProofBase } : {}) };
    return [formatDiffStat(files), await proofSurfaceChanges(ctx.root, ctx.baseTree, tree, surface)] as const;
  };
  try {
    // The proof's command is spawned first (a spawn holds loop's event loop for a few ms); the proof rarely
    // changes the tree, so the diffs of the claimed tree are worked out while it runs, and used when the receipt
    // names that same tree (otherwise they are worked out again for the receipt's tree).
    const proving = runProof({
      commands, cwd: ctx.root, timeoutMs: ctx.config.proofTimeoutSeconds * 1000,
      logDir: join(ctx.ref.dir, 'proof'), index, env: ctx.env, scratchDir: runTempDir(ctx.ref.dir), ...(signal ? { signal } : {}),
      onStep: (command, position) => observer({ type: 'proof-step', command, position }),
    });
    const early = claimedTree ? diffs(claimedTree) : undefined;
    early?.catch(() => undefined); // awaited below only when used; a failure then is worked out again
    const receipt = await proving;
    if (signal?.aborted) throw new ProofCancelled(receipt.steps);
    const reuse = early && receipt.treeHash === claimedTree ? await early.catch(() => undefined) : undefined;
    const [stat, proofSurface] = reuse ?? (await diffs(receipt.treeHash));
    if (signal?.aborted) throw new ProofCancelled(receipt.steps);
    ctx.journal.append('proof.receipt', { receipt });
    observer({ type: 'proof-done', receipt });
    const plan = planProgress(ctx, iteration);
    return { type: 'receipt', receipt, diffStat: stat, proofSurface, ...(plan ? { plan } : {}) };
  } catch (error) {
    if (!(error instanceof ProofCancelled)) throw error;
    ctx.journal.append('proof.cancelled', { iteration, started: index, finishedSteps: error.steps.length });
    return undefined;
  }
}

/** PLAN.md's checklist at a done claim, journaled as `plan.progress`; undefined when there is no readable PLAN.md or it has no item. */
function planProgress(ctx: RunContext, iteration: number): PlanProgress | undefined {
  const file = readPlanFile(ctx.root);
  if (!('text' in file)) return undefined;
  const progress = parseChecklist(file.text);
  ctx.journal.append('plan.progress', { iteration, hash: file.hash, ...progress });
  return progress.total > 0 ? progress : undefined;
}
