import { closeSync, fstatSync, ftruncateSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import { FILE_MODE, writeFileAtomic } from './fs-atomic.js';
import { copyForeign, moveForeign } from './foreign.js';

/** What loop last wrote to a journal file: its size, and its last line (without the newline). */
export interface OwnBytes {
  size: number;
  lastLine: string;
}

/** Bytes found in a journal that loop did not write, and where they were saved. */
export interface Intrusion {
  bytes: number;
  savedTo: string | null;
  reason: string;
}

export interface GuardResult {
  /** The descriptor to append with (a new one when the file had been replaced). */
  fd: number;
  /** The file's size now. */
  size: number;
  intrusion?: Intrusion;
}

const readAt = (fd: number, position: number, length: number): Buffer => {
  const buffer = Buffer.alloc(length);
  const read = readSync(fd, buffer, 0, length, position);
  return buffer.subarray(0, read);
};

/**
 * Check that a journal file is still exactly what loop wrote (same file, same size, same last line) before
 * loop appends to it. Appended bytes are saved aside and cut off; a replaced or removed file is saved aside
 * and loop's own bytes are put back. Bytes loop wrote that were changed cannot be restored: the whole file
 * is copied aside as evidence and left as it is, so the broken chain shows where.
 */
export function guardJournal(path: string, fd: number, own: OwnBytes, now = new Date()): GuardResult {
  const mine = fstatSync(fd);
  const onDisk = statSync(path, { throwIfNoEntry: false });
  if (!onDisk || onDisk.ino !== mine.ino || onDisk.dev !== mine.dev) {
    const savedTo = onDisk ? moveForeign(path, now) : null;
    writeFileAtomic(path, readAt(fd, 0, own.size));
    closeSync(fd);
    return {
      fd: openSync(path, 'a+', FILE_MODE),
      size: own.size,
      intrusion: { bytes: onDisk?.size ?? 0, savedTo, reason: onDisk ? 'events.jsonl was replaced by another file' : 'events.jsonl was removed' },
    };
  }
  const size = mine.size;
  const tail = own.lastLine === '' ? Buffer.alloc(0) : Buffer.from(`${own.lastLine}\n`);
  const tailIntact = size >= own.size && readAt(fd, own.size - tail.length, tail.length).equals(tail);
  if (tailIntact && size === own.size) return { fd, size };
  if (tailIntact) {
    const savedTo = copyForeign(path, fd, own.size, size, now);
    ftruncateSync(fd, own.size);
    return { fd, size: own.size, intrusion: { bytes: size - own.size, savedTo, reason: `${size - own.size} bytes that loop did not write were appended` } };
  }
  const savedTo = copyForeign(path, fd, 0, size, now);
  let kept = size;
  if (size > 0 && !readAt(fd, size - 1, 1).equals(Buffer.from('\n'))) {
    writeSync(fd, '\n'); // so loop's next line starts on a line of its own
    kept++;
  }
  return {
    fd,
    size: kept,
    intrusion: { bytes: size, savedTo, reason: `bytes that loop wrote were changed or cut (the file is ${size} bytes, loop wrote ${own.size}); the journal was copied aside and left as found` },
  };
}
