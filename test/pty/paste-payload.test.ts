import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chunkByBytes, preparePayload } from '../../src/pty/paste-payload.js';

test('plain payloads become one line', () => {
  assert.equal(preparePayload('one\ntwo\r\nthree\rfour\tfive', false), 'one two three four five');
});

test('bracketed payloads keep lines as CR, as terminals paste them', () => {
  assert.equal(preparePayload('one\ntwo\r\nthree\tx', true), 'one\rtwo\rthree\tx');
});

test('control characters are removed, so text cannot end a paste early', () => {
  assert.equal(preparePayload('a\x1b[201~b\x07c\x9bd', true), 'a[201~bcd');
  assert.equal(preparePayload('a\x1b[201~b', false), 'a[201~b');
});

test('chunkByBytes never exceeds the limit nor splits a character', () => {
  const text = 'é'.repeat(10) + '😀'.repeat(5) + 'abc';
  const chunks = chunkByBytes(text, 7);
  assert.equal(chunks.join(''), text);
  for (const chunk of chunks) {
    assert.ok(Buffer.byteLength(chunk) <= 7);
    assert.ok(!/[\ud800-\udbff]$/.test(chunk), 'no lone high surrogate at a chunk end');
  }
  assert.deepEqual(chunkByBytes('', 10), []);
  assert.deepEqual(chunkByBytes('abc', 3500), ['abc']);
});
