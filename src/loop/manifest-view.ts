import type { Manifest } from '../run/manifest.js';
import type { LoopState } from './state.js';

/** What the manifest shows of the loop's state after each step (a view of the journal). */
export function manifestView(state: LoopState): Partial<Manifest> {
  const surface = state.proofSurface;
  return {
    phase: state.phase,
    iteration: state.iteration,
    lastProof: state.lastProof ? { passed: state.lastProof.passed, treeHash: state.lastProof.treeHash, at: state.lastProof.receipt.startedAt } : null,
    lastVerdict: state.lastReview?.verdict ?? null,
    plan: state.checklist?.progress,
    proofSurface: surface && surface.total > 0
      ? { changed: surface.files.map((f) => f.file), count: surface.total, acknowledged: surface.acknowledged }
      : undefined,
  };
}
