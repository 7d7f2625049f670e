// Helpers shared across test folders: scratch dirs, git, expected LoopErrors.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { LoopError } from '../../src/errors.js';

/** A temporary directory (real path) removed after the file's tests. */
export function scratchDir(prefix: string): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), `${prefix}-`)));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Run git in `cwd` with a fixed identity; returns stdout. */
export const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', args, {
    cwd,
    stdio: 'pipe',
    env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' },
  }).toString();

/** The LoopError that `fn` throws (fails the test if it throws anything else, or nothing). */
export function loopError(fn: () => unknown): LoopError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof LoopError, String(error));
    return error;
  }
  assert.fail('expected a LoopError');
}

/** A maker of fresh, empty directories under one scratch dir (removed after the file's tests). */
export function freshDirs(prefix: string): () => string {
  const base = scratchDir(prefix);
  let counter = 0;
  return () => {
    const dir = join(base, `d-${++counter}`);
    mkdirSync(dir);
    return dir;
  };
}
