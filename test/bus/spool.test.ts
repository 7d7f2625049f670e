import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  pendingSpoolFiles, readSpoolRecord, retireSpoolFile, spoolDir, writeSpoolRecord, type SpoolRecord,
} from '../../src/bus/spool.js';
import { freshDirs } from '../helpers/shared.js';

const newRunDir = freshDirs('loop-spool-test');

const submission = (id: string): SpoolRecord => ({
  type: 'submission',
  submission: { id, from: 'worker', kind: 'note', payload: { text: 'hi' }, at: '2026-01-01T00:00:00.000Z', via: 'cli' },
});

describe('spool', () => {
  test('write then read a submission round-trips; file is 0600 in a 0700 dir; no temp file left', () => {
    const dir = newRunDir();
    const record = submission('m-000000001aaaaaaaa');
    const path = writeSpoolRecord(dir, 'm-000000001aaaaaaaa', record);
    assert.equal(path, join(spoolDir(dir), 'm-000000001aaaaaaaa.json'));
    assert.deepEqual(readSpoolRecord(path), { ok: true, record });
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
    const path = writeSpoolRecord(dir, 'm-000000002aaaaaaaa', record);
    assert.deepEqual(readSpoolRecord(path), { ok: true, record });
  });

  test('pending lists .json files oldest id first and skips dot/temp files', () => {
    const dir = newRunDir();
    writeSpoolRecord(dir, 'm-000000003bbbbbbbb', submission('m-000000003bbbbbbbb'));
    writeSpoolRecord(dir, 'm-000000001bbbbbbbb', submission('m-000000001bbbbbbbb'));
    writeFileSync(join(spoolDir(dir), '.m-000000002bbbbbbbb.json.123.tmp'), '{');
    writeFileSync(join(spoolDir(dir), '.hidden.json'), '{');
    writeFileSync(join(spoolDir(dir), 'notes.txt'), 'x');
    assert.deepEqual(pendingSpoolFiles(dir), [
      join(spoolDir(dir), 'm-000000001bbbbbbbb.json'),
      join(spoolDir(dir), 'm-000000003bbbbbbbb.json'),
    ]);
  });

  test('pending on a run without a spool is empty', () => {
    assert.deepEqual(pendingSpoolFiles(newRunDir()), []);
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
    const path = writeSpoolRecord(dir, 'm-000000004aaaaaaaa', submission('m-000000004aaaaaaaa'));
    retireSpoolFile(path);
    assert.equal(existsSync(path), false);
    assert.deepEqual(pendingSpoolFiles(dir), []);
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
    assert.deepEqual(pendingSpoolFiles(dir), []);
  });
});
