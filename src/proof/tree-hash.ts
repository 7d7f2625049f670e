import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { join, relative } from 'node:path';
import { execa } from 'execa';
import { makeTempDir } from '../run/owned-temp.js';

/**
 * A content hash of the working tree, tracked and untracked (ignored files excluded): `git add -A` into a
 * temporary index, then `git write-tree`. The user's own index is never touched. Outside git, a sha256 walk.
 * The temporary index lives in `scratch` (a run's own scratch folder) when given, else in the temp folder.
 * `knownGitDir` (the repository's absolute git directory) saves asking git for it. `filled` is given the
 * temporary index once `git add` has filled it (the cache reads what git saw there); the tree id it may
 * return (written by its own means, see git-tree.ts) stands for `git write-tree`.
 */
export async function treeHash(root: string, scratch?: string, knownGitDir?: string, filled?: (index: string) => string | undefined): Promise<string> {
  let gitDir = knownGitDir;
  if (gitDir === undefined) {
    const found = await execa('git', ['rev-parse', '--absolute-git-dir'], { cwd: root, reject: false });
    if (found.exitCode !== 0) return walkHash(root);
    gitDir = found.stdout.trim();
  }
  const tmp = makeTempDir('index', scratch);
  const index = join(tmp, 'index');
  try {
    const current = join(gitDir, 'index');
    if (existsSync(current)) {
      copyFileSync(current, index);
      // Why: git re-reads a file whose mtime is not older than the index ("racy git"). A copy stamped "now" would
      // make a same-size edit made in the index's last second look unchanged, and the hash would miss it.
      const { atime, mtime } = statSync(current);
      utimesSync(index, atime, mtime);
    }
    const env = { GIT_INDEX_FILE: index };
    await execa('git', ['add', '-A', '--', ':/'], { cwd: root, env }); // ':/' = the whole tree, even from a subdirectory
    const written = filled?.(index);
    if (written) return written;
    const tree = await execa('git', ['write-tree'], { cwd: root, env });
    return tree.stdout.trim();
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Is this a git tree id (not the sha256- walk hash loop gives outside git)? */
export const isGitTree = (hash: string): boolean => /^[0-9a-f]{40,64}$/.test(hash);

const SKIP = new Set(['.git', 'node_modules']);

function walkHash(root: string): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      if (SKIP.has(name)) continue;
      const path = join(dir, name);
      const stat = statSync(path, { throwIfNoEntry: false });
      if (!stat) continue;
      if (stat.isDirectory()) walk(path);
      else if (stat.isFile()) hash.update(`${relative(root, path)}\0${stat.size}\0`).update(readFileSync(path));
    }
  };
  walk(root);
  return `sha256-${hash.digest('hex').slice(0, 40)}`;
}
