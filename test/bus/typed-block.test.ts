import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Envelope } from '../../src/bus/message.js';
import { renderBlocks } from '../../src/bus/render.js';
import { MAX_TYPED_BYTES, typedBlock } from '../../src/bus/typed-block.js';
import { newMessageId } from '../../src/run/ids.js';

const note = (text: string): Envelope => ({
  id: newMessageId(), runId: 'r', seq: 1, from: 'reviewer', to: 'worker', kind: 'note', iteration: 1, at: new Date().toISOString(), payload: { text },
});
const bytes = (s: string) => Buffer.byteLength(s);

test('queued messages that fit are typed whole, in one block', () => {
  const queue = [note('one'), note('two')];
  const block = typedBlock(queue, true);
  assert.equal(block.text, renderBlocks(queue));
  assert.equal(block.notified, 0);
  assert.equal(block.envelopes.length, 2);
});

test('30 notes of 7.5 KiB: whole messages up to 32 KiB, then a notice naming the rest and `loop inbox`', () => {
  const queue = Array.from({ length: 30 }, (_, i) => note(`${i} ${'é'.repeat(3800)}`));
  const block = typedBlock(queue, true);
  assert.ok(bytes(block.text) <= MAX_TYPED_BYTES, `${bytes(block.text)} bytes`);
  assert.equal(block.envelopes.length, 30, 'every queued message is accounted for');
  const typed = 30 - block.notified;
  assert.ok(typed >= 3 && typed < 30, `typed ${typed}`);
  for (const e of queue.slice(0, typed)) assert.ok(block.text.includes(`[loop] note ${e.id}`));
  assert.ok(!block.text.includes(`[loop] note ${queue[typed]!.id} `));
  assert.match(block.text, new RegExp(`\\[loop\\] ${block.notified} more messages wait for you \\(note ${queue[typed]!.id}, .* and ${block.notified - 5} more\\): read them with \`loop inbox\`$`));
});

test('a single message larger than the cap is only named', () => {
  const big = note('x'.repeat(40_000));
  const block = typedBlock([big], true);
  assert.equal(block.text, `[loop] 1 more message waits for you (note ${big.id}): read it with \`loop inbox\``);
  assert.equal(block.notified, 1);
});

test('without bracketed paste the block is one line', () => {
  const block = typedBlock([note('a\nb'), note('c')], false);
  assert.ok(!block.text.includes('\n'));
  assert.ok(bytes(block.text) <= MAX_TYPED_BYTES);
});
