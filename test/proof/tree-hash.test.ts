import { test, describe, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { treeHash } from '../../src/proof/tree-hash.js';
import { git } from '../helpers/shared.js';

const base = mkdtempSync(join(tmpdir(), 'loop-tree-hash-test-'));
after(() => rmSync(base, { recursive: true, force: true }));


let counter = 0;
/** A git repo with one committed file, a .gitignore and a staged-but-uncommitted change. */
function newRepo(): string {
  const dir = join(base, `repo-${++counter}`);
  mkdirSync(dir);
  git(dir, 'init', '-q');
  writeFileSync(join(dir, 'tracked.txt'), 'one\n');
  writeFileSync(join(dir, '.gitignore'), 'ignored/\n*.log\n');
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'init');
  return dir;
}

describe('treeHash in a git repo', () => {
  let repo: string;
  before(() => {
    repo = newRepo();
  });

  test('is a git tree id and the same for the same content', async () => {
    const first = await treeHash(repo);
    assert.match(first, /^[0-9a-f]{40}$/);
    assert.equal(await treeHash(repo), first);
    // Committed tree equals the hash of a clean working tree.
    assert.equal(first, git(repo, 'rev-parse', 'HEAD^{tree}').trim());
  });

  test('changes when a tracked file changes, and comes back when the content does', async () => {
    const before = await treeHash(repo);
    writeFileSync(join(repo, 'tracked.txt'), 'two\n');
    const changed = await treeHash(repo);
    assert.notEqual(changed, before);
    writeFileSync(join(repo, 'tracked.txt'), 'one\n');
    assert.equal(await treeHash(repo), before);
  });

  test('changes when an untracked file appears or changes', async () => {
    const before = await treeHash(repo);
    writeFileSync(join(repo, 'new.txt'), 'a\n');
    const added = await treeHash(repo);
    assert.notEqual(added, before);
    writeFileSync(join(repo, 'new.txt'), 'b\n');
    const edited = await treeHash(repo);
    assert.notEqual(edited, added);
    unlinkSync(join(repo, 'new.txt'));
    assert.equal(await treeHash(repo), before);
  });

  test('changes when a tracked file is deleted', async () => {
    const before = await treeHash(repo);
    unlinkSync(join(repo, 'tracked.txt'));
    assert.notEqual(await treeHash(repo), before);
    writeFileSync(join(repo, 'tracked.txt'), 'one\n');
    assert.equal(await treeHash(repo), before);
  });

  test('sees a same-size edit made in the same second as the index was written ("racy git")', async () => {
    const dir = newRepo();
    git(dir, 'config', 'core.trustctime', 'false'); // so that only size and mtime tell git a file changed
    const then = new Date('2020-01-01T00:00:00Z');
    utimesSync(join(dir, 'tracked.txt'), then, then);
    git(dir, 'add', 'tracked.txt'); // the index entry records that mtime
    utimesSync(join(dir, '.git', 'index'), then, then); // …and the index was written in that same second
    const before = await treeHash(dir);
    writeFileSync(join(dir, 'tracked.txt'), 'two\n'); // same size as 'one\n'
    utimesSync(join(dir, 'tracked.txt'), then, then);
    assert.notEqual(await treeHash(dir), before);
  });

  test('ignores .gitignored files', async () => {
    const before = await treeHash(repo);
    mkdirSync(join(repo, 'ignored'), { recursive: true });
    writeFileSync(join(repo, 'ignored', 'big.bin'), 'x'.repeat(1000));
    writeFileSync(join(repo, 'debug.log'), 'noise');
    assert.equal(await treeHash(repo), before);
  });

  test('does not touch the real index', async () => {
    writeFileSync(join(repo, 'tracked.txt'), 'staged\n');
    git(repo, 'add', 'tracked.txt');
    writeFileSync(join(repo, 'tracked.txt'), 'unstaged\n');
    writeFileSync(join(repo, 'untracked.txt'), 'u\n');
    const statusBefore = git(repo, 'status', '--porcelain');
    const indexBefore = readFileSync(join(repo, '.git', 'index'));
    await treeHash(repo);
    assert.equal(git(repo, 'status', '--porcelain'), statusBefore);
    assert.deepEqual(readFileSync(join(repo, '.git', 'index')), indexBefore);
    assert.equal(statusBefore, 'MM tracked.txt\n?? untracked.txt\n');
  });

  test('the same content in two repos gives the same hash', async () => {
    const a = newRepo();
    const b = newRepo();
    writeFileSync(join(a, 'x.txt'), 'same');
    writeFileSync(join(b, 'x.txt'), 'same');
    assert.equal(await treeHash(a), await treeHash(b));
  });

  test('works from a subdirectory: hashes the whole tree', async () => {
    const r = newRepo();
    mkdirSync(join(r, 'sub'));
    writeFileSync(join(r, 'sub', 'f.txt'), 'f');
    assert.equal(await treeHash(join(r, 'sub')), await treeHash(r));
    writeFileSync(join(r, 'outside-sub.txt'), 'o');
    writeFileSync(join(r, 'tracked.txt'), 'edited outside sub\n');
    assert.equal(await treeHash(join(r, 'sub')), await treeHash(r));
  });

  test('a repo without commits or index', async () => {
    const dir = join(base, `empty-${++counter}`);
    mkdirSync(dir);
    git(dir, 'init', '-q');
    writeFileSync(join(dir, 'a.txt'), 'a');
    const hash = await treeHash(dir);
    assert.match(hash, /^[0-9a-f]{40}$/);
    assert.equal(git(dir, 'status', '--porcelain'), '?? a.txt\n');
  });
});

describe('treeHash outside git', () => {
  test('a sha256- hash that is stable and follows content', async () => {
    const dir = join(base, `plain-${++counter}`);
    mkdirSync(join(dir, 'sub'), { recursive: true });
    writeFileSync(join(dir, 'a.txt'), 'a');
    writeFileSync(join(dir, 'sub', 'b.txt'), 'b');
    const first = await treeHash(dir);
    assert.match(first, /^sha256-[0-9a-f]{40}$/);
    assert.equal(await treeHash(dir), first);
    writeFileSync(join(dir, 'sub', 'b.txt'), 'B');
    const changed = await treeHash(dir);
    assert.notEqual(changed, first);
    writeFileSync(join(dir, 'sub', 'b.txt'), 'b');
    assert.equal(await treeHash(dir), first);
    mkdirSync(join(dir, 'node_modules'));
    writeFileSync(join(dir, 'node_modules', 'x.js'), 'skip me');
    assert.equal(await treeHash(dir), first);
  });

  test('a renamed file changes the hash', async () => {
    const dir = join(base, `plain-${++counter}`);
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.txt'), 'a');
    const first = await treeHash(dir);
    rmSync(join(dir, 'a.txt'));
    writeFileSync(join(dir, 'b.txt'), 'a');
    assert.notEqual(await treeHash(dir), first);
  });
});
