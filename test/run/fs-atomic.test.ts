import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDir, moveAside, writeFileAtomic } from '../../src/run/fs-atomic.js';

const base = mkdtempSync(join(tmpdir(), 'loop-fs-atomic-test-'));
after(() => rmSync(base, { recursive: true, force: true }));

describe('fs-atomic', () => {
  test('ensureDir creates nested dirs with mode 0700 and tightens an existing one', () => {
    const dir = join(base, 'a', 'b', 'c');
    ensureDir(dir);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    const loose = join(base, 'loose');
    ensureDir(loose);
    ensureDir(loose);
    assert.equal(statSync(loose).mode & 0o777, 0o700);
  });

  test('writeFileAtomic writes with mode 0600, replaces content, and leaves no temp file', () => {
    const dir = join(base, 'w');
    ensureDir(dir);
    const path = join(dir, 'file.json');
    writeFileAtomic(path, 'one');
    writeFileAtomic(path, 'two');
    assert.equal(readFileSync(path, 'utf8'), 'two');
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(dir), ['file.json']);
  });

  test('moveAside renames to <name>.corrupt-<timestamp> and keeps the content', () => {
    const dir = join(base, 'm');
    ensureDir(dir);
    const path = join(dir, 'manifest.json');
    writeFileSync(path, 'garbage');
    const target = moveAside(path, new Date('2026-01-02T03:04:05.678Z'));
    assert.equal(target, `${path}.corrupt-2026-01-02T03-04-05-678Z`);
    assert.equal(existsSync(path), false);
    assert.equal(readFileSync(target!, 'utf8'), 'garbage');
  });

  test('moveAside of a missing file returns undefined', () => {
    assert.equal(moveAside(join(base, 'nope')), undefined);
  });
});
