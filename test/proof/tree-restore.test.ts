import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { restoreTree } from '../../src/proof/tree-restore.js';
import { treeHash } from '../../src/proof/tree-hash.js';
import { freshDirs, git } from '../helpers/shared.js';

const dirs = freshDirs('loop-tree-restore-test');

/** A repository with a commit, a staged change and an untracked file: the state a run leaves the user in. */
function repo(): string {
  const root = dirs();
  git(root, 'init', '-q');
  writeFileSync(join(root, 'a.js'), 'a\n');
  writeFileSync(join(root, 'b.bin'), Buffer.from([0, 1, 2, 3]));
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'init');
  writeFileSync(join(root, 'a.js'), 'a (worker)\n');
  git(root, 'add', 'a.js');
  writeFileSync(join(root, 'untracked.txt'), 'u\n');
  return root;
}

describe('restoreTree', () => {
  test('saves the change as a binary patch (0600), undoes it in the working tree only, and the patch re-applies it', async () => {
    const root = repo();
    const reviewed = await treeHash(root);
    const index = git(root, 'ls-files', '-s');
    const head = git(root, 'rev-parse', 'HEAD');
    git(root, 'config', 'apply.whitespace', 'error');
    writeFileSync(join(root, 'a.js'), 'a (reviewer) \n');
    writeFileSync(join(root, 'b.bin'), Buffer.from([9, 9, 0, 1]));
    writeFileSync(join(root, 'new.txt'), 'added by the reviewer\n');
    rmSync(join(root, 'untracked.txt'));
    const edited = await treeHash(root);
    const patch = join(root, '..', 'edits', 'iteration-1.patch');

    const result = await restoreTree(root, reviewed, edited, patch);
    assert.deepEqual(result, { ok: true, files: ['a.js', 'b.bin', 'new.txt', 'untracked.txt'], patch });
    assert.equal(statSync(patch).mode & 0o777, 0o600);
    assert.match(readFileSync(patch, 'utf8'), /^\+a \(reviewer\) $/m);
    assert.match(readFileSync(patch, 'utf8'), /GIT binary patch/);
    assert.equal(await treeHash(root), reviewed);
    assert.equal(readFileSync(join(root, 'a.js'), 'utf8'), 'a (worker)\n');
    assert.equal(existsSync(join(root, 'new.txt')), false);
    assert.equal(readFileSync(join(root, 'untracked.txt'), 'utf8'), 'u\n');
    assert.equal(git(root, 'ls-files', '-s'), index, 'the index is untouched');
    assert.equal(git(root, 'rev-parse', 'HEAD'), head, 'HEAD is untouched');

    git(root, 'apply', '--whitespace=nowarn', patch);
    assert.equal(await treeHash(root), edited, 'git apply <patch> brings the change back');
  });

  test('a tree that is already restored stays as it is (a resumed run may restore twice)', async () => {
    const root = repo();
    const reviewed = await treeHash(root);
    writeFileSync(join(root, 'a.js'), 'edited\n');
    const edited = await treeHash(root);
    const patch = join(root, '..', 'twice.patch');
    assert.equal((await restoreTree(root, reviewed, edited, patch)).ok, true);
    assert.deepEqual(await restoreTree(root, reviewed, edited, patch), { ok: true, files: ['a.js'], patch });
    assert.equal(await treeHash(root), reviewed);
  });

  test('a tree that changed again cannot be restored: the reason and the saved patch are returned', async () => {
    const root = repo();
    const reviewed = await treeHash(root);
    writeFileSync(join(root, 'a.js'), 'edited\n');
    const edited = await treeHash(root);
    writeFileSync(join(root, 'a.js'), 'edited again\n');
    const patch = join(root, '..', 'conflict.patch');
    const result = await restoreTree(root, reviewed, edited, patch);
    assert.equal(result.ok, false);
    assert.equal(result.ok ? '' : result.patch, patch);
    assert.match(result.ok ? '' : result.reason, /^git apply -R failed: error: patch failed: a\.js:1/);
    assert.equal(readFileSync(join(root, 'a.js'), 'utf8'), 'edited again\n');
  });

  test('outside git there is nothing to save or undo with', async () => {
    assert.deepEqual(await restoreTree(dirs(), 'sha256-aaa', 'sha256-bbb', join(dirs(), 'x.patch')), {
      ok: false, files: [], reason: 'not a git repository, so loop cannot save or undo the change',
    });
  });
});
