import { execa } from 'execa';
import { join } from 'node:path';
import { readIndex } from './git-index.js';
import { writeTree } from './git-tree.js';
import { treeHash } from './tree-hash.js';
import { completeState, ignoreShape, readBefore, stillSame, type TreeState } from './tree-state.js';

export { RACY_MS } from './tree-state.js';

interface Repo {
  top: string;
  gitDir: string;
  /** Where the objects go; undefined when the environment points git elsewhere (then `git write-tree` writes the trees). */
  objectsDir?: string;
  /** Hex digits of an object id: 40 (sha1) or 64 (sha256). */
  oidHex: number;
  /** The directories git skips as ignored (relative to top), as last listed; undefined before the first listing. */
  ignored?: Set<string>;
  /** The tree's shape (see ignoreShape) when that listing was checked against it. */
  shape?: string;
}

interface Entry {
  hash: string;
  state: TreeState;
  /** Resolves false when the ignored directories the state skipped turned out not all to be ignored. */
  valid: Promise<boolean>;
}

const repos = new Map<string, Repo | null>();
const cache = new Map<string, Entry>();
const stats = { hits: 0, misses: 0 };

async function repoOf(root: string): Promise<Repo | null> {
  if (!repos.has(root)) {
    const found = await execa('git', ['rev-parse', '--path-format=absolute', '--show-toplevel', '--absolute-git-dir', '--show-object-format', '--git-common-dir'], { cwd: root, reject: false });
    const [top, gitDir, format, commonDir] = found.stdout.split('\n');
    const objectsDir = commonDir && !process.env.GIT_OBJECT_DIRECTORY ? join(commonDir, 'objects') : undefined;
    repos.set(root, found.exitCode === 0 && top && gitDir ? { top, gitDir, oidHex: format === 'sha256' ? 64 : 40, ...(objectsDir ? { objectsDir } : {}) } : null);
  }
  return repos.get(root) ?? null;
}

/**
 * The directories git does not enter as ignored: `--directory` names an excluded directory alone, while a
 * directory that merely holds ignored files is named with its files after it (and is entered).
 */
async function ignoredDirs(top: string): Promise<Set<string>> {
  const listing = await execa('git', ['ls-files', '-z', '--others', '--ignored', '--exclude-standard', '--directory'], { cwd: top, stripFinalNewline: false });
  const paths = listing.stdout.split('\0').filter(Boolean);
  const dirs = new Set<string>();
  paths.forEach((path, i) => {
    if (path.endsWith('/') && !paths[i + 1]?.startsWith(path)) dirs.add(path.slice(0, -1));
  });
  return dirs;
}

/** Every directory skipped as ignored is still ignored (itself, or under one that is). */
const stillIgnored = (skipped: ReadonlySet<string>, now: ReadonlySet<string>): boolean =>
  [...skipped].every((dir) => now.has(dir) || [...now].some((top) => dir.startsWith(`${top}/`)));

/**
 * The tree hash of `root` (see tree-hash.ts), computed once per tree state. A later call on an unchanged tree
 * is answered without running git: a stat of every path in the tree and of every directory that is not ignored
 * (a new file changes its directory), and a read of whatever was racy (see tree-state.ts). The state is what
 * git itself recorded in the index it filled, and the directories as read before git ran: a change made while
 * the tree is hashed shows as a different state, so a stale hash is never given. The ignored directories are
 * listed again beside each hash; if one that was skipped is no longer ignored, that hash is not reused.
 * Outside git there is no cache.
 */
export async function cachedTreeHash(root: string, scratchDir?: string): Promise<string> {
  const repo = await repoOf(root);
  if (!repo) return treeHash(root, scratchDir);
  const hit = cache.get(root);
  if (hit && (await hit.valid) && stillSame(hit.state, repo.oidHex)) {
    stats.hits++;
    return hit.hash;
  }
  stats.misses++;
  cache.delete(root);
  repo.ignored ??= await ignoredDirs(repo.top);
  const skipped = repo.ignored;
  let before: ReturnType<typeof readBefore>;
  try {
    before = readBefore(repo.top, repo.gitDir, skipped);
  } catch {
    before = undefined; // a directory vanished mid-read: not keepable
  }
  let state: TreeState | undefined;
  let shape: string | undefined;
  const hash = await treeHash(root, scratchDir, repo.gitDir, (index) => {
    const entries = readIndex(index, repo.oidHex / 2);
    state = entries && before ? completeState(repo.top, before, entries) : undefined;
    shape = entries && before ? ignoreShape(before, entries) : undefined;
    return entries && repo.objectsDir ? writeTree(entries, repo.objectsDir, repo.oidHex) : undefined;
  });
  if (state) {
    // The same shape as when the ignored folders were last listed: the same ignored folders, no need to ask git.
    const valid = shape === repo.shape ? Promise.resolve(true) : ignoredDirs(repo.top).then((now) => {
      const same = stillIgnored(skipped, now);
      repo.ignored = now;
      repo.shape = same ? shape : undefined;
      return same;
    }, () => false);
    cache.set(root, { hash, state, valid });
  }
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
