import { chmodSync, closeSync, existsSync, openSync, readSync, renameSync, writeSync } from 'node:fs';
import { FILE_MODE } from './fs-atomic.js';

/** A free `<path>.foreign-<timestamp>` name for bytes loop did not write. */
function foreignPath(path: string, now: Date): string {
  const base = `${path}.foreign-${now.toISOString().replace(/[:.]/g, '-')}`;
  let candidate = base;
  for (let n = 2; existsSync(candidate); n++) candidate = `${base}-${n}`;
  return candidate;
}

/** Move a file loop did not write aside (mode 0600, never deleted); returns where it went. */
export function moveForeign(path: string, now = new Date()): string {
  const target = foreignPath(path, now);
  renameSync(path, target);
  chmodSync(target, FILE_MODE);
  return target;
}

const CHUNK = 1 << 20;

/** Copy bytes [start, end) of an open file into a new `<path>.foreign-<timestamp>` file (mode 0600); returns its path. */
export function copyForeign(path: string, fd: number, start: number, end: number, now = new Date()): string {
  const target = foreignPath(path, now);
  const out = openSync(target, 'wx', FILE_MODE);
  try {
    const buffer = Buffer.alloc(Math.min(CHUNK, Math.max(end - start, 1)));
    for (let at = start; at < end;) {
      const read = readSync(fd, buffer, 0, Math.min(buffer.length, end - at), at);
      if (read === 0) break;
      writeSync(out, buffer, 0, read);
      at += read;
    }
  } finally {
    closeSync(out);
  }
  return target;
}
