import { test, describe, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { treeHash } from '../../src/proof/tree-hash.js';
import { cachedTreeHash, clearTreeHashCache, RACY_MS, treeHashCacheStats } from '../../src/proof/tree-hash-cache.js';
import { git } from '../helpers/shared.js';

const base = mkdtempSync(join(tmpdir(), 'loop-tree-hash-cache-test-'));
after(() => rmSync(base, { recursive: true, force: true }));

let counter = 0;
function newRepo(): string {
  const dir = join(base, `repo-${++counter}`);
  mkdirSync(dir);
  git(dir, 'init', '-q');
  writeFileSync(join(dir, 'a.txt'), 'one\n');
  writeFileSync(join(dir, '.gitignore'), '*.log\n');
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'init');
  return dir;
}

/** Wait until every file of the repo (and its index) is older than the racy window, so the cache may keep a hash. */
async function settled(repo: string): Promise<void> {
  const newest = (dir: string): number => {
    let max = 0;
    for (const name of ['a.txt', 'b.txt', '.gitignore', 'x.log', '.git/index', 'new.txt']) {
      const stat = lstatSync(join(dir, name), { throwIfNoEntry: false });
      if (stat) max = Math.max(max, stat.ctimeMs, stat.mtimeMs);
    }
    return max;
  };
  while (Date.now() - newest(repo) <= RACY_MS + 5) await new Promise((resolve) => setImmediate(resolve));
}

/** The cached answer must always be the answer treeHash gives now. */
async function agrees(repo: string): Promise<string> {
  const cached = await cachedTreeHash(repo);
  assert.equal(cached, await treeHash(repo));
  return cached;
}

describe('cachedTreeHash', () => {
  beforeEach(() => clearTreeHashCache());

  test('an unchanged tree is hashed once, then answered from the cache', async () => {
    const repo = newRepo();
    await settled(repo);
    const first = await agrees(repo);
    assert.deepEqual(treeHashCacheStats(), { hits: 0, misses: 1 });
    assert.equal(await cachedTreeHash(repo), first);
    assert.equal(await cachedTreeHash(repo), first);
    assert.deepEqual(treeHashCacheStats(), { hits: 2, misses: 1 });
  });

  test('a same-size edit in the same clock tick as the last one is seen (a racy file is keyed by its content)', async () => {
    const repo = newRepo();
    writeFileSync(join(repo, 'a.txt'), 'two\n');
    const first = await agrees(repo);
    writeFileSync(join(repo, 'a.txt'), 'six\n'); // same size, most likely the same timestamp tick
    assert.notEqual(await agrees(repo), first);
    assert.equal(treeHashCacheStats().hits, 0);
  });

  test('a tree changed a moment ago is still answered from the cache while it stays as it is', async () => {
    const repo = newRepo();
    writeFileSync(join(repo, 'a.txt'), 'two\n');
    const first = await cachedTreeHash(repo);
    assert.equal(await cachedTreeHash(repo), first);
    assert.deepEqual(treeHashCacheStats(), { hits: 1, misses: 1 });
    assert.equal(first, await treeHash(repo));
  });

  test('every kind of change is seen after a cached hash: edit, same-size edit with the mtime set back, new, deleted, renamed, mode, ignore rules, index flags', async () => {
    const repo = newRepo();
    const changes: Array<[string, () => void]> = [
      ['edit', () => writeFileSync(join(repo, 'a.txt'), 'one two\n')],
      ['same size, mtime set back', () => {
        const { atime, mtime } = statSync(join(repo, 'a.txt'));
        writeFileSync(join(repo, 'a.txt'), 'one TWO\n');
        utimesSync(join(repo, 'a.txt'), atime, mtime);
      }],
      ['new untracked file', () => writeFileSync(join(repo, 'b.txt'), 'b\n')],
      ['ignored file (no change to the tree)', () => writeFileSync(join(repo, 'x.log'), 'log\n')],
      ['ignore rules', () => writeFileSync(join(repo, '.gitignore'), '')],
      ['mode', () => chmodSync(join(repo, 'b.txt'), 0o755)],
      ['rename', () => renameSync(join(repo, 'b.txt'), join(repo, 'new.txt'))],
      ['delete', () => unlinkSync(join(repo, 'new.txt'))],
      ['assume-unchanged flag in the real index', () => git(repo, 'update-index', '--assume-unchanged', 'a.txt')],
      ['edit behind the flag', () => writeFileSync(join(repo, 'a.txt'), 'hidden\n')],
    ];
    const seen = new Set<string>();
    for (const [name, change] of changes) {
      await settled(repo);
      const before = await agrees(repo);
      assert.equal(await cachedTreeHash(repo), before, `${name}: cached before the change`);
      const hits = treeHashCacheStats().hits;
      change();
      const now = await agrees(repo);
      const ignored = name.startsWith('ignored');
      // An ignored file is not in the tree: the cached hash still holds and is used.
      assert.equal(treeHashCacheStats().hits, ignored ? hits + 1 : hits, `${name}: ${ignored ? '' : 'not '}answered from the cache`);
      seen.add(now);
    }
    assert.ok(seen.size >= 6);
  });

  test('outside git: no cache, the walk hash', async () => {
    const dir = join(base, 'plain');
    mkdirSync(dir);
    writeFileSync(join(dir, 'f'), 'x');
    assert.match(await agrees(dir), /^sha256-/);
    assert.deepEqual(treeHashCacheStats(), { hits: 0, misses: 0 });
  });
});
