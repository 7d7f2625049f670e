// Where Codex keeps its sessions: `$CODEX_HOME/sessions/YYYY/MM/DD/rollout-<time>-<thread id>.jsonl` (codex 0.169).
import { basename, join } from 'node:path';
import { listFiles } from './session-files.js';

export const sessionsDir = (env: Record<string, string>) => join(env.CODEX_HOME ?? join(env.HOME ?? '/root', '.codex'), 'sessions');
/** `rollout-2026-11-30T10-00-00-<thread id>.jsonl` → the thread id (a UUID). */
export const threadOf = (path: string) => /-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.jsonl$/.exec(basename(path))?.[1];

/** Codex's day folders (`sessions/YYYY/MM/DD`) that can hold a session started at `time`, local and UTC, and the day before. */
export function dayDirs(env: Record<string, string>, time: number): string[] {
  const pad = (n: number) => String(n).padStart(2, '0');
  const dirs = new Set<string>();
  for (const t of [time, time - 86_400_000, Date.now()]) {
    const d = new Date(t);
    dirs.add(join(sessionsDir(env), String(d.getFullYear()), pad(d.getMonth() + 1), pad(d.getDate())));
    dirs.add(join(sessionsDir(env), String(d.getUTCFullYear()), pad(d.getUTCMonth() + 1), pad(d.getUTCDate())));
  }
  return [...dirs];
}

/** The rollout file of a thread, wherever its day folder is. */
export function rolloutOf(env: Record<string, string>, threadId: string): string | undefined {
  for (const year of listFiles(sessionsDir(env)).sort().reverse()) {
    for (const month of listFiles(year).sort().reverse()) {
      for (const day of listFiles(month).sort().reverse()) {
        const found = listFiles(day).find((path) => threadOf(path) === threadId);
        if (found) return found;
      }
    }
  }
  return undefined;
}

