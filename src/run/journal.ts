import { appendFileSync, closeSync, existsSync, fsyncSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { GENESIS, hashLine, type ChainHead } from './chain.js';
import { FILE_MODE, writeFileAtomic } from './fs-atomic.js';
import { guardJournal, type OwnBytes } from './journal-guard.js';

/** One line of `events.jsonl` (contract: `seq` 1, 2, 3…, `at`, `type`, then the event's own fields). */
export interface JournalEvent {
  seq: number;
  at: string;
  type: string;
  [field: string]: unknown;
}

export interface JournalRead {
  events: JournalEvent[];
  /** Lines that could not be parsed (a torn last line is not counted). */
  skipped: number;
  /** A torn (unterminated, unparsable) last line was present. */
  torn: boolean;
}

const isEvent = (value: unknown): value is JournalEvent =>
  typeof value === 'object' && value !== null && typeof (value as JournalEvent).seq === 'number' &&
  typeof (value as JournalEvent).type === 'string';

/** Parse journal text; a torn last line is skipped, as the contract asks of readers. */
export function parseJournal(text: string): JournalRead {
  const lines = text.split('\n');
  const events: JournalEvent[] = [];
  let skipped = 0;
  let torn = false;
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const last = index === lines.length - 1; // no trailing newline after it
    try {
      const value: unknown = JSON.parse(line);
      if (isEvent(value)) events.push(value);
      else skipped++;
    } catch {
      if (last) torn = true;
      else skipped++;
    }
  });
  return { events, skipped, torn };
}

/** Read a journal file; a missing file reads as empty. */
export function readJournal(path: string): JournalRead {
  if (!existsSync(path)) return { events: [], skipped: 0, torn: false };
  return parseJournal(readFileSync(path, 'utf8'));
}

/** A `tamper.refused` event: bytes in a run's records that loop did not write, saved aside. */
export interface TamperEvent extends JournalEvent {
  file: string;
  savedTo: string | null;
  reason: string;
  bytes?: number;
}

/**
 * The append-only journal of one run, a hash chain: every event carries `prev`, the hash of the line before
 * it. Only one process (the lock holder) appends, and before each append it checks that the file is still
 * what it wrote (see journal-guard.ts).
 */
export class Journal {
  /** Called after a `tamper.refused` event is journaled. */
  onTamper?: (event: TamperEvent) => void;
  /** Told every line appended (with its newline): the sandboxed agents' copies follow the journal. */
  onWrite?: (line: string) => void;
  private seq: number;
  private own: OwnBytes;
  private hash: string;

  private constructor(readonly path: string, private fd: number, seq: number, own: OwnBytes) {
    this.seq = seq;
    this.own = own;
    this.hash = own.lastLine === '' ? GENESIS : hashLine(own.lastLine);
  }

  /** Open for appending; a torn tail left by a crash is saved beside the file and cut off. */
  static open(path: string): Journal {
    let text = '';
    let seq = 0;
    if (existsSync(path)) {
      text = readFileSync(path, 'utf8');
      const { events, torn } = parseJournal(text);
      seq = events.reduce((max, event) => Math.max(max, event.seq), 0);
      if (text.length > 0 && !text.endsWith('\n') && !torn) {
        // Only the newline is missing: the last event is whole (readers count it), so keep it.
        appendFileSync(path, '\n');
        text += '\n';
      } else if (torn) {
        const cut = text.lastIndexOf('\n') + 1;
        writeFileAtomic(`${path}.torn-${Date.now()}`, text.slice(cut));
        const fd = openSync(path, 'r+');
        ftruncateSync(fd, Buffer.byteLength(text.slice(0, cut)));
        closeSync(fd);
        text = text.slice(0, cut);
      }
    }
    const lines = text.split('\n');
    const own = { size: Buffer.byteLength(text), lastLine: lines[lines.length - 2] ?? '' };
    return new Journal(path, openSync(path, 'a+', FILE_MODE), seq, own);
  }

  get lastSeq(): number {
    return this.seq;
  }

  /** The last event's seq and the hash of its line (recorded in the manifest as `journalHead`). */
  get head(): ChainHead {
    return { seq: this.seq, hash: this.hash };
  }

  /** Append one event durably and return it; bytes someone else put in the file are refused first. */
  append<T extends Record<string, unknown>>(type: string, fields: T = {} as T, now = new Date()): JournalEvent & T {
    const guard = guardJournal(this.path, this.fd, this.own, now);
    this.fd = guard.fd;
    this.own = { ...this.own, size: guard.size };
    if (guard.intrusion) this.recordTamper({ file: 'events.jsonl', ...guard.intrusion }, now);
    return this.write(type, fields, now);
  }

  /** Journal a `tamper.refused` event (for this file or another run record) and tell `onTamper`. */
  recordTamper(fields: { file: string; savedTo: string | null; reason: string; bytes?: number; role?: string }, now = new Date()): TamperEvent {
    const event = this.write('tamper.refused', fields, now) as TamperEvent;
    this.onTamper?.(event);
    return event;
  }

  private write<T extends Record<string, unknown>>(type: string, fields: T, now: Date): JournalEvent & T {
    const event = { seq: this.seq + 1, at: now.toISOString(), type, ...fields, prev: this.hash };
    const line = JSON.stringify(event);
    writeSync(this.fd, `${line}\n`);
    fsyncSync(this.fd);
    this.seq = event.seq;
    this.hash = hashLine(line);
    this.own = { size: this.own.size + Buffer.byteLength(line) + 1, lastLine: line };
    this.onWrite?.(`${line}\n`);
    return event;
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
