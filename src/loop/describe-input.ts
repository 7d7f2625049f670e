import type { Input } from './machine.js';

/** A compact, journal-friendly description of a machine input (envelopes are journaled on their own). */
export function describeInput(input: Input): Record<string, unknown> {
  switch (input.type) {
    case 'message':
      return { type: 'message', id: input.envelope.id, kind: input.envelope.kind, from: input.envelope.from };
    case 'delivered':
      return { type: 'delivered', role: input.role, id: input.envelope.id, kind: input.envelope.kind };
    case 'receipt':
      return { type: 'receipt', passed: input.receipt.passed, treeHash: input.receipt.treeHash };
    default:
      return { ...input };
  }
}
