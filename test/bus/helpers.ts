// Shared by the bus tests: envelopes and receipts with sensible defaults.
import type { Envelope, Receipt } from '../../src/bus/message.js';

let counter = 0;

/** A valid envelope; fields override the defaults (taken as given: a test may build one its schema would refuse). */
export function envelope(fields: Record<string, unknown> = {}): Envelope {
  counter++;
  return <Envelope>{
    id: `m-${String(counter).padStart(9, '0')}abcdefgh`,
    runId: '20260101-000000-000-abcd',
    seq: counter,
    from: 'worker',
    to: 'reviewer',
    kind: 'note',
    iteration: 1,
    at: '2026-01-01T00:00:00.000Z',
    payload: { text: 'hello' },
    ...fields,
  };
}

/** A proof receipt; fields override the defaults. */
export function receipt(fields: Partial<Receipt> = {}): Receipt {
  return {
    passed: true,
    steps: [{ command: 'npm test', exitCode: 0, durationMs: 12, outputTail: 'ok' }],
    treeHash: 'a'.repeat(40),
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 15,
    ...fields,
  };
}
