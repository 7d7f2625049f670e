import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync, chmodSync, existsSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** Private modes for everything loop stores (contract: dirs 0700, files 0600). */
export const DIR_MODE = 0o700;
export const FILE_MODE = 0o600;

/** Create a directory (and parents) with mode 0700. */
export function ensureDir(path: string): void {
  mkdirSync(path, { recursive: true, mode: DIR_MODE });
  chmodSync(path, DIR_MODE);
}

/**
 * Write a file atomically: temp file in the same directory, fsync, rename. `durable: false` skips the fsync, for
 * copies loop can write again from its own records (a reader still never sees a half-written file).
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, mode = FILE_MODE, durable = true): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'w', mode);
  try {
    if (typeof data === 'string') writeSync(fd, data);
    else writeSync(fd, data);
    if (durable) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/** Move an unreadable file aside (never delete it); returns the new path. */
export function moveAside(path: string, now = new Date()): string | undefined {
  if (!existsSync(path)) return undefined;
  const target = `${path}.corrupt-${now.toISOString().replace(/[:.]/g, '-')}`;
  renameSync(path, target);
  return target;
}

/** Create `path` holding `text` only if it does not exist yet (`O_EXCL`): true when created, false when it already existed. */
export function createExclusive(path: string, text: string, mode = FILE_MODE): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', mode);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  return true;
}
