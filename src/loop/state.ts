import type { Finding, Receipt, Role, Verdict } from '../bus/message.js';
import type { Phase } from '../run/manifest.js';

/** Everything the pair loop needs to decide what happens next. Serialisable: journaled after every step. */
export interface LoopState {
  phase: Phase;
  iteration: number;
  maxIterations: number;
  maxMessages: number;
  /** Messages accepted from agents so far. */
  agentMessages: number;
  /** seq of the last agent message the machine has consumed (resume replays later ones). */
  lastInputSeq: number;
  task: string;
  proof: string[];
  lastDone?: { id: string; summary: string; evidence: string[]; treeHash?: string };
  lastProof?: { passed: boolean; treeHash: string; receipt: Receipt };
  lastReview?: { id: string; verdict: Verdict; summary: string; findings: Finding[] };
  /** Tree hashes of consecutive done claims that were followed by requested changes. */
  unchangedDones: number;
  cannotReview: number;
  reproves: number;
  /** Reminders sent in the current turn, per role (an idle agent that has not answered). */
  reminders: Record<Role, number>;
  finished?: { exitCode: number; reason: string; status: 'completed' | 'failed' | 'stopped' };
}

export function initialState(options: { task: string; proof: string[]; maxIterations: number; maxMessages: number }): LoopState {
  return {
    phase: 'starting',
    iteration: 0,
    maxIterations: options.maxIterations,
    maxMessages: options.maxMessages,
    agentMessages: 0,
    lastInputSeq: 0,
    task: options.task,
    proof: options.proof,
    unchangedDones: 0,
    cannotReview: 0,
    reproves: 0,
    reminders: { worker: 0, reviewer: 0 },
  };
}
