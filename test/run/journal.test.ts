import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Journal, parseJournal, readJournal } from '../../src/run/journal.js';
import { freshDirs } from '../helpers/shared.js';

const newDir = freshDirs('loop-journal-test');

describe('Journal', () => {
  test('appends seq 1, 2, 3 with at and type, one JSON object per line, mode 0600', () => {
    const path = join(newDir(), 'events.jsonl');
    const journal = Journal.open(path);
    const at = new Date('2026-01-01T00:00:00.000Z');
    const first = journal.append('run.started', { id: 'r1' }, at);
    journal.append('message', { envelope: { id: 'm' } }, at);
    journal.append('run.finished', {}, at);
    journal.close();
    assert.deepEqual(first, { seq: 1, at: '2026-01-01T00:00:00.000Z', type: 'run.started', id: 'r1', prev: '0'.repeat(64) });
    const lines = readFileSync(path, 'utf8').split('\n');
    assert.equal(lines.length, 4);
    assert.equal(lines[3], '');
    assert.deepEqual(lines.slice(0, 3).map((l) => JSON.parse(l).seq), [1, 2, 3]);
    assert.deepEqual(lines.slice(0, 3).map((l) => JSON.parse(l).type), ['run.started', 'message', 'run.finished']);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(journal.lastSeq, 3);
  });

  test('reopening continues the seq', () => {
    const path = join(newDir(), 'events.jsonl');
    const a = Journal.open(path);
    a.append('one');
    a.append('two');
    a.close();
    const b = Journal.open(path);
    assert.equal(b.lastSeq, 2);
    assert.equal(b.append('three').seq, 3);
    b.close();
    assert.deepEqual(readJournal(path).events.map((e) => [e.seq, e.type]), [[1, 'one'], [2, 'two'], [3, 'three']]);
  });

  test('readers skip a torn last line without counting it', () => {
    const path = join(newDir(), 'events.jsonl');
    const journal = Journal.open(path);
    journal.append('one');
    journal.append('two');
    journal.close();
    appendFileSync(path, '{"seq":3,"at":"2026');
    const read = readJournal(path);
    assert.deepEqual(read.events.map((e) => e.seq), [1, 2]);
    assert.equal(read.torn, true);
    assert.equal(read.skipped, 0);
  });

  test('open saves a torn tail aside as events.jsonl.torn-*, cuts it off, and the next append is a clean line', () => {
    const dir = newDir();
    const path = join(dir, 'events.jsonl');
    const journal = Journal.open(path);
    journal.append('one');
    journal.append('two');
    journal.close();
    const clean = readFileSync(path, 'utf8');
    appendFileSync(path, '{"seq":3,"at":"2026');

    const reopened = Journal.open(path);
    const torn = readdirSync(dir).filter((name) => name.startsWith('events.jsonl.torn-'));
    assert.equal(torn.length, 1);
    assert.equal(readFileSync(join(dir, torn[0]!), 'utf8'), '{"seq":3,"at":"2026');
    assert.equal(readFileSync(path, 'utf8'), clean);
    assert.equal(reopened.append('three').seq, 3);
    reopened.close();

    const read = readJournal(path);
    assert.deepEqual(read.events.map((e) => [e.seq, e.type]), [[1, 'one'], [2, 'two'], [3, 'three']]);
    assert.equal(read.torn, false);
    assert.equal(read.skipped, 0);
  });

  test('a complete last event missing only its newline is kept, not cut off', () => {
    const dir = newDir();
    const path = join(dir, 'events.jsonl');
    writeFileSync(path, '{"seq":1,"at":"x","type":"one"}\n{"seq":2,"at":"x","type":"two"}');
    const journal = Journal.open(path);
    assert.equal(journal.lastSeq, 2);
    journal.append('three');
    journal.close();
    assert.deepEqual(readJournal(path).events.map((e) => [e.seq, e.type]), [[1, 'one'], [2, 'two'], [3, 'three']]);
    assert.deepEqual(readdirSync(dir), ['events.jsonl']);
  });

  test('malformed middle lines are counted as skipped', () => {
    const text = [
      '{"seq":1,"at":"x","type":"a"}',
      'not json',
      '{"seq":"2","at":"x","type":"b"}',
      '',
      '[1,2]',
      '{"seq":3,"at":"x","type":"c"}',
      '',
    ].join('\n');
    const read = parseJournal(text);
    assert.deepEqual(read.events.map((e) => e.seq), [1, 3]);
    assert.equal(read.skipped, 3);
    assert.equal(read.torn, false);
  });

  test('a missing journal reads as empty; a new one starts at seq 1', () => {
    const path = join(newDir(), 'events.jsonl');
    assert.deepEqual(readJournal(path), { events: [], skipped: 0, torn: false });
    const journal = Journal.open(path);
    assert.equal(journal.lastSeq, 0);
    assert.equal(journal.append('first').seq, 1);
    journal.close();
  });
});
