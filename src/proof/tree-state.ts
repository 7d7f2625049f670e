import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync, type BigIntStats } from 'node:fs';
import { join } from 'node:path';
import type { IndexEntry } from './git-index.js';

/**
 * A file whose ctime is this close to the moment its stat was read may be written again within the same
 * timestamp tick (the kernel's coarse clock: 1–10 ms) without its stat changing: such a "racy" file's content
 * goes into the state, not only its stat.
 */
export const RACY_MS = 100;

/** Beyond this many bytes of racy files, reading them costs more than hashing the tree: the state is not kept. */
const RACY_CONTENT_MAX = 8 * 1024 * 1024;

/** The files of the git directory that change what `git add -A` over a copy of the index puts in the tree. */
const GIT_FILES = ['index', 'config', 'info/exclude', 'info/attributes'];

/**
 * What a tree looked like when it was hashed, to tell later, without git, that it is still the same:
 * - every path in the tree, with the stat git recorded as it read the file (size, times, inode, mode);
 * - every directory that is not ignored, with its stat: a file created, removed or renamed changes its
 *   directory's times, so an untracked file that appears is seen without asking git for a listing;
 * - the git files that steer `git add`;
 * - for whatever was written within RACY_MS of the reading (a second write in the same clock tick leaves the
 *   stat as it was): the content itself, as a git object id for files, the sorted names for directories.
 */
export interface TreeState {
  stats: Array<[path: string, expected: string]>;
  blobs: Array<[path: string, oid: string]>;
  listings: Array<[dir: string, digest: string]>;
  contents: Array<[path: string, digest: string]>;
}

const S = 1_000_000_000n;
const U32 = 0xffffffffn;
const u32 = (value: bigint): bigint => value & U32;
const time = (ns: bigint): string => `${u32(ns / S)}:${ns % S}`;

/** A file's stat as git records it in the index: 32-bit fields, and the mode git would give it. */
function asIndexed(stat: BigIntStats): string {
  const mode = stat.isSymbolicLink() ? 0o120000 : (stat.mode & 0o100n) !== 0n ? 0o100755 : 0o100644;
  return `${mode}:${u32(stat.size)}:${time(stat.mtimeNs)}:${time(stat.ctimeNs)}:${u32(stat.ino)}`;
}

const fromIndex = (entry: IndexEntry): string => `${entry.mode}:${entry.size}:${entry.mtime}:${entry.ctime}:${entry.ino}`;
const dirStat = (stat: BigIntStats): string => `d:${stat.mtimeNs}:${stat.ctimeNs}:${stat.ino}`;
const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
const names = (dir: string): string => sha256(readdirSync(dir).sort().join('\0'));
const msOf = (secNs: string): number => {
  const [sec, ns] = secNs.split(':').map(Number) as [number, number];
  return sec * 1000 + ns / 1e6;
};

/** The git object id of a file's content as it is now (a symlink: its target). */
export function blobId(path: string, oidHex: number): string {
  const stat = lstatSync(path);
  const data = stat.isSymbolicLink() ? Buffer.from(readlinkSync(path)) : readFileSync(path);
  return createHash(oidHex === 64 ? 'sha256' : 'sha1').update(`blob ${data.length}\0`).update(data).digest('hex');
}

/** What is read before `git add` runs: the git files and the directories (a change made after this reading shows). */
export interface Before {
  since: number;
  state: TreeState;
  racyBytes: number;
  /** The folders read (relative to the top), and the git files' stats: with the ignore files' ids, what the ignored folders depend on. */
  shape: string[];
}

/**
 * Read the git files and every directory of the tree that git does not skip as ignored (`ignored`: relative
 * paths of excluded directories; `.git` and nested repositories are not entered). undefined: not keepable.
 */
