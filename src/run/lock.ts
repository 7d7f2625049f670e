import { existsSync, readFileSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { LoopError, ExitCode } from '../errors.js';
import { createExclusive, writeFileAtomic } from './fs-atomic.js';

export interface LockInfo {
  pid: number;
  host: string;
  startedAt: string;
}

export const lockPath = (runDir: string) => join(runDir, 'lock');

/** Whether a process with this pid is alive on this host. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The lock's holder, or undefined if there is no readable lock. */
export function readLock(runDir: string): LockInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(lockPath(runDir), 'utf8')) as LockInfo;
    return typeof info.pid === 'number' ? info : undefined;
  } catch {
    return undefined;
  }
}

/** A lock that is held by a live process on this host. */
export function liveLock(runDir: string): LockInfo | undefined {
  const info = readLock(runDir);
  if (!info) return undefined;
  if (info.host !== hostname()) return info; // cannot check: assume live
  return isAlive(info.pid) ? info : undefined;
}

/** The run lock: one driving process per run. A stale lock (dead pid, same host) is taken over. */
export class RunLock {
  private constructor(readonly runDir: string, readonly info: LockInfo, readonly tookOver?: LockInfo) {}

  static acquire(runDir: string, runId: string): RunLock {
    const info: LockInfo = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
    const path = lockPath(runDir);
    if (createExclusive(path, JSON.stringify(info))) return new RunLock(runDir, info);
    const holder = readLock(runDir);
    if (holder && holder.host !== hostname()) {
      throw new LoopError('locked', `run ${runId} is locked by pid ${holder.pid} on host ${holder.host} since ${holder.startedAt}`, {
        exitCode: ExitCode.usage,
        hint: `if that host is gone, delete ${path}`,
      });
    }
    if (holder && isAlive(holder.pid) && holder.pid !== process.pid) {
      throw new LoopError('locked', `run ${runId} is already being driven by pid ${holder.pid} (since ${holder.startedAt})`, {
        exitCode: ExitCode.usage,
        hint: `stop it with: loop stop ${runId}`,
      });
    }
    writeFileAtomic(path, JSON.stringify(info));
    return new RunLock(runDir, info, holder);
  }

  release(): void {
    const current = readLock(this.runDir);
    if (current?.pid === this.info.pid && existsSync(lockPath(this.runDir))) rmSync(lockPath(this.runDir), { force: true });
  }
}
