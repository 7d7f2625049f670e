import { writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { execa } from 'execa';
import { ensureDir, FILE_MODE } from '../run/fs-atomic.js';
import { isGitTree, treeHash } from './tree-hash.js';

export type RestoreResult =
  | { ok: true; files: string[]; patch: string }
  | { ok: false; files: string[]; patch?: string; reason: string };


/**
 * Undo a change made to the working tree between two tree hashes: save it as a binary patch at `patchPath`
 * (mode 0600), apply it in reverse to the working tree, then confirm the tree is `wantedTree` again. Only the
 * working tree is touched, never the index or HEAD. Idempotent: a tree that is already restored stays as it is.
 */
export async function restoreTree(root: string, wantedTree: string, changedTree: string, patchPath: string, scratch?: string): Promise<RestoreResult> {
  if (!isGitTree(wantedTree) || !isGitTree(changedTree)) return { ok: false, files: [], reason: 'not a git repository, so loop cannot save or undo the change' };
  const git = (args: string[]) => execa('git', args, { cwd: root, reject: false, stripFinalNewline: false });
  const names = await git(['diff-tree', '-r', '-z', '--no-renames', '--name-only', wantedTree, changedTree]);
  const files = names.stdout.split('\0').filter(Boolean);
  // Plumbing, not `git diff`: the user's diff settings (noprefix, external diff, color) cannot change the patch.
  const diff = await git(['diff-tree', '-r', '-p', '--binary', '--no-renames', wantedTree, changedTree]);
  if (names.exitCode !== 0 || diff.exitCode !== 0) return { ok: false, files, reason: `git diff-tree failed: ${(names.stderr || diff.stderr).trim()}` };
  ensureDir(dirname(patchPath));
  writeFileSync(patchPath, diff.stdout, { mode: FILE_MODE });
  if ((await treeHash(root, scratch)) !== wantedTree) {
    // --whitespace=nowarn: a user's apply.whitespace=error must not refuse to undo a change with trailing spaces.
    const apply = await git(['apply', '-R', '--binary', '--whitespace=nowarn', '--', patchPath]);
    if (apply.exitCode !== 0) return { ok: false, files, patch: patchPath, reason: `git apply -R failed: ${apply.stderr.trim().split('\n').slice(0, 3).join('; ')}` };
    const now = await treeHash(root, scratch);
    if (now !== wantedTree) return { ok: false, files, patch: patchPath, reason: `the tree is ${now.slice(0, 12)} after undoing the change, not ${wantedTree.slice(0, 12)}` };
  }
  return { ok: true, files, patch: patchPath };
}
