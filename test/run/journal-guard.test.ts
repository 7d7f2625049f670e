import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashLine, readChain } from '../../src/run/chain.js';
import { Journal, readJournal, type TamperEvent } from '../../src/run/journal.js';
import { freshDirs } from '../helpers/shared.js';

const newDir = freshDirs('loop-journal-guard-test');
const at = new Date('2026-01-02T03:04:05.678Z');

/** A journal with two events, reporting tamper events into `seen`. */
function twoEvents(dir: string): { journal: Journal; path: string; seen: TamperEvent[]; clean: string } {
  const path = join(dir, 'events.jsonl');
  const journal = Journal.open(path);
  const seen: TamperEvent[] = [];
  journal.onTamper = (event) => seen.push(event);
  journal.append('one', {}, at);
  journal.append('two', {}, at);
  return { journal, path, seen, clean: readFileSync(path, 'utf8') };
}
const foreignFiles = (dir: string) => readdirSync(dir).filter((name) => name.startsWith('events.jsonl.foreign-'));
const withoutAt = ({ at: _at, prev: _prev, ...rest }: Record<string, unknown>) => rest;

describe('Journal: the hash chain', () => {
  test('every event carries prev; head is the last seq and the hash of its line; a reopened journal chains on', () => {
    const { journal, path } = twoEvents(newDir());
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    assert.equal(JSON.parse(lines[0]!).prev, '0'.repeat(64));
    assert.equal(JSON.parse(lines[1]!).prev, hashLine(lines[0]!));
    assert.deepEqual(journal.head, { seq: 2, hash: hashLine(lines[1]!) });
    journal.close();
    const reopened = Journal.open(path);
    assert.deepEqual(reopened.head, { seq: 2, hash: hashLine(lines[1]!) });
    assert.equal(reopened.append('three').prev, hashLine(lines[1]!));
    reopened.close();
    assert.deepEqual([readChain(path).ok, readChain(path).events], [true, 3]);
  });

  test('the fields cannot set prev', () => {
    const { journal, path } = twoEvents(newDir());
    journal.append('three', { prev: 'forged' });
    journal.close();
    assert.equal(readChain(path).ok, true);
  });
});

describe('Journal: bytes it did not write', () => {
  test('appended foreign bytes are saved aside (0600), cut off, and journaled as tamper.refused before the next event', () => {
    const dir = newDir();
    const { journal, path, seen, clean } = twoEvents(dir);
    const forged = '{"seq":3,"at":"x","type":"message","envelope":{"kind":"review"}}\n';
    appendFileSync(path, forged);
    journal.append('three', {}, at);
    journal.close();

    const saved = foreignFiles(dir);
    assert.deepEqual(saved, ['events.jsonl.foreign-2026-01-02T03-04-05-678Z']);
    assert.equal(readFileSync(join(dir, saved[0]!), 'utf8'), forged);
    assert.equal(statSync(join(dir, saved[0]!)).mode & 0o777, 0o600);
    const events = readJournal(path).events;
    assert.deepEqual(events.map((e) => [e.seq, e.type]), [[1, 'one'], [2, 'two'], [3, 'tamper.refused'], [4, 'three']]);
    assert.deepEqual(withoutAt(events[2]!), {
      seq: 3, type: 'tamper.refused', file: 'events.jsonl', savedTo: join(dir, saved[0]!),
      reason: `${forged.length} bytes that loop did not write were appended`, bytes: forged.length,
    });
    assert.equal(readFileSync(path, 'utf8').startsWith(clean), true);
    assert.deepEqual([readChain(path).ok, readChain(path).events], [true, 4]);
    assert.deepEqual(seen.map((e) => e.seq), [3]);
  });

  test('a forged line without a newline is cut off the same way', () => {
    const dir = newDir();
    const { journal, path } = twoEvents(dir);
    appendFileSync(path, '{"seq":3,"at":"x","type":"run.finished","exitCode":0}');
    journal.append('three');
    journal.close();
    assert.equal(foreignFiles(dir).length, 1);
    assert.deepEqual(readJournal(path).events.map((e) => e.type), ['one', 'two', 'tamper.refused', 'three']);
    assert.equal(readChain(path).ok, true);
  });

  test('a journal replaced by another file: the other file is saved aside and loop\'s own journal is put back', () => {
    const dir = newDir();
    const { journal, path, clean } = twoEvents(dir);
    const other = join(dir, 'other');
    writeFileSync(other, '{"seq":1,"at":"x","type":"run.finished","exitCode":0}\n');
    renameSync(other, path);
    journal.append('three', {}, at);
    journal.append('four', {}, at);
    journal.close();

    const saved = foreignFiles(dir);
    assert.equal(saved.length, 1);
    assert.equal(readFileSync(join(dir, saved[0]!), 'utf8'), '{"seq":1,"at":"x","type":"run.finished","exitCode":0}\n');
    assert.equal(readFileSync(path, 'utf8').startsWith(clean), true);
    const events = readJournal(path).events;
    assert.deepEqual(events.map((e) => e.type), ['one', 'two', 'tamper.refused', 'three', 'four']);
    assert.equal(events[2]!.reason, 'events.jsonl was replaced by another file');
    assert.equal(readChain(path).ok, true);
  });

  test('a removed journal is put back, and the removal journaled', () => {
    const dir = newDir();
    const { journal, path } = twoEvents(dir);
    rmSync(path);
    journal.append('three');
    journal.close();
    const events = readJournal(path).events;
    assert.deepEqual(events.map((e) => e.type), ['one', 'two', 'tamper.refused', 'three']);
    assert.deepEqual([events[2]!.reason, events[2]!.savedTo, events[2]!.bytes], ['events.jsonl was removed', null, 0]);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(readChain(path).ok, true);
  });

  test('a changed byte in what loop wrote is copied aside and left as found: the chain shows where', () => {
    const dir = newDir();
    const { journal, path } = twoEvents(dir);
    const changed = readFileSync(path, 'utf8').replace('"type":"two"', '"type":"TWO"');
    writeFileSync(path, changed); // same file, same size
    journal.append('three');
    journal.close();
    const saved = foreignFiles(dir);
    assert.equal(readFileSync(join(dir, saved[0]!), 'utf8'), changed);
    const events = readJournal(path).events;
    assert.equal(events[2]!.type, 'tamper.refused');
    assert.equal(events[2]!.reason, `bytes that loop wrote were changed or cut (the file is ${changed.length} bytes, loop wrote ${changed.length}); the journal was copied aside and left as found`);
    const chain = readChain(path);
    assert.deepEqual([chain.ok, chain.brokenAt], [false, 2]);
  });

  test('an untouched journal makes no tamper event and no foreign file', () => {
    const dir = newDir();
    const { journal, path, seen } = twoEvents(dir);
    journal.append('three');
    journal.close();
    assert.deepEqual(foreignFiles(dir), []);
    assert.deepEqual(seen, []);
    assert.equal(readJournal(path).events.length, 3);
  });
});
