import { closeSync, existsSync, ftruncateSync, openSync, readFileSync, watch, writeSync, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import type { Role } from '../bus/message.js';
import { ensureDir, writeFileAtomic } from '../run/fs-atomic.js';
import { viewDir } from './agent-area.js';

/** A write an agent made to its view of the run's records: refused (undone), kept as evidence, journaled. */
export interface TamperAttempt {
  role: Role;
  file: 'events.jsonl' | 'manifest.json';
  bytes: number;
  savedTo: string;
  reason: string;
}

type File = TamperAttempt['file'];

/** Rewrite a file in place: the mirror is a bind-mount target, so it must keep its inode (no rename). */
function overwrite(path: string, data: string): void {
  const fd = openSync(path, 'r+');
  try {
    ftruncateSync(fd, 0);
    writeSync(fd, data, 0);
  } finally {
    closeSync(fd);
  }
}

/**
 * Under the sandbox, each agent reads the journal and manifest through copies in its own area (bound over the
 * real paths in its view). loop keeps them in step and watches them: anything an agent writes there is saved
 * aside, undone, and reported. The real records are out of the agents' reach.
 */
export class RecordMirrors {
  private expected: Record<File, string> = { 'events.jsonl': '', 'manifest.json': '' };
  private watchers: FSWatcher[] = [];
  private pending = new Set<string>();
  private closed = false;

  constructor(private readonly runDir: string, private readonly onTamper: (attempt: TamperAttempt) => void) {}

  private path(role: Role, file: File): string {
    return join(viewDir(this.runDir, role), file);
  }

  /**
   * Check what the agents may have written while loop was down (resume), then copy the records in and watch.
   * Call before the agents start.
   */
  start(journalText: string, manifestText: string): void {
    const found: Array<[Role, File, string, string]> = [];
    for (const role of ['worker', 'reviewer'] as const) {
      ensureDir(viewDir(this.runDir, role));
      const events = this.path(role, 'events.jsonl');
      if (existsSync(events)) {
        const old = readFileSync(events, 'utf8');
        if (!journalText.startsWith(old)) found.push([role, 'events.jsonl', old, "left its view of the journal different from the journal (while loop was down)"]);
      }
      const manifest = this.path(role, 'manifest.json');
      if (existsSync(manifest)) {
        const old = readFileSync(manifest, 'utf8');
        if (old !== '' && old !== manifestText) found.push([role, 'manifest.json', old, "left its view of the manifest different from loop's (while loop was down)"]);
      }
    }
    this.expected = { 'events.jsonl': journalText, 'manifest.json': manifestText };
    for (const role of ['worker', 'reviewer'] as const) {
      for (const file of ['events.jsonl', 'manifest.json'] as const) {
        const path = this.path(role, file);
        if (existsSync(path)) overwrite(path, this.expected[file]);
        else writeFileAtomic(path, this.expected[file]);
        const watcher = watch(path, { persistent: false }, () => this.schedule(role, file));
        watcher.on('error', () => undefined); // a watcher on a removed file: the next write recreates nothing
        this.watchers.push(watcher);
      }
    }
    for (const [role, file, content, reason] of found) this.refuse(role, file, content, reason);
  }

  /** A line loop appended to the journal (with its newline). */
  appendJournal(line: string): void {
    this.verifyNow();
    this.expected['events.jsonl'] += line;
    for (const role of ['worker', 'reviewer'] as const) {
      const fd = openSync(this.path(role, 'events.jsonl'), 'a');
      try {
        writeSync(fd, line);
      } finally {
        closeSync(fd);
      }
    }
  }

  /** The manifest text loop just wrote. */
  writeManifest(text: string): void {
    this.verifyNow();
    this.expected['manifest.json'] = text;
    for (const role of ['worker', 'reviewer'] as const) overwrite(this.path(role, 'manifest.json'), text);
  }

  private schedule(role: Role, file: File): void {
    const key = `${role}/${file}`;
    if (this.closed || this.pending.has(key)) return;
    this.pending.add(key);
    setTimeout(() => {
      this.pending.delete(key);
      if (!this.closed) this.check(role, file);
    }, 20).unref();
  }

  /** Check every mirror now (before loop writes to them, so that no foreign write is folded in). */
  verifyNow(): void {
    if (this.closed) return;
    for (const role of ['worker', 'reviewer'] as const) for (const file of ['events.jsonl', 'manifest.json'] as const) this.check(role, file);
  }

  private check(role: Role, file: File): void {
    const path = this.path(role, file);
    let actual: string;
    try {
      actual = readFileSync(path, 'utf8');
    } catch {
      return;
    }
    if (actual === this.expected[file]) return;
    overwrite(path, this.expected[file]);
    this.refuse(role, file, actual, file === 'events.jsonl' ? 'wrote to its view of the journal' : 'wrote to its view of the manifest');
  }

  private refuse(role: Role, file: File, content: string, reason: string): void {
    const dir = join(this.runDir, 'tamper');
    ensureDir(dir);
    const savedTo = join(dir, `${role}-${file}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
    writeFileAtomic(savedTo, content);
    // Reported after the current write: the report is itself a journal line, which the mirrors then follow.
    const attempt: TamperAttempt = { role, file, bytes: Buffer.byteLength(content), savedTo, reason: `the ${role} ${reason}` };
    queueMicrotask(() => this.onTamper(attempt));
  }

  close(): void {
    this.closed = true;
    for (const watcher of this.watchers) watcher.close();
  }
}
