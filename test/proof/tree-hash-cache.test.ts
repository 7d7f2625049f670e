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
    for (const name of ['.', 'a.txt', 'b.txt', '.gitignore', 'x.log', '.git/index', 'new.txt', 'empty/inner', 'logs/sub', 'build/deep']) {
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

  test('every kind of change is seen after a cached hash: edit, same-size edit with the mtime set back, new, deleted, renamed, mode, ignore rules, index flags, files in empty folders', async () => {
    const repo = newRepo();
    writeFileSync(join(repo, '.gitignore'), '*.log\nbuild/\n');
    for (const dir of ['build/deep', 'empty/inner', 'logs/sub']) mkdirSync(join(repo, dir), { recursive: true });
    writeFileSync(join(repo, 'build/deep/out.bin'), 'x');
    writeFileSync(join(repo, 'logs/sub/a.log'), 'x');
    // hit: answered from the cache (the tree did not change); miss: hashed again; any: either (a stat changed, the tree may not have).
    const changes: Array<[string, 'hit' | 'miss' | 'any', () => void]> = [
      ['edit', 'miss', () => writeFileSync(join(repo, 'a.txt'), 'one two\n')],
      ['same size, mtime set back', 'miss', () => {
        const { atime, mtime } = statSync(join(repo, 'a.txt'));
        writeFileSync(join(repo, 'a.txt'), 'one TWO\n');
        utimesSync(join(repo, 'a.txt'), atime, mtime);
      }],
      ['new untracked file', 'miss', () => writeFileSync(join(repo, 'b.txt'), 'b\n')],
      ['file inside an ignored folder', 'hit', () => writeFileSync(join(repo, 'build/deep/more.bin'), 'y')],
      ['ignored file beside tracked ones', 'any', () => writeFileSync(join(repo, 'x.log'), 'log\n')],
      ['new file in an empty nested folder', 'miss', () => writeFileSync(join(repo, 'empty/inner/c.txt'), 'c\n')],
      ['new file in a folder of ignored files only', 'miss', () => writeFileSync(join(repo, 'logs/sub/d.txt'), 'd\n')],
      ['ignore rules', 'miss', () => writeFileSync(join(repo, '.gitignore'), '*.log\n')],
      ['new file in a folder no longer ignored', 'miss', () => writeFileSync(join(repo, 'build/deep/e.txt'), 'e\n')],
      ['mode', 'miss', () => chmodSync(join(repo, 'b.txt'), 0o755)],
      ['rename', 'miss', () => renameSync(join(repo, 'b.txt'), join(repo, 'new.txt'))],
      ['delete', 'miss', () => unlinkSync(join(repo, 'new.txt'))],
      ['assume-unchanged flag in the real index', 'miss', () => git(repo, 'update-index', '--assume-unchanged', 'a.txt')],
      // git does not look behind the flag, so neither does the cache: the tree is the index's word.
      ['edit behind the flag', 'hit', () => writeFileSync(join(repo, 'a.txt'), 'hidden\n')],
    ];
    const seen = new Set<string>();
    for (const [name, expect, change] of changes) {
      await settled(repo);
      const before = await agrees(repo);
      assert.equal(await cachedTreeHash(repo), before, `${name}: cached before the change`);
      const hits = treeHashCacheStats().hits;
      change();
      const now = await agrees(repo);
      if (expect !== 'any') assert.equal(treeHashCacheStats().hits, expect === 'hit' ? hits + 1 : hits, `${name}: ${expect === 'hit' ? '' : 'not '}answered from the cache`);
      if (expect === 'hit') assert.equal(now, before, `${name}: the tree did not change`);
      seen.add(now);
    }
    assert.ok(seen.size >= 9);
  });

  test('outside git: no cache, the walk hash', async () => {
    const dir = join(base, 'plain');
    mkdirSync(dir);
    writeFileSync(join(dir, 'f'), 'x');
    assert.match(await agrees(dir), /^sha256-/);
    assert.deepEqual(treeHashCacheStats(), { hits: 0, misses: 0 });
  });
});
