import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { AsciicastRecorder } from '../../src/pty/recorder.js';
import { tempDir } from './helpers.js';

const readCast = (path: string): { header: Record<string, unknown>; events: unknown[][] } => {
  const [headerLine, ...lines] = readFileSync(path, 'utf8').trimEnd().split('\n');
  return { header: JSON.parse(headerLine ?? '') as Record<string, unknown>, events: lines.map((l) => JSON.parse(l) as unknown[]) };
};

test('writes an asciicast v2 header and o/i/r/m events, file mode 0600', (t) => {
  const path = join(tempDir(t), 'sub', 'agent.cast');
  let clock = 1_700_000_000_000;
  const recorder = new AsciicastRecorder({ path, cols: 120, rows: 30, now: () => clock });
  clock += 1500;
  recorder.output('hello\r\n');
  clock += 250;
  recorder.input('hi\r');
  recorder.resize(100, 40);
  recorder.marker('turn 1');
  recorder.output('');
  recorder.close();
  recorder.close();
  const { header, events } = readCast(path);
  assert.deepEqual(header, { version: 2, width: 120, height: 30, timestamp: 1_700_000_000, env: { TERM: 'xterm-256color' } });
  assert.deepEqual(events, [
    [1.5, 'o', 'hello\r\n'],
    [1.75, 'i', 'hi\r'],
    [1.75, 'r', '100x40'],
    [1.75, 'm', 'turn 1'],
  ]);
  assert.equal(statSync(path).mode & 0o777, 0o600);
});

test('an existing file is truncated and gets mode 0600', (t) => {
  const path = join(tempDir(t), 'old.cast');
  writeFileSync(path, 'old content\n'.repeat(100));
  chmodSync(path, 0o644);
  const recorder = new AsciicastRecorder({ path, cols: 80, rows: 24 });
  recorder.close();
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.equal(readCast(path).events.length, 0);
});

test('stops at maxBytes with one truncation marker', (t) => {
  const path = join(tempDir(t), 'capped.cast');
  const recorder = new AsciicastRecorder({ path, cols: 80, rows: 24, maxBytes: 1000 });
  for (let i = 0; i < 100; i += 1) recorder.output(`line ${i} ${'x'.repeat(40)}\r\n`);
  assert.equal(recorder.truncated, true);
  recorder.input('more');
  recorder.close();
  const text = readFileSync(path, 'utf8');
  const { events } = readCast(path);
  const last = events.at(-1) ?? [];
  assert.deepEqual(last.slice(1), ['m', 'recording truncated at 1000 bytes']);
  assert.equal(events.filter((e) => e[1] === 'm').length, 1);
  const withoutMarker = text.slice(0, text.lastIndexOf('\n', text.length - 2) + 1);
  assert.ok(Buffer.byteLength(withoutMarker) <= 1000, `content before the marker is ${Buffer.byteLength(withoutMarker)} bytes`);
  assert.equal(recorder.bytes, Buffer.byteLength(text));
});

test('an unopenable path throws at construction', (t) => {
  const file = join(tempDir(t), 'plain-file');
  writeFileSync(file, '');
  assert.throws(() => new AsciicastRecorder({ path: join(file, 'x.cast'), cols: 80, rows: 24 }), /ENOTDIR|EEXIST/);
});
