import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatDiffStat, treeDiff } from '../../src/proof/tree-diff.js';
import { treeHash } from '../../src/proof/tree-hash.js';
import { git } from '../helpers/shared.js';

const base = mkdtempSync(join(tmpdir(), 'loop-tree-diff-test-'));
after(() => rmSync(base, { recursive: true, force: true }));

function repo(): string {
  const dir = join(base, `repo-${Math.random().toString(36).slice(2)}`);
  mkdirSync(dir);
  git(dir, 'init', '-q');
  writeFileSync(join(dir, 'a.txt'), 'one\ntwo\n');
  writeFileSync(join(dir, 'old-name.txt'), 'a file long enough that a rename of it is found as a rename\n'.repeat(4));
  writeFileSync(join(dir, 'gone.txt'), 'bye\n');
  writeFileSync(join(dir, 'image.bin'), Buffer.from([0, 1, 2, 0, 3]));
  return dir;
}

test('treeDiff: status, paths and line counts of every change, from one git call; the stat reads like git\'s', async () => {
  const dir = repo();
  const before = await treeHash(dir);
  assert.deepEqual(await treeDiff(dir, before, before), []);
  writeFileSync(join(dir, 'a.txt'), 'one\nTWO\nthree\n');
  renameSync(join(dir, 'old-name.txt'), join(dir, 'new-name.txt'));
  unlinkSync(join(dir, 'gone.txt'));
  writeFileSync(join(dir, 'added.txt'), 'new\n');
  writeFileSync(join(dir, 'image.bin'), Buffer.from([0, 9, 9, 0]));
  const after = await treeHash(dir);
  const files = await treeDiff(dir, before, after);
  const byFile = Object.fromEntries(files.map((f) => [f.file, f]));
  assert.deepEqual(byFile['a.txt'], { file: 'a.txt', status: 'modified', added: 2, removed: 1 });
  assert.deepEqual(byFile['new-name.txt'], { file: 'new-name.txt', from: 'old-name.txt', status: 'renamed', added: 0, removed: 0 });
  assert.deepEqual(byFile['gone.txt'], { file: 'gone.txt', status: 'deleted', added: 0, removed: 1 });
  assert.deepEqual(byFile['added.txt'], { file: 'added.txt', status: 'added', added: 1, removed: 0 });
  assert.deepEqual(byFile['image.bin'], { file: 'image.bin', status: 'modified', added: 0, removed: 0, binary: true });
  assert.equal(files.length, 5);
  const stat = formatDiffStat(files);
  assert.match(stat, /^ a\.txt +\| +3 \+\+-$/m);
  assert.match(stat, /^ old-name\.txt => new-name\.txt \| +0$/m);
  assert.match(stat, /^ image\.bin +\| Bin$/m);
  assert.match(stat, /^ 5 files changed, 3 insertions\(\+\), 2 deletions\(-\)$/m);
});

test('formatDiffStat: empty for no change, bars scaled to the width, singular counts', () => {
  assert.equal(formatDiffStat([]), '');
  const stat = formatDiffStat([{ file: 'big.txt', status: 'modified', added: 1000, removed: 0 }], 60);
  const line = stat.split('\n')[0]!;
  assert.ok(line.length <= 60, line);
  assert.match(line, /\| 1000 \++$/);
  assert.match(formatDiffStat([{ file: 'x', status: 'added', added: 1, removed: 0 }]), /1 file changed, 1 insertion\(\+\)$/);
});

test('treeDiff outside git (walk hashes): nothing, no git call', async () => {
  assert.deepEqual(await treeDiff(base, 'sha256-aaaa', 'sha256-bbbb'), []);
});
