import { createHash } from 'node:crypto';
import { basename, dirname, resolve } from 'node:path';
import { execa } from 'execa';

export interface RepoInfo {
  /** Readable name plus a short hash of the git common dir: worktrees of one repo share it. */
  repoId: string;
  /** Top level of the working tree (or cwd outside git). */
  root: string;
  /** Whether cwd is inside a git working tree. */
  isGit: boolean;
}

const sanitize = (name: string) => name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+/, '').slice(0, 40) || 'repo';
const shortHash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 12);

/** Identify the repository that `cwd` belongs to. */
export async function resolveRepo(cwd: string): Promise<RepoInfo> {
  const git = await execa('git', ['rev-parse', '--path-format=absolute', '--git-common-dir', '--show-toplevel'], {
    cwd,
    reject: false,
  });
  const [commonDir, root] = git.exitCode === 0 ? git.stdout.split('\n') : [];
  if (commonDir && root) {
    const name = basename(commonDir) === '.git' ? basename(dirname(commonDir)) : basename(commonDir).replace(/\.git$/, '');
    return { repoId: `${sanitize(name)}-${shortHash(resolve(commonDir))}`, root, isGit: true };
  }
  const abs = resolve(cwd);
  return { repoId: `${sanitize(basename(abs))}-${shortHash(abs)}`, root: abs, isGit: false };
}
