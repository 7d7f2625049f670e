import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  MAX_SPOOL_FILE_BYTES, pendingSpoolFiles, readSpoolRecord, retireSpoolFile, writeSpoolRecord, type SpoolRecord,
} from '../../src/bus/spool.js';
import { freshDirs } from '../helpers/shared.js';
import { macMatches } from '../../src/isolation/role-keys.js';

const spoolDir = (dir: string) => join(dir, 'spool');

const newRunDir = freshDirs('loop-spool-test');

const submission = (id: string): SpoolRecord => ({
  type: 'submission',
  submission: { id, from: 'worker', kind: 'note', payload: { text: 'hi' }, at: '2026-01-01T00:00:00.000Z', via: 'cli' },
});

describe('spool', () => {
  test('write then read a submission round-trips; file is 0600 in a 0700 dir; no temp file left', () => {
    const dir = newRunDir();
    const record = submission('m-000000001aaaaaaaa');
    const path = writeSpoolRecord(spoolDir(dir), 'm-000000001aaaaaaaa', record);
    assert.equal(path, join(spoolDir(dir), 'm-000000001aaaaaaaa.json'));
    assert.deepEqual(readSpoolRecord(path), { ok: true, record, body: JSON.stringify(record) });
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(statSync(spoolDir(dir)).mode & 0o777, 0o700);
    assert.deepEqual(readdirSync(spoolDir(dir)), ['m-000000001aaaaaaaa.json']);
  });

  test('a refusal record round-trips', () => {
    const dir = newRunDir();
    const record: SpoolRecord = {
      type: 'refusal',
      refusal: { id: 'm-000000002aaaaaaaa', from: 'reviewer', kind: 'task', reasons: ['runner-only'], at: 'now', via: 'mcp' },
    };
    const path = writeSpoolRecord(spoolDir(dir), 'm-000000002aaaaaaaa', record);
    assert.deepEqual(readSpoolRecord(path), { ok: true, record, body: JSON.stringify(record) });
  });

  test('pending lists .json files oldest id first and skips dot/temp files', () => {
    const dir = newRunDir();
    writeSpoolRecord(spoolDir(dir), 'm-000000003bbbbbbbb', submission('m-000000003bbbbbbbb'));
    writeSpoolRecord(spoolDir(dir), 'm-000000001bbbbbbbb', submission('m-000000001bbbbbbbb'));
    writeFileSync(join(spoolDir(dir), '.m-000000002bbbbbbbb.json.123.tmp'), '{');
    writeFileSync(join(spoolDir(dir), '.hidden.json'), '{');
    writeFileSync(join(spoolDir(dir), 'notes.txt'), 'x');
    assert.deepEqual(pendingSpoolFiles(spoolDir(dir)), [
      join(spoolDir(dir), 'm-000000001bbbbbbbb.json'),
      join(spoolDir(dir), 'm-000000003bbbbbbbb.json'),
    ]);
  });

  test('pending on a run without a spool is empty', () => {
    assert.deepEqual(pendingSpoolFiles(spoolDir(newRunDir())), []);
  });

  test('unreadable files: invalid JSON and schema failures are reported, not thrown', () => {
    const dir = newRunDir();
    mkdirSync(spoolDir(dir));
    const bad = join(spoolDir(dir), 'bad.json');
    writeFileSync(bad, '{ not json');
    const read = readSpoolRecord(bad);
    assert.equal(read.ok, false);
    const wrong = join(spoolDir(dir), 'wrong.json');
    writeFileSync(wrong, JSON.stringify({ type: 'submission', submission: { id: 'nope' } }));
    assert.deepEqual(readSpoolRecord(wrong).ok, false);
    const missing = readSpoolRecord(join(spoolDir(dir), 'missing.json'));
    assert.ok(!missing.ok && missing.error.includes('ENOENT'));
  });

  test('retire removes a processed file', () => {
    const dir = newRunDir();
    const path = writeSpoolRecord(spoolDir(dir), 'm-000000004aaaaaaaa', submission('m-000000004aaaaaaaa'));
    retireSpoolFile(path);
    assert.equal(existsSync(path), false);
    assert.deepEqual(pendingSpoolFiles(spoolDir(dir)), []);
  });

  test('an unreadable file is moved to spool/rejected/, never deleted', () => {
    const dir = newRunDir();
    mkdirSync(spoolDir(dir));
    const bad = join(spoolDir(dir), 'm-000000005aaaaaaaa.json');
    writeFileSync(bad, 'garbage');
    retireSpoolFile(bad, true);
    assert.equal(existsSync(bad), false);
    const moved = join(spoolDir(dir), 'rejected', 'm-000000005aaaaaaaa.json');
    assert.equal(readFileSync(moved, 'utf8'), 'garbage');
    assert.equal(statSync(join(spoolDir(dir), 'rejected')).mode & 0o777, 0o700);
    assert.deepEqual(pendingSpoolFiles(spoolDir(dir)), []);
  });

  test('a record written with a role key carries the MAC of its exact body; folders inside a drop-box are read too', () => {
    const dir = newRunDir();
    const record = submission('m-000000006aaaaaaaa');
    const path = writeSpoolRecord(join(spoolDir(dir), 'reviewer'), 'm-000000006aaaaaaaa', record, 'k'.repeat(64));
    const read = readSpoolRecord(path);
    assert.ok(read.ok && read.mac);
    assert.equal(read.body, JSON.stringify(record));
    assert.equal(macMatches('k'.repeat(64), read.body, read.mac), true);
    assert.equal(macMatches('j'.repeat(64), read.body, read.mac), false);
    mkdirSync(join(spoolDir(dir), 'rejected'));
    writeFileSync(join(spoolDir(dir), 'rejected', 'm-000000001aaaaaaaa.json'), 'garbage');
    assert.deepEqual(pendingSpoolFiles(spoolDir(dir)), [path]);
  });

  test('a file over the size bound is not read: reported as unreadable with its size', () => {
    const dir = newRunDir();
    mkdirSync(spoolDir(dir));
    const big = join(spoolDir(dir), 'm-000000007aaaaaaaa.json');
    writeFileSync(big, ' '.repeat(MAX_SPOOL_FILE_BYTES + 1));
    assert.deepEqual(readSpoolRecord(big), { ok: false, error: `the file is ${MAX_SPOOL_FILE_BYTES + 1} bytes; loop reads at most ${MAX_SPOOL_FILE_BYTES}` });
  });
});
