import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Largest part of a session file read when looking for a message (its tail: new turns are appended). */
const MAX_READ_BYTES = 8 * 1024 * 1024;

/** The last `MAX_READ_BYTES` of a file as text ('' when it cannot be read). */
export function readTail(path: string): string {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const size = statSync(path).size;
    const length = Math.min(size, MAX_READ_BYTES);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    return buffer.toString('utf8');
  } catch {
    return ''; // gone or unreadable: the session does not (yet) hold anything loop can see
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Does a JSONL session record hold `messageId` in a prompt the user (loop) submitted? `isPrompt` picks the
 * harness's user-prompt lines and returns their text; tool results and the agent's own words never count,
 * since an agent may quote an id it read with `loop inbox`.
 */
export function recordHolds(path: string, messageId: string, isPrompt: (line: Record<string, unknown>) => string | undefined): boolean {
  const text = readTail(path);
  if (!text.includes(messageId)) return false;
  return text.split('\n').some((line) => {
    if (!line.includes(messageId)) return false;
    try {
      const parsed: unknown = JSON.parse(line);
      if (typeof parsed !== 'object' || parsed === null) return false;
      return isPrompt(parsed as Record<string, unknown>)?.includes(messageId) ?? false;
    } catch {
      return false; // a torn last line
    }
  });
}

/** Text of content given as a string or as an array of `{type: 'text'|'input_text', text}` parts (else undefined). */
export function contentText(content: unknown, textTypes: readonly string[] = ['text', 'input_text']): string | undefined {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return undefined;
  const parts = content.filter((p): p is { type?: string; text: string } => typeof p === 'object' && p !== null && typeof (p as { text?: unknown }).text === 'string');
  if (parts.length === 0 || parts.some((p) => p.type !== undefined && !textTypes.includes(p.type))) return undefined;
  return parts.map((p) => p.text).join('\n');
}

/** A file's text ('' when it is missing or unreadable: a harness that has not written it yet). */
export function fileText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** Files directly inside `dir` (or nothing when it does not exist). */
export function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  try {
    return readdirSync(dir).map((name) => join(dir, name));
  } catch {
    return [];
  }
}

/** Backspaces enough to delete `typed` from a composer (and a few more): harmless on an empty one. */
export const backspaces = (typed: string): string => '\x7f'.repeat(Math.min(typed.length, 40_000) + 8);

/** The JSON object lines of a JSONL file's tail (torn or foreign lines skipped). */
export function jsonLines(path: string): Record<string, unknown>[] {
  return readTail(path).split('\n').flatMap((line) => {
    if (!line.trim()) return [];
    try {
      const parsed: unknown = JSON.parse(line);
      return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? [parsed as Record<string, unknown>] : [];
    } catch {
      return []; // a torn last line, or the cut head of a tail read
    }
  });
}

/** A plain object field of a record (undefined otherwise). */
export const objectField = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
