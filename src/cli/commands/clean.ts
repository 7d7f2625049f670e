import { existsSync, rmSync } from 'node:fs';
import { usageError } from '../../errors.js';
import { liveLock } from '../../run/lock.js';
import { tryReadManifest, type Manifest } from '../../run/manifest.js';
import { RunStore, type RunRef } from '../../run/store.js';
import { removeWorktree } from '../../worktree/create-worktree.js';
import { home } from '../env.js';

/** A run whose worktree may go: not driven by a live process, and finished (completed or failed, not resumable by stop). */
const finished = (ref: RunRef, m: Manifest) => !liveLock(ref.dir) && (m.status === 'completed' || m.status === 'failed');

/** `loop clean [<id> | --finished]`: remove the worktrees of finished runs; their branches stay unless `--branches`. */
export async function cleanCommand(query: string | undefined, options: { finished?: boolean; branches?: boolean }): Promise<number> {
  if (!query && !options.finished) throw usageError('say which worktrees to remove: a run id, or --finished for every finished run', 'loop clean <run-id>, or: loop clean --finished');
  if (query && options.finished) throw usageError('give a run id or --finished, not both');
  const store = new RunStore(home('write'));
  const candidates = query ? [store.resolve(query)] : store.list();
  let removed = 0;
  for (const ref of candidates) {
    const m = tryReadManifest(ref.dir);
    if (!m?.worktree) {
      if (query) throw usageError(`run ${ref.id} has no worktree (it ran in ${m?.cwd ?? 'a checkout'}): nothing to remove`);
      continue;
    }
    if (!finished(ref, m)) {
      if (query) {
        throw usageError(`run ${ref.id} is ${liveLock(ref.dir) ? 'live' : m.status === 'running' ? 'interrupted' : m.status}: its worktree is kept (it can still go on)`, liveLock(ref.dir) ? `stop it first: loop stop ${ref.id}` : `continue it: loop resume ${ref.id}`);
      }
      continue;
    }
    const repo = [m.checkout, m.cwd].find((dir): dir is string => dir !== undefined && dir !== m.worktree && existsSync(dir));
    const there = existsSync(m.worktree);
    if (!there && !options.branches) continue;
    if (repo) await removeWorktree({ repo, worktree: m.worktree, ...(options.branches && m.branch ? { branch: m.branch } : {}) });
    else rmSync(m.worktree, { recursive: true, force: true }); // its repository is gone: only the files are left
    removed++;
    const branch = m.branch ? (options.branches ? `; branch ${m.branch} deleted` : `; branch ${m.branch} kept`) : '';
    process.stdout.write(`loop: run ${ref.id}: ${there ? `removed worktree ${m.worktree}` : 'worktree already gone'}${branch}\n`);
  }
  if (removed === 0 && !query) process.stdout.write('loop: no worktree of a finished run to remove\n');
  return 0;
}
