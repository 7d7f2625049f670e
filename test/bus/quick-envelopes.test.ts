import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { envelopesOf } from '../../src/bus/envelopes.js';
import { KINDS } from '../../src/bus/message.js';
import { ENVELOPE_KINDS, quickEnvelopesOf } from '../../src/bus/quick-envelopes.js';
import type { JournalEvent } from '../../src/run/journal.js';
import { envelope } from './helpers.js';

const event = (seq: number, candidate: unknown): JournalEvent => ({ seq, at: 'x', type: 'message', envelope: candidate });

describe('quickEnvelopesOf', () => {
  test('knows every kind of the message schemas', () => {
    assert.deepEqual([...ENVELOPE_KINDS].sort(), [...KINDS].sort());
  });

  test('gives what envelopesOf gives when every candidate passes, in the schema\'s field order', () => {
    const shuffled = Object.fromEntries(Object.entries(envelope({ seq: 3, treeHash: 't', replyTo: 'm-000000001aaaaaaaa' })).reverse());
    const events: JournalEvent[] = [
      event(1, envelope({ seq: 2 })),
      { seq: 2, at: 'x', type: 'transition', messages: [envelope({ seq: 1, from: 'loop', to: 'worker', kind: 'task', payload: { text: 't', iteration: 1, 2: 'n' } as never })] },
      event(3, shuffled),
      { seq: 4, at: 'x', type: 'transition', input: {} },
    ];
    const quick = quickEnvelopesOf(events);
    assert.deepEqual(quick, envelopesOf(events));
    assert.equal(JSON.stringify(quick), JSON.stringify(envelopesOf(events)));
  });

  test('is unsure when a candidate would not pass', () => {
    const bad: unknown[] = [
      { id: 'bogus' }, null, [], { ...envelope(), extra: 1 }, { ...envelope(), seq: 0 }, { ...envelope(), seq: 1.5 }, { ...envelope(), iteration: -1 },
      { ...envelope(), kind: 'plan' }, { ...envelope(), from: 'x' }, { ...envelope(), payload: [] }, { ...envelope(), payload: null },
      { ...envelope(), replyTo: 1 }, { ...envelope(), id: 'm-short' },
    ];
    for (const candidate of bad) {
      assert.equal(quickEnvelopesOf([event(1, candidate)]), undefined, JSON.stringify(candidate));
      assert.deepEqual(envelopesOf([event(1, candidate)]), [], JSON.stringify(candidate));
    }
  });
});
