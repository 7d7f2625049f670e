import { readFileSync, readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const POLL_MS = 40;
/** How long to wait for the group to vanish after SIGKILL before giving up. */
const AFTER_KILL_MS = 3000;

interface ProcStat {
  state: string;
  pgrp: number;
  session: number;
}

/** Parses /proc/<pid>/stat (Linux); undefined elsewhere or when the process is gone. */
const procStat = (pid: number): ProcStat | undefined => {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: fields resume after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '', pgrp: Number(fields[2]), session: Number(fields[3]) };
  } catch {
    return undefined;
  }
};

const hasProc = (): boolean => process.platform === 'linux';

/** Whether a process exists and is not a zombie (a zombie is dead, only not yet reaped). */
export const isProcessAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (!hasProc()) return true;
  // Why: a zombie answers kill(pid, 0) and may be reaped before its stat is read; then it is gone, not alive.
  const stat = procStat(pid);
  return stat !== undefined && stat.state !== 'Z';
};

/**
 * Live (non-zombie) processes in the group or session led by pid. Linux only (via /proc); the
 * session catches descendants that moved to their own process group (shell job control).
 */
export const groupMembers = (leader: number): number[] => {
  if (!hasProc()) return [];
  const members: number[] = [];
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return members;
  }
  for (const name of names) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid <= 0) continue;
    const stat = procStat(pid);
    if (stat && stat.state !== 'Z' && (stat.pgrp === leader || stat.session === leader)) {
      members.push(pid);
    }
  }
  return members;
};

/** Whether any live process remains in the group (or session) led by pid. */
export const groupAlive = (leader: number): boolean => {
  if (hasProc()) return groupMembers(leader).length > 0;
  try {
    process.kill(-leader, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const trySignal = (target: number, signal: NodeJS.Signals): void => {
  try {
    process.kill(target, signal);
  } catch {
    // ESRCH: already gone. EPERM: not ours to signal. Neither is an error here.
  }
};

/** Options of signalGroup and killProcessGroup. */
export interface GroupKillOptions {
  /**
   * Also signal the leader by pid (default true). Needed right after spawn: until the child has
   * called setsid() (inside forkpty), it is not yet in its own group and kill(-pid) misses it.
   * Pass false once the leader has been reaped, as its pid may be reused.
   */
  includeLeader?: boolean;
}

/** Sends a signal to the process group led by pid and to every member of its session. */
export const signalGroup = (leader: number, signal: NodeJS.Signals, options: GroupKillOptions = {}): void => {
  // Guard: kill(-1) would signal every process we may signal, kill(-0) our own group.
  if (!Number.isInteger(leader) || leader <= 1 || leader === process.pid) return;
  trySignal(-leader, signal);
  if (options.includeLeader ?? true) trySignal(leader, signal);
  for (const pid of groupMembers(leader)) if (pid !== process.pid) trySignal(pid, signal);
};

const anyAlive = (leader: number, options: GroupKillOptions): boolean =>
  groupAlive(leader) || ((options.includeLeader ?? true) && isProcessAlive(leader));

const waitGone = async (leader: number, ms: number, options: GroupKillOptions): Promise<boolean> => {
  const deadline = Date.now() + ms;
  while (anyAlive(leader, options)) {
    if (Date.now() >= deadline) return false;
    await sleep(POLL_MS);
  }
  return true;
};

/** Terminates a process group: SIGTERM, up to graceMs for it to go, then SIGKILL. */
export const killProcessGroup = async (leader: number, graceMs: number, options: GroupKillOptions = {}): Promise<void> => {
  signalGroup(leader, 'SIGTERM', options);
  if (await waitGone(leader, graceMs, options)) return;
  signalGroup(leader, 'SIGKILL', options);
  await waitGone(leader, AFTER_KILL_MS, options);
};

/** Anything the registry can terminate (a PtySession). */
export interface KillableSession {
  readonly pid: number;
  kill(graceMs?: number): Promise<unknown>;
}

const liveSessions = new Set<KillableSession>();

/** Adds a session to the registry; returns the function that removes it. */
export const registerSession = (session: KillableSession): (() => void) => {
  liveSessions.add(session);
  return () => {
    liveSessions.delete(session);
  };
};

/** Number of sessions still registered (not yet exited). */
export const liveSessionCount = (): number => liveSessions.size;

/** Terminates every live session (TERM, then KILL after graceMs); for SIGINT/SIGTERM handlers. */
export const killAllSessions = async (graceMs = 2000): Promise<void> => {
  await Promise.allSettled([...liveSessions].map((session) => session.kill(graceMs)));
};

/** SIGKILLs every live session's group synchronously; for process 'exit' handlers. */
export const killAllSessionsNow = (): void => {
  for (const session of liveSessions) signalGroup(session.pid, 'SIGKILL');
};
