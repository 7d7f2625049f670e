import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * A working tree's git directory and the repository's common one, read from disk (no git process): `.git` is
 * the directory itself in a main checkout, and a `gitdir: …` file in a worktree, whose git directory names the
 * common one in its `commondir` file. Undefined when `root` has no `.git`.
 */
export function gitDirsOf(root: string): { gitDir: string; commonDir: string } | undefined {
  const dotGit = join(root, '.git');
  try {
    if (statSync(dotGit).isDirectory()) return { gitDir: dotGit, commonDir: dotGit };
    const pointer = /^gitdir:\s*(.+)$/m.exec(readFileSync(dotGit, 'utf8'))?.[1]?.trim();
    if (!pointer) return undefined;
    const gitDir = resolve(root, pointer);
    let commonDir = gitDir;
    try {
      commonDir = resolve(gitDir, readFileSync(join(gitDir, 'commondir'), 'utf8').trim());
    } catch {
      // no commondir file: the git directory is the common one
    }
    return { gitDir, commonDir };
  } catch {
    return undefined;
  }
}
