import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { agentAreaDir } from '../isolation/agent-area.js';
import { ensureDir, writeFileAtomic } from '../run/fs-atomic.js';
import { readJournal } from '../run/journal.js';
import { envelopesOf } from './envelopes.js';
import type { Envelope, Role } from './message.js';

/** The read cursor lives in the agent's own area (the one part of the run it may write under the sandbox). */
const cursorPath = (runDir: string, role: Role) => join(agentAreaDir(runDir, role), 'inbox-cursor.json');

const readCursor = (runDir: string, role: Role): number => {
  const path = cursorPath(runDir, role);
  if (!existsSync(path)) return 0;
  try {
    const value = (JSON.parse(readFileSync(path, 'utf8')) as { seq?: unknown }).seq;
    return typeof value === 'number' ? value : 0;
  } catch {
    return 0;
  }
};

/**
 * Messages addressed to `role`, oldest first: those `loop inbox` has not returned before,
 * or every one with `all`. Only the unread form advances the cursor.
 */
export function readInbox(runDir: string, role: Role, options: { all?: boolean } = {}): Envelope[] {
  const mine = envelopesOf(readJournal(join(runDir, 'events.jsonl')).events).filter((e) => e.to === role);
  if (options.all) return mine;
  const cursor = readCursor(runDir, role);
  const unread = mine.filter((e) => e.seq > cursor);
  if (unread.length > 0) {
    ensureDir(agentAreaDir(runDir, role));
    writeFileAtomic(cursorPath(runDir, role), JSON.stringify({ seq: unread[unread.length - 1]!.seq }));
  }
  return unread;
}
