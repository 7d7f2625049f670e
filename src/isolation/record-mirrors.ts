import { closeSync, constants, lstatSync, openSync, readFileSync, rmSync, watch, writeSync, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import type { Role } from '../bus/message.js';
import { ensureDir, FILE_MODE, writeFileAtomic } from '../run/fs-atomic.js';
import { createHash } from 'node:crypto';
import { privateDir, viewDir } from './agent-area.js';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

/** A write an agent made to its view of the run's records: refused (undone), kept as evidence, journaled. */
export interface TamperAttempt {
  role: Role;
  file: 'events.jsonl' | 'manifest.json';
  bytes: number;
  savedTo: string;
  reason: string;
}

type File = TamperAttempt['file'];

/** Put loop's copy back, whatever the agent left there (another file, a folder, a symlink). */
function restore(path: string, data: string): void {
  const stat = lstatSync(path, { throwIfNoEntry: false });
  if (stat && !stat.isFile()) rmSync(path, { recursive: true, force: true });
  writeFileAtomic(path, data);
}

/** What is at a mirror's path now; anything but a regular file reads as a description, never followed. */
function readMirror(path: string): string | undefined {
  const stat = lstatSync(path, { throwIfNoEntry: false });
  if (!stat) return undefined;
  if (!stat.isFile()) return `(not a regular file: ${stat.isSymbolicLink() ? 'a symbolic link' : stat.isDirectory() ? 'a folder' : 'a special file'})`;
  return readFileSync(path, 'utf8');
}

/**
 * Under the sandbox, each agent reads the journal and manifest through copies in its view folder (which it
 * sees at the run directory's path). loop keeps them in step and watches them: anything an agent writes,
 * replaces or removes there is saved aside, undone, and reported. The real records are out of its reach.
 */
export class RecordMirrors {
  private expected: Record<File, string> = { 'events.jsonl': '', 'manifest.json': '' };
  /** Bytes of the journal copy, kept as it grows (the cheap check before each append). */
  private journalBytes = 0;
  private watchers: FSWatcher[] = [];
  private pending = new Set<string>();
  private closed = false;

  constructor(private readonly runDir: string, private readonly roles: readonly Role[], private readonly onTamper: (attempt: TamperAttempt) => void) {}

  private path(role: Role, file: File): string {
    return join(viewDir(this.runDir, role), file);
  }

  /**
   * Check what the agents may have written while loop was down (resume), then copy the records in and watch.
   * Call before the agents start.
   */
  start(journalText: string, manifestText: string): void {
    const found: Array<[Role, File, string, string]> = [];
    for (const role of this.roles) {
      ensureDir(viewDir(this.runDir, role));
      const events = readMirror(this.path(role, 'events.jsonl'));
      if (events !== undefined && !journalText.startsWith(events)) found.push([role, 'events.jsonl', events, 'left its view of the journal different from the journal (while loop was down)']);
      // The manifest may have changed since (loop stop writes it): compare with the copy loop last wrote.
      const manifest = readMirror(this.path(role, 'manifest.json'));
      const lastCopy = this.lastManifestCopy();
      if (manifest !== undefined && lastCopy !== undefined && sha(manifest) !== lastCopy) found.push([role, 'manifest.json', manifest, "left its view of the manifest different from loop's (while loop was down)"]);
    }
    this.expected = { 'events.jsonl': journalText, 'manifest.json': manifestText };
    this.journalBytes = Buffer.byteLength(journalText);
    for (const role of this.roles) {
      for (const file of ['events.jsonl', 'manifest.json'] as const) restore(this.path(role, file), this.expected[file]);
      // The folder, not the files: a copy replaced by a rename is still seen.
      const watcher = watch(viewDir(this.runDir, role), { persistent: false }, (_event, name) => {
        if (name === 'events.jsonl' || name === 'manifest.json') this.schedule(role, name);
      });
      watcher.on('error', () => undefined); // the view folder went with the run: nothing left to watch
      this.watchers.push(watcher);
    }
    this.rememberManifestCopy(manifestText);
    for (const [role, file, content, reason] of found) this.refuse(role, file, content, reason);
  }

  /** A line loop appended to the journal (with its newline). */
  appendJournal(line: string): void {
    this.verifyNow();
    this.expected['events.jsonl'] += line;
    this.journalBytes += Buffer.byteLength(line);
    for (const role of this.roles) {
      // O_NOFOLLOW: a symlink an agent put there since the check is not followed out of the view.
      const fd = openSync(this.path(role, 'events.jsonl'), constants.O_WRONLY | constants.O_APPEND | constants.O_NOFOLLOW);
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
    // Copies: loop writes them again from its own manifest, so they are not worth an fsync each.
    for (const role of this.roles) writeFileAtomic(this.path(role, 'manifest.json'), text, FILE_MODE, false);
    this.rememberManifestCopy(text);
  }

  /** The hash of the manifest copy loop last gave the agents, kept where they cannot reach (`private/`). */
  private rememberManifestCopy(text: string): void {
    writeFileAtomic(join(privateDir(this.runDir), 'manifest-copy.sha256'), sha(text), FILE_MODE, false);
  }

  private lastManifestCopy(): string | undefined {
    try {
      return readFileSync(join(privateDir(this.runDir), 'manifest-copy.sha256'), 'utf8');
    } catch {
      return undefined;
    }
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
    for (const role of this.roles) {
      // The journal copy grows with the run: a size check here; the folder watch compares the content.
      const stat = lstatSync(this.path(role, 'events.jsonl'), { throwIfNoEntry: false });
      if (!stat?.isFile() || stat.size !== this.journalBytes) this.check(role, 'events.jsonl');
      this.check(role, 'manifest.json');
    }
  }

  private check(role: Role, file: File): void {
    const path = this.path(role, file);
    let actual: string | undefined;
    try {
      actual = readMirror(path);
    } catch {
      return; // vanished between the look and the read: the next event tells
    }
    if (actual === this.expected[file]) return;
    restore(path, this.expected[file]);
    actual ??= '(removed)';
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