export function readBefore(top: string, gitDir: string, ignored: ReadonlySet<string>): Before | undefined {
  const since = Date.now();
  const racyFrom = BigInt(since - RACY_MS) * 1_000_000n;
  const state: TreeState = { stats: [], blobs: [], listings: [], contents: [] };
  const before: Before = { since, state, racyBytes: 0, shape: [] };
  for (const file of GIT_FILES) {
    const path = join(gitDir, file);
    const stat = lstatSync(path, { bigint: true, throwIfNoEntry: false });
    state.stats.push([path, stat ? asIndexed(stat) : '-']);
    if (file !== 'index') before.shape.push(`${file}=${stat ? asIndexed(stat) : '-'}`);
    if (stat && (stat.ctimeNs >= racyFrom || stat.mtimeNs >= racyFrom)) {
      before.racyBytes += Number(stat.size);
      state.contents.push([path, sha256(readFileSync(path))]);
    }
  }
  const walk = (dir: string, rel: string): void => {
    const stat = lstatSync(dir, { bigint: true });
    state.stats.push([dir, dirStat(stat)]);
    before.shape.push(`${rel}/`);
    const entries = readdirSync(dir, { withFileTypes: true });
    if (stat.ctimeNs >= racyFrom || stat.mtimeNs >= racyFrom) state.listings.push([dir, sha256(entries.map((e) => e.name).sort().join('\0'))]);
    for (const entry of entries) {
      if (!entry.isDirectory() || entry.name === '.git') continue;
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (ignored.has(child)) continue;
      walk(join(dir, entry.name), child);
    }
  };
  walk(top, '');
  return before.racyBytes > RACY_CONTENT_MAX ? undefined : before;
}

/**
 * The whole state: what was read before, and the tree's paths as `git add -A` left them in the index it
 * filled. undefined: not keepable (a submodule or nested repository, whose content a stat does not show; too
 * many racy bytes).
 */
export function completeState(top: string, before: Before, entries: IndexEntry[]): TreeState | undefined {
  const { state } = before;
  let racyBytes = before.racyBytes;
  const racyFrom = before.since - RACY_MS;
  const stats = [...state.stats];
  const blobs: TreeState['blobs'] = [];
  for (const entry of entries) {
    if (entry.mode === 0o160000) return undefined;
    if (entry.hidden) continue; // assume-unchanged or skip-worktree: git takes the index's word, and so does the state (the index is in it)
    const path = join(top, entry.path);
    stats.push([path, fromIndex(entry)]);
    if (msOf(entry.ctime) >= racyFrom || msOf(entry.mtime) >= racyFrom) {
      racyBytes += entry.size;
      if (racyBytes > RACY_CONTENT_MAX) return undefined;
      blobs.push([path, entry.oid]);
    }
  }
  return { stats, blobs, listings: state.listings, contents: state.contents };
}

/**
 * What decides which folders git ignores: the folders there are, the ignore files in the tree (by content) and
 * the git files beside the index. The same shape, the same ignored folders.
 */
export const ignoreShape = (before: Before, entries: IndexEntry[]): string =>
  [...before.shape, ...entries.filter((e) => e.path === '.gitignore' || e.path.endsWith('/.gitignore')).map((e) => `${e.path}=${e.oid}`)].join('\0');

/** Is the tree still in this state? Every stat as it was, and every racy file and directory with the same content. */
export function stillSame(state: TreeState, oidHex: number): boolean {
  for (const [path, expected] of state.stats) {
    const stat = lstatSync(path, { bigint: true, throwIfNoEntry: false });
    const now = !stat ? '-' : stat.isDirectory() ? (expected.startsWith('d:') ? dirStat(stat) : 'dir') : asIndexed(stat);
    if (now !== expected) return false;
  }
  try {
    return state.blobs.every(([path, oid]) => blobId(path, oidHex) === oid)
      && state.listings.every(([dir, digest]) => names(dir) === digest)
      && state.contents.every(([path, digest]) => sha256(readFileSync(path)) === digest);
  } catch {
    return false; // gone since
  }
}
