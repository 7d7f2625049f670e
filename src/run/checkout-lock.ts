import { createHash } from 'node:crypto';
import { linkSync, readFileSync, realpathSync, renameSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { LoopError, ExitCode } from '../errors.js';
import { createExclusive, ensureDir } from './fs-atomic.js';
import { isAlive } from './lock.js';

/** Who holds a checkout: the driving process and its run. */
export interface CheckoutHolder {
  pid: number;
  host: string;
  runId: string;
  checkout: string;
  startedAt: string;
}

/** `$LOOP_HOME/checkouts/<sha256 of the checkout's real top-level path>.lock`. */
export const checkoutLockPath = (home: string, top: string): string =>
  join(home, 'checkouts', `${createHash('sha256').update(realpathSync(top)).digest('hex').slice(0, 24)}.lock`);

function readHolder(path: string): { text: string; holder?: CheckoutHolder } | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const holder = JSON.parse(text) as CheckoutHolder;
    return { text, holder: typeof holder.pid === 'number' ? holder : undefined };
  } catch {
    return { text }; // torn or foreign: a holder that cannot be live
  }
}

const live = (holder: CheckoutHolder | undefined) =>
  holder !== undefined && (holder.host !== hostname() || (isAlive(holder.pid) && holder.pid !== process.pid));

/**
 * One live run per checkout (working tree). The lock file is created with O_EXCL, so of two runs started at the
 * same moment exactly one gets it. A holder that is dead (same host) is taken over: the stale file is renamed to
 * a name of our own first (atomic; only one contender wins the rename), checked to be the very file judged
 * stale, and removed; then creation with O_EXCL is tried again.
 */
export class CheckoutLock {
  private constructor(readonly path: string, readonly holder: CheckoutHolder) {}

  static acquire(home: string, top: string, runId: string): CheckoutLock {
    ensureDir(join(home, 'checkouts'));
    const path = checkoutLockPath(home, top);
    const holder: CheckoutHolder = { pid: process.pid, host: hostname(), runId, checkout: top, startedAt: new Date().toISOString() };
    for (let attempt = 0; attempt < 5; attempt++) {
      if (createExclusive(path, JSON.stringify(holder))) return new CheckoutLock(path, holder);
      const found = readHolder(path);
      if (!found) continue; // released meanwhile: try again
      if (live(found.holder)) throw busy(found.holder!, top);
      takeOverStale(path, found.text);
    }
    throw new LoopError('checkout-busy', `${top}: could not take the checkout lock ${path} (it kept changing)`, { exitCode: ExitCode.usage });
  }

  /** Release the lock if it is still ours. */
  release(): void {
    const found = readHolder(this.path);
    if (found?.holder?.pid === this.holder.pid && found.holder.runId === this.holder.runId) rmSync(this.path, { force: true });
  }
}

function takeOverStale(path: string, staleText: string): void {
  const mine = `${path}.${process.pid}.stale`;
  try {
    renameSync(path, mine);
  } catch {
    return; // another contender moved it first
  }
  let moved = '';
  try {
    moved = readFileSync(mine, 'utf8');
  } catch {
    // gone: nothing to put back
  }
  // We moved a lock someone took after we judged the old one stale: put it back (unless a newer one is there).
  if (moved !== staleText) {
    try {
      linkSync(mine, path);
    } catch {
      // a lock is in place again: theirs stands
    }
  }
  rmSync(mine, { force: true });
}

function busy(holder: CheckoutHolder, top: string): LoopError {
  return new LoopError('checkout-busy', `${top}: another live run (${holder.runId}, pid ${holder.pid}${holder.host !== hostname() ? ` on ${holder.host}` : ''}) is using this checkout`, {
    exitCode: ExitCode.usage,
    hint: `run this one in its own worktree: loop run --worktree …; or wait for it (loop show ${holder.runId}) or stop it (loop stop ${holder.runId})`,
  });
}
