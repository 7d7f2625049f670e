import { createHash } from 'node:crypto';
import { lstatSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { treeHash } from './tree-hash.js';

/**
 * A file whose ctime is this close to the moment its stat was read may be written again within the same
 * timestamp tick (the kernel's coarse clock: 1–10 ms) without its stat changing: such a "racy" file's content
 * goes into the state key, not only its stat.
 */
export const RACY_MS = 100;

/** Beyond this many bytes of racy files, reading them costs more than hashing the tree: the tree is not cached. */
const RACY_CONTENT_MAX = 8 * 1024 * 1024;

/** The files of the git directory that change what `git add -A` over a copy of the index puts in the tree. */
const GIT_FILES = ['index', 'config', 'info/exclude', 'info/attributes'];

interface Repo {
  top: string;
  gitDir: string;
}

const repos = new Map<string, Repo | null>();
const cache = new Map<string, { state: TreeState; hash: string }>();
const stats = { hits: 0, misses: 0 };

async function repoOf(root: string): Promise<Repo | null> {
  if (!repos.has(root)) {
    const found = await execa('git', ['rev-parse', '--show-toplevel', '--absolute-git-dir'], { cwd: root, reject: false });
    const [top, gitDir] = found.stdout.split('\n');
    repos.set(root, found.exitCode === 0 && top && gitDir ? { top, gitDir } : null);
  }
  return repos.get(root) ?? null;
}

/** A tree state: the key over every file's stat, and the content digest of the files that were racy when it was read. */
interface TreeState {
  key: string;
  racy: Array<[path: string, digest: string]>;
}

const digestOf = (path: string, symlink: boolean): string =>
  createHash('sha256').update(symlink ? readlinkSync(path) : readFileSync(path)).digest('hex');

/**
 * The working tree's state: every path `git add -A` would consider (tracked, and untracked not ignored, with
 * git's tag: `h` marks assume-unchanged) with its lstat (size, mtime, ctime, inode, mode), plus the git files
 * that steer `add`. Any write to a file changes its ctime, which no process can set back, so a changed tree
 * changes the key, except for a second write in the same clock tick as the stat: a file written within RACY_MS
 * of `since` is "racy", and its content digest is kept beside the key. undefined: not cacheable (a submodule or
 * nested repository, whose content a stat does not show; more than RACY_CONTENT_MAX bytes of racy files).
 */
async function readState(repo: Repo, since: number): Promise<TreeState | undefined> {
  const listing = await execa('git', ['ls-files', '-z', '-v', '--cached', '--others', '--exclude-standard'], { cwd: repo.top, reject: false, stripFinalNewline: false });
  if (listing.exitCode !== 0) return undefined;
  const hash = createHash('sha256');
  const sinceNs = BigInt(since - RACY_MS) * 1_000_000n;
  const racy: TreeState['racy'] = [];
  let racyBytes = 0;
  const add = (label: string, path: string): boolean => {
    const stat = lstatSync(path, { bigint: true, throwIfNoEntry: false });
    if (!stat) {
      hash.update(`${label}\0-\0`);
      return true;
    }
    if (stat.isDirectory()) return false;
    hash.update(`${label}\0${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}:${stat.ino}:${stat.mode}\0`);
    if (stat.ctimeNs < sinceNs && stat.mtimeNs < sinceNs) return true;
    racyBytes += Number(stat.size);
    if (racyBytes > RACY_CONTENT_MAX) return false;
    racy.push([path, digestOf(path, stat.isSymbolicLink())]);
    return true;
  };
  for (const entry of listing.stdout.split('\0')) {
    if (entry === '') continue;
    if (!add(entry, join(repo.top, entry.slice(2)))) return undefined;
  }
  for (const file of GIT_FILES) if (!add(`.git/${file}`, join(repo.gitDir, file))) return undefined;
  return { key: hash.digest('hex'), racy };
}

/**
 * Is the tree now in the cached state? Same stats, and every file that was racy then still has the content it
 * had (its stat alone cannot tell). A file not racy then has a ctime older than any write since could leave.
 */
function sameState(now: TreeState, cached: TreeState): boolean {
  if (now.key !== cached.key) return false;
  return cached.racy.every(([path, digest]) => {
    try {
      return digestOf(path, lstatSync(path).isSymbolicLink()) === digest;
    } catch {
      return false; // gone since
    }
  });
}

/**
 * The tree hash of `root` (see tree-hash.ts), computed once per tree state: a later call on an unchanged tree
 * is answered from the cache after one `git ls-files`, a stat of each file and a read of the files that were
 * racy. The state is read before hashing: if the tree changes while it is hashed, the next state differs from
 * the cached one (a ctime only moves forward; a racy file's content is compared), so a stale hash is never
 * given. Outside git there is no cache.
 */
export async function cachedTreeHash(root: string, scratchDir?: string): Promise<string> {
  const repo = await repoOf(root);
  if (!repo) return treeHash(root, scratchDir);
  const state = await readState(repo, Date.now()).catch(() => undefined); // a file vanished mid-read: not cacheable
  const hit = cache.get(root);
  if (state && hit && sameState(state, hit.state)) {
    stats.hits++;
    return hit.hash;
  }
  stats.misses++;
  const hash = await treeHash(root, scratchDir, repo.gitDir);
  if (state) cache.set(root, { state, hash });
  else cache.delete(root);
  return hash;
}

/** How often this process answered from the cache, and how often it hashed. */
export const treeHashCacheStats = (): { hits: number; misses: number } => ({ ...stats });

/** Forget every cached hash (tests). */
export function clearTreeHashCache(): void {
  cache.clear();
  repos.clear();
  stats.hits = 0;
  stats.misses = 0;
}
