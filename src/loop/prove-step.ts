import { join } from 'node:path';
import { runProof } from '../proof/run-proof.js';
import { proofSurfaceChanges } from '../proof/proof-surface.js';
import { diffStat } from '../proof/tree-hash.js';
import { runTempDir } from '../run/owned-temp.js';
import type { Input } from './machine.js';
import type { Observer } from './observer.js';
import type { RunContext } from './run-context.js';

/**
 * Run the frozen proof commands on the tree as it is, journal the receipt, and diff the tree against the run's
 * start: the diff stat, and the proof-surface files changed since then.
 */
export async function proveTree(ctx: RunContext, iteration: number, observer: Observer): Promise<Extract<Input, { type: 'receipt' }>> {
  const commands = ctx.manifest.proof;
  const index = ctx.journal.append('proof.started', { commands, iteration }).seq;
  observer({ type: 'proof-start', commands });
  const receipt = await runProof({
    commands, cwd: ctx.root, timeoutMs: ctx.config.proofTimeoutSeconds * 1000,
    logDir: join(ctx.ref.dir, 'proof'), index, env: ctx.env, scratchDir: runTempDir(ctx.ref.dir),
    onStep: (command, position) => observer({ type: 'proof-step', command, position }),
  });
  const stat = await diffStat(ctx.root, ctx.baseTree, receipt.treeHash);
  const proofSurface = await proofSurfaceChanges(ctx.root, ctx.baseTree, receipt.treeHash, { globs: ctx.config.proofSurface, commands });
  ctx.journal.append('proof.receipt', { receipt });
  observer({ type: 'proof-done', receipt });
  return { type: 'receipt', receipt, diffStat: stat, proofSurface };
}
