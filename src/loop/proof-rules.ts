import { SURFACE_LIST_MAX } from '../bus/message.js';
import { send, step, type Step } from './effects.js';
import type { InputOf } from './inputs.js';
import { reviewRequest } from './outgoing.js';
import { recordChecklist } from './plan-rules.js';
import { reviewersOf } from './panel-rules.js';
import type { LoopState } from './state.js';

/** The proof's receipt: the review request goes to the reviewers with it, and the proof-surface files changed. */
export function onReceipt(state: LoopState, input: InputOf<'receipt'>): Step {
  if (state.phase !== 'proving') return step(state);
  const { receipt, diffStat } = input;
  const surface = input.proofSurface ?? [];
  const next: LoopState = recordChecklist({
    ...state,
    phase: 'reviewing',
    lastProof: { passed: receipt.passed, treeHash: receipt.treeHash, receipt, diffStat },
    proofSurface: surface.length > 0 ? { files: surface.slice(0, SURFACE_LIST_MAX), total: surface.length, acknowledged: false } : undefined,
    requestedTree: undefined,
    surfaceAsks: 0,
    round: [],
    surfaceAsked: [],
  }, input.plan);
  // The receipt goes to the reviewer inside the review request, and to the worker inside its next task (the
  // failing steps); no separate `proof` message: typed into the worker while the reviewer works, it cost the
  // worker a whole extra turn. The receipt stays in the journal (`proof.receipt`).
  // Every reviewer of a panel gets it at once, each its own (see panel-rules.ts).
  return step(next, ...send(...reviewersOf(next).map((to) => reviewRequest(next, receipt, { to }))));
}
