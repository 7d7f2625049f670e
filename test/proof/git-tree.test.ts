import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readIndex } from '../../src/proof/git-index.js';
import { writeTree } from '../../src/proof/git-tree.js';
import { git } from '../helpers/shared.js';

const base = mkdtempSync(join(tmpdir(), 'loop-git-tree-test-'));
after(() => rmSync(base, { recursive: true, force: true }));

/** Names whose order in a tree is easy to get wrong: `a` the folder sorts as `a/`, after `a.b` and `a-c`, before `a0`. */
const FILES = ['a.b', 'a-c', 'a/x', 'a/y/z', 'a0', 'B', 'b c/d', 'é.txt', 'deep/er/than/this.txt', '.hidden'];

function repo(name: string, ...init: string[]): string {
  const dir = join(base, name);
  mkdirSync(dir);
  git(dir, 'init', '-q', ...init);
  for (const file of FILES) {
    mkdirSync(join(dir, file, '..'), { recursive: true });
    writeFileSync(join(dir, file), `${file}\n`);
  }
  chmodSync(join(dir, 'a0'), 0o755);
  symlinkSync('a.b', join(dir, 'link'));
  git(dir, 'add', '-A');
  return dir;
}

describe('writeTree (git write-tree without a process)', () => {
  for (const [name, init, oidHex, version] of [
    ['sha1, index v2', [], 40, '2'],
    ['sha1, index v4 (paths prefix-compressed)', [], 40, '4'],
    ['sha256', ['--object-format=sha256'], 64, '2'],
  ] as const) {
    test(`the same tree id as git, and objects git reads back: ${name}`, () => {
      const dir = repo(name.replace(/\W+/g, '-'), ...init);
      git(dir, 'update-index', '--index-version', version);
      const entries = readIndex(join(dir, '.git', 'index'), oidHex / 2);
      assert.ok(entries, 'the index is read');
      assert.equal(entries.length, FILES.length + 1);
      const ours = writeTree(entries, join(dir, '.git', 'objects'), oidHex);
      // Our objects are in the store before git writes any: git reads them back, and fsck finds them sound.
      assert.match(git(dir, 'ls-tree', '-r', '--name-only', ours), /deep\/er\/than\/this\.txt/);
      git(dir, 'fsck', '--strict', '--no-dangling');
      assert.equal(ours, git(dir, 'write-tree').trim());
    });
  }

  test('an index with an unmerged path or a required extension is not read (git decides)', () => {
    const dir = repo('unmerged');
    git(dir, 'commit', '-q', '-m', 'one');
    git(dir, 'checkout', '-q', '-b', 'other');
    writeFileSync(join(dir, 'a.b'), 'other\n');
    git(dir, 'commit', '-q', '-am', 'other');
    git(dir, 'checkout', '-q', '-');
    writeFileSync(join(dir, 'a.b'), 'main\n');
    git(dir, 'commit', '-q', '-am', 'main');
    assert.throws(() => git(dir, 'merge', '-q', 'other', '--no-edit'), /Command failed/);
    assert.equal(readIndex(join(dir, '.git', 'index'), 20), undefined);
  });
});
