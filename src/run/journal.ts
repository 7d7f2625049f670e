import { appendFileSync, closeSync, existsSync, fsyncSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { FILE_MODE, writeFileAtomic } from './fs-atomic.js';

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

/** The append-only journal of one run. Only one process (the lock holder) appends. */
export class Journal {
  /** Told every line appended (with its newline): the sandboxed agents' copies follow the journal. */
  onWrite?: (line: string) => void;
  private fd: number;
  private seq: number;

  private constructor(readonly path: string, fd: number, seq: number) {
    this.fd = fd;
    this.seq = seq;
  }

  /** Open for appending; a torn tail left by a crash is saved beside the file and cut off. */
  static open(path: string): Journal {
    let seq = 0;
    if (existsSync(path)) {
      const text = readFileSync(path, 'utf8');
      const { events, torn } = parseJournal(text);
      seq = events.reduce((max, event) => Math.max(max, event.seq), 0);
      if (text.length > 0 && !text.endsWith('\n') && !torn) {
        // Only the newline is missing: the last event is whole (readers count it), so keep it.
        appendFileSync(path, '\n');
      } else if (torn) {
        const cut = text.lastIndexOf('\n') + 1;
        writeFileAtomic(`${path}.torn-${Date.now()}`, text.slice(cut));
        const fd = openSync(path, 'r+');
        ftruncateSync(fd, Buffer.byteLength(text.slice(0, cut)));
        closeSync(fd);
      }
    }
    return new Journal(path, openSync(path, 'a', FILE_MODE), seq);
  }

  get lastSeq(): number {
    return this.seq;
  }

  /** Append one event durably and return it. */
  append<T extends Record<string, unknown>>(type: string, fields: T = {} as T, now = new Date()): JournalEvent & T {
    const event = { seq: this.seq + 1, at: now.toISOString(), type, ...fields };
    const line = `${JSON.stringify(event)}\n`;
    writeSync(this.fd, line);
    fsyncSync(this.fd);
    this.seq = event.seq;
    this.onWrite?.(line);
    return event;
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
