import type { RunRef } from '../run/store.js';
import { summarize, type RunSummary } from './summary.js';

/** A run's outcome as one object: `loop run --ci --json` prints it, bundles carry it as result.json. */
export interface RunResultRecord {
  runId: string;
  repoId: string;
  status: RunSummary['status'];
  /** The manifest's `result` (null while the run has not finished). */
  exitCode: number | null;
  reason: string | null;
  iterations: number;
  /** The tree of the last proof run (a completed run's: the approved tree), or null if none ran. */
  treeHash: string | null;
}

export function runResult(ref: RunRef, summary: RunSummary = summarize(ref)): RunResultRecord {
  return {
    runId: summary.id, repoId: summary.repoId, status: summary.status,
    exitCode: summary.result?.exitCode ?? null, reason: summary.result?.reason ?? null,
    iterations: summary.iteration, treeHash: summary.lastProof?.treeHash ?? null,
  };
}
