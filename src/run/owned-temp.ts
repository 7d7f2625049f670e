import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDir } from './fs-atomic.js';
import { isAlive } from './lock.js';

/** A run's own scratch folder (temporary git indexes): hidden from sandboxed agents, removed when the run ends. */
export const runTempDir = (runDir: string) => join(runDir, 'tmp');

/** What loop names `loop-<kind>-<pid>-…` in a temp folder: the pid is the process that owns it. */
export const OWNED_TEMP = /^loop-[a-z]+-(\d+)-/;

/**
 * A fresh temporary folder `loop-<kind>-<pid>-XXXXXX` in `parent` (a run's scratch folder) or else the system's
 * temp folder; the pid in the name lets a later run remove it if this process is killed before it does.
 */
export function makeTempDir(kind: string, parent?: string): string {
  // Created (0700) when missing; an existing folder keeps its mode (ensureDir would make a shared /tmp private).
  if (parent && !existsSync(parent)) ensureDir(parent);
  return mkdtempSync(join(parent ?? tmpdir(), `loop-${kind}-${process.pid}-`));
}

/**
 * Remove what dead processes left in `dir`: the entries whose name matches `pattern` and whose owner (the pid in
 * the pattern's first group) is gone. A live owner's entries, another running loop's included, are kept.
 * Returns the paths removed.
 */
export function sweepDeadOwners(dir: string, pattern: RegExp = OWNED_TEMP): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return []; // no such folder (or not ours to read): nothing of ours is there
  }
  const removed: string[] = [];
  for (const name of names) {
    const pid = Number(pattern.exec(name)?.[1]);
    if (!pid || pid === process.pid || isAlive(pid)) continue;
    try {
      rmSync(join(dir, name), { recursive: true, force: true });
      removed.push(join(dir, name));
    } catch {
      // another loop process swept it first, or it is not ours to remove: either way not this run's business
    }
  }
  return removed;
}
