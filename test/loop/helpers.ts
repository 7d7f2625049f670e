// Inputs, receipts and states for the tests of the pure pair-loop machine.
import { advance, type Input, type Step } from '../../src/loop/machine.js';
import { effectsOf, has, sent } from '../../src/loop/effects.js';
import { initialState, type LoopState } from '../../src/loop/state.js';
import type { AgentEnvelope, Envelope, Receipt, SurfaceChange } from '../../src/bus/message.js';

export const TREE_A = 'a'.repeat(40);
export const TREE_B = 'b'.repeat(40);
export const TREE_C = 'c'.repeat(40);

let seq = 0;
/** An envelope for a test: its fields are taken as given (a test may build one its schema would refuse). */
export const envelope = (fields: Record<string, unknown>): AgentEnvelope => {
  seq++;
  return <AgentEnvelope>{
    id: `m-${String(seq).padStart(9, '0')}abcdefgh`,
    runId: 'r',
    seq,
    from: 'worker',
    to: 'loop',
    kind: 'note',
    iteration: 1,
    at: '2026-01-01T00:00:00.000Z',
    payload: {},
    ...fields,
  };
};
export const done = (treeHash = TREE_A, evidence?: string[]): Input => ({
  type: 'message',
  envelope: envelope({ from: 'worker', to: 'loop', kind: 'done', treeHash, payload: { summary: 'implemented it', ...(evidence ? { evidence } : {}) } }),
});
export const review = (verdict: 'approve' | 'changes' | 'cannot-review', treeHash: string | undefined = TREE_A, findings: unknown[] = [], extra: Record<string, unknown> = {}): Input => ({
  type: 'message',
  envelope: envelope({ from: 'reviewer', to: 'loop', kind: 'review', ...(treeHash ? { treeHash } : {}), payload: { verdict, summary: `verdict ${verdict}`, findings, ...extra } }),
});
export const note = (from: 'worker' | 'reviewer' = 'worker'): Input => ({
  type: 'message',
  envelope: envelope({ from, to: from === 'worker' ? 'reviewer' : 'worker', kind: 'note', payload: { text: 'fyi' } }),
});
export const passing = (treeHash = TREE_A): Receipt => ({
  passed: true,
  steps: [{ command: 'npm test', exitCode: 0, durationMs: 10, outputTail: 'all good' }],
  treeHash,
  startedAt: '2026-01-01T00:00:00.000Z',
  durationMs: 10,
});
export const failing = (treeHash = TREE_A): Receipt => ({
  passed: false,
  steps: [
    { command: 'npm run lint', exitCode: 0, durationMs: 5, outputTail: '' },
    { command: 'npm test', exitCode: 1, durationMs: 10, outputTail: 'FAIL test/a.test.ts\nexpected 2, got 3' },
  ],
  treeHash,
  startedAt: '2026-01-01T00:00:00.000Z',
  durationMs: 15,
});
export const receipt = (r: Receipt, diffStat = ' src/a.ts | 2 +-', proofSurface?: SurfaceChange[]): Input => ({ type: 'receipt', receipt: r, diffStat, ...(proofSurface ? { proofSurface } : {}) });

/** Deep-freezes a value so that any mutation by the (pure) machine throws. */
export function freeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) freeze(child);
  }
  return value;
}

/** Feeds inputs in order; returns every step. */
export function feed(state: LoopState, ...inputs: Input[]): Step[] {
  const steps: Step[] = [];
  let current = state;
  for (const input of inputs) {
    const step = advance(freeze(current), freeze(input));
    steps.push(step);
    current = step.state;
  }
  return steps;
}
export const last = (steps: Step[]): Step => steps[steps.length - 1]!;
export type Options = Partial<{ maxIterations: number; maxMessages: number; reviewerMayEdit: boolean }>;
export const fresh = (options: Options = {}) =>
  initialState({ task: 'Add a --verbose flag', proof: ['npm test'], maxIterations: options.maxIterations ?? 5, maxMessages: options.maxMessages ?? 100, reviewerMayEdit: options.reviewerMayEdit });
/** A state in `reviewing` after start → done → receipt. */
export const reviewingWith = (r: Receipt, options: Options = {}) =>
  last(feed(fresh(options), { type: 'start' }, done(r.treeHash), receipt(r))).state;

export { has };
/** The messages a step sends, loosely typed for assertions on their payloads. */
export const msgs = (s: Step): { to: string; kind: string; payload: Record<string, unknown>; replyTo?: string }[] => sent(s);
/** The tree a step restores, if it does. */
export const restoreOf = (s: Step) => {
  const effect = effectsOf(s, 'restore-tree')[0];
  return effect ? { requestedTree: effect.requestedTree, reviewTree: effect.reviewTree } : undefined;
};
/** The envelope of a message input. */
export const envelopeOf = (input: Input): Envelope => {
  if (input.type !== 'message') throw new Error(`not a message input: ${input.type}`);
  return input.envelope;
};
/** A `resumed` input: which agents lost their context (relaunched without their own session, nothing waiting for them). */
export const resumed = (worker: boolean, reviewer: boolean): Input => ({
  type: 'resumed',
  agents: [{ role: 'worker', onOwnSession: !worker, pending: false }, { role: 'reviewer', onOwnSession: !reviewer, pending: false }],
});
