import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';

/** The `prev` of a journal's first event: 64 zeros. */
export const GENESIS = '0'.repeat(64);

/** The head of a journal: the last event's seq and the hash of its line. */
export interface ChainHead {
  seq: number;
  hash: string;
}

/** One whole line of a journal, as the chain sees it (line numbers are 1-based, as in an editor). */
export interface ChainLink {
  line: number;
  seq: number;
  hash: string;
}

/** What checking a journal's hash chain found. */
export interface ChainReport {
  /** No break was found (an unchained journal is not broken). */
  ok: boolean;
  /** Some line carries `prev` (journals written before hash chains carry none). */
  chained: boolean;
  /** Whole events read, up to the first break. */
  events: number;
  /** The first bad line and why it is bad. */
  brokenAt?: number;
  reason?: string;
  /** The last good line's seq and hash (absent for an empty journal). */
  head?: ChainHead;
  /** Every good line, in order. */
  links: ChainLink[];
  /** A torn last line (a crash mid-write) was skipped; it is not a break. */
  torn: boolean;
}

/** The sha256 hex of a journal line's exact bytes (the JSON text without its trailing newline). */
export const hashLine = (line: string): string => createHash('sha256').update(line, 'utf8').digest('hex');

const parse = (line: string): unknown => {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
};

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Check a journal's text line by line: every line is a JSON event whose seq follows the last, and, from the
 * first line carrying `prev` on, every line's `prev` is the hash of the line before it (64 zeros for line 1).
 * A torn last line (no newline, not JSON) is skipped.
 */
export function verifyChain(text: string): ChainReport {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const links: ChainLink[] = [];
  let chained = false;
  let torn = false;
  const broken = (line: number, reason: string): ChainReport => ({
    ok: false, chained, events: links.length, brokenAt: line, reason, links, torn,
    ...(links.length > 0 ? { head: headOf(links) } : {}),
  });
  for (const [index, line] of lines.entries()) {
    const number = index + 1;
    const value = parse(line);
    if (value === undefined) {
      if (index === lines.length - 1 && !text.endsWith('\n')) {
        torn = true;
        break;
      }
      return broken(number, 'not valid JSON');
    }
    if (!isRecord(value) || typeof value.seq !== 'number' || typeof value.type !== 'string') return broken(number, 'not a journal event');
    const previous = links[links.length - 1];
    if (previous && value.seq !== previous.seq + 1) return broken(number, `seq ${value.seq} does not follow seq ${previous.seq}`);
    if ('prev' in value) {
      chained = true;
      const expected = previous ? previous.hash : GENESIS;
      if (value.prev !== expected) {
        // When the next line still chains to this one, this line is as written and the line before it was changed.
        if (previous && chainsTo(lines[index + 1], line)) {
          links.pop();
          return broken(number - 1, `changed after it was written (line ${number}'s prev no longer matches it)`);
        }
        return broken(number, previous ? `prev does not match line ${number - 1}` : 'prev of line 1 is not 64 zeros');
      }
    } else if (chained) {
      return broken(number, 'prev is missing');
    }
    links.push({ line: number, seq: value.seq, hash: hashLine(line) });
  }
  return { ok: true, chained, events: links.length, links, torn, ...(links.length > 0 ? { head: headOf(links) } : {}) };
}

/** Whether `next` is an event whose prev is the hash of `line`. */
const chainsTo = (next: string | undefined, line: string): boolean => {
  const value = next === undefined ? undefined : parse(next);
  return isRecord(value) && value.prev === hashLine(line);
};

const headOf = (links: ChainLink[]): ChainHead => ({ seq: links[links.length - 1]!.seq, hash: links[links.length - 1]!.hash });

/** Check the chain of a journal file; a missing file is an empty, unchained journal. */
export function readChain(path: string): ChainReport {
  return verifyChain(existsSync(path) ? readFileSync(path, 'utf8') : '');
}

/** One line describing a chain, for `loop show` and `loop verify`. */
export function describeChain(report: ChainReport): string {
  if (!report.ok) return `broken at line ${report.brokenAt}: ${report.reason}`;
  if (!report.chained) return `unchained (written before hash chains; ${report.events} events)`;
  return `intact (${report.events} events)`;
}
