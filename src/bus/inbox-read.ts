import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { agentAreaDir } from '../isolation/agent-area.js';
import { ensureDir, writeFileAtomic } from '../run/fs-atomic.js';
import { readJournal, type JournalEvent } from '../run/journal.js';
import type { AgentRole as Role } from './kinds.js';
import type { Envelope } from './message.js';

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
 * readInbox (inbox.ts) with the journal's envelopes picked by `pick`; undefined, touching nothing, when `pick`
 * cannot tell (the zod-free pick of `loop inbox`, quick-envelopes.ts).
 */
export function readInboxWith(
  runDir: string, role: Role, options: { all?: boolean }, pick: (events: readonly JournalEvent[]) => Envelope[] | undefined,
): Envelope[] | undefined {
  const envelopes = pick(readJournal(join(runDir, 'events.jsonl')).events);
  if (!envelopes) return undefined;
  const mine = envelopes.filter((e) => e.to === role);
  if (options.all) return mine;
  const cursor = readCursor(runDir, role);
  const unread = mine.filter((e) => e.seq > cursor);
  if (unread.length > 0) {
    ensureDir(agentAreaDir(runDir, role));
    writeFileAtomic(cursorPath(runDir, role), JSON.stringify({ seq: unread[unread.length - 1]!.seq }));
  }
  return unread;
}
