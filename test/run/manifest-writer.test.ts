import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Journal, readJournal, type TamperEvent } from '../../src/run/journal.js';
import { manifestPath, manifestText, readManifest, writeManifest } from '../../src/run/manifest.js';
import { ManifestWriter } from '../../src/run/manifest-writer.js';
import { freshDirs } from '../helpers/shared.js';
import { manifest } from './helpers.js';

const newDir = freshDirs('loop-manifest-writer-test');
const at = new Date('2026-01-02T03:04:05.678Z');
const foreignFiles = (dir: string) => readdirSync(dir).filter((name) => name.startsWith('manifest.json.foreign-'));

function setUp() {
  const dir = newDir();
  const journal = Journal.open(join(dir, 'events.jsonl'));
  const seen: TamperEvent[] = [];
  journal.onTamper = (event) => seen.push(event);
  journal.append('run.started');
  return { dir, journal, seen };
}

describe('ManifestWriter', () => {
  test('every write carries the journal head', () => {
    const { dir, journal } = setUp();
    const writer = ManifestWriter.create(dir, journal);
    const written = writer.write(manifest());
    assert.deepEqual(written.journalHead, journal.head);
    assert.equal(readFileSync(manifestPath(dir), 'utf8'), manifestText(written));
    journal.append('transition');
    assert.deepEqual(writer.write(manifest({ iteration: 2 })).journalHead, { seq: 2, hash: journal.head.hash });
    assert.deepEqual(readManifest(dir).journalHead, journal.head);
  });

  test('a manifest changed by someone else is saved aside, journaled as tamper.refused, and replaced by loop\'s own', () => {
    const { dir, journal, seen } = setUp();
    const writer = ManifestWriter.create(dir, journal);
    writer.write(manifest({ status: 'running' }));
    const forged = manifestText(manifest({ status: 'completed', result: { exitCode: 0, reason: 'forged' } }));
    writeFileSync(manifestPath(dir), forged);
    const written = writer.write(manifest({ status: 'running', iteration: 2 }), at);

    assert.deepEqual(foreignFiles(dir), ['manifest.json.foreign-2026-01-02T03-04-05-678Z']);
    const savedTo = join(dir, 'manifest.json.foreign-2026-01-02T03-04-05-678Z');
    assert.equal(readFileSync(savedTo, 'utf8'), forged);
    assert.equal(statSync(savedTo).mode & 0o777, 0o600);
    const tamper = readJournal(join(dir, 'events.jsonl')).events[1]!;
    assert.deepEqual([tamper.type, tamper.file, tamper.savedTo, tamper.reason], ['tamper.refused', 'manifest.json', savedTo, 'manifest.json was changed by another process']);
    assert.deepEqual(seen.map((e) => e.seq), [2]);
    assert.deepEqual(written.journalHead, journal.head);
    assert.equal(readManifest(dir).status, 'running');
    assert.equal(readManifest(dir).journalHead?.seq, 2);
  });

  test('a removed manifest is journaled and written again', () => {
    const { dir, journal } = setUp();
    const writer = ManifestWriter.create(dir, journal);
    writer.write(manifest());
    rmSync(manifestPath(dir));
    writer.write(manifest());
    const tamper = readJournal(join(dir, 'events.jsonl')).events[1]!;
    assert.deepEqual([tamper.savedTo, tamper.reason], [null, 'manifest.json was removed']);
    assert.deepEqual(foreignFiles(dir), []);
  });

  test('adopt takes the manifest on disk as the one to compare with; the first write of a new run compares nothing', () => {
    const { dir, journal, seen } = setUp();
    writeManifest(dir, manifest());
    const adopted = ManifestWriter.adopt(dir, journal);
    adopted.write(manifest({ iteration: 3 }));
    assert.deepEqual(seen, []);
    writeManifest(dir, manifest({ status: 'completed' }));
    ManifestWriter.create(dir, journal).write(manifest());
    assert.deepEqual(seen, []);
    writeManifest(dir, manifest({ status: 'completed' }));
    adopted.write(manifest());
    assert.equal(seen.length, 1);
  });
});
