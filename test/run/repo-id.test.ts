import { test, describe, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { resolveRepo } from '../../src/run/repo-id.js';
import { git } from '../helpers/shared.js';

const base = realpathSync(mkdtempSync(join(tmpdir(), 'loop-repo-id-test-')));
after(() => rmSync(base, { recursive: true, force: true }));


describe('resolveRepo', () => {
  const repo = join(base, 'My Project');
  const worktree = join(base, 'wt-feature');
  before(() => {
    mkdirSync(repo);
    git(repo, 'init', '-q', '-b', 'main');
    writeFileSync(join(repo, 'a.txt'), 'a');
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'init');
    git(repo, 'worktree', 'add', '-q', worktree, '-b', 'feature');
    mkdirSync(join(repo, 'sub'));
  });

  test('the main checkout: readable name plus a short hash, root is the top level', async () => {
    const info = await resolveRepo(repo);
    assert.match(info.repoId, /^My-Project-[0-9a-f]{12}$/);
    assert.equal(info.root, repo);
    assert.equal(info.isGit, true);
  });

  test('a subdirectory resolves to the same repo', async () => {
    const [top, sub] = await Promise.all([resolveRepo(repo), resolveRepo(join(repo, 'sub'))]);
    assert.equal(sub.repoId, top.repoId);
    assert.equal(sub.root, repo);
  });

  test('two worktrees of one repo share the repoId, with their own roots', async () => {
    const [main, feature] = await Promise.all([resolveRepo(repo), resolveRepo(worktree)]);
    assert.equal(feature.repoId, main.repoId);
    assert.equal(feature.root, worktree);
    assert.equal(feature.isGit, true);
  });

  test('a different repo gets a different id', async () => {
    const other = join(base, 'other');
    mkdirSync(other);
    git(other, 'init', '-q');
    const [one, two] = await Promise.all([resolveRepo(repo), resolveRepo(other)]);
    assert.notEqual(two.repoId, one.repoId);
    assert.match(two.repoId, /^other-[0-9a-f]{12}$/);
  });

  test('a non-git directory gets a stable id from its path', async () => {
    const plain = join(base, 'plain dir');
    mkdirSync(plain);
    const first = await resolveRepo(plain);
    const second = await resolveRepo(plain);
    assert.deepEqual(first, second);
    assert.match(first.repoId, /^plain-dir-[0-9a-f]{12}$/);
    assert.equal(first.isGit, false);
    assert.equal(first.root, plain);
  });
});
