import { execa } from 'execa';
import { REPO_CONFIG_NAME } from '../config/paths.js';
import { infraError } from '../errors.js';

/**
 * What `git status` reports as uncommitted in a checkout: tracked files changed (staged or not), deleted or
 * renamed, and untracked files that are not ignored. loop's own `.loop.json` (at the top level) does not count:
 * loop reads it before the run and freezes it into the manifest. Returns porcelain lines (`XY path`).
 */
export async function uncommittedChanges(root: string): Promise<string[]> {
  const status = await execa('git', ['status', '--porcelain=v1', '-z', '--untracked-files=all'], { cwd: root, reject: false, stripFinalNewline: false });
  if (status.exitCode !== 0) throw infraError(`${root}: git status failed: ${status.stderr.trim().split('\n')[0] ?? ''}`);
  const entries: string[] = [];
  const parts = status.stdout.split('\0');
  for (let i = 0; i < parts.length; i++) {
    const entry = parts[i]!;
    if (entry.length < 4) continue;
    if (entry[0] === 'R' || entry[0] === 'C') i++; // a rename's source path follows
    if (entry.slice(3) !== REPO_CONFIG_NAME) entries.push(entry);
  }
  return entries;
}

/** The commit HEAD points at, or undefined in a repository without commits. */
export async function headCommit(root: string): Promise<string | undefined> {
  const head = await execa('git', ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], { cwd: root, reject: false });
  return head.exitCode === 0 ? head.stdout.trim() : undefined;
}

/** The branch HEAD is on (`main`), or undefined when HEAD is detached. */
export async function currentBranch(root: string): Promise<string | undefined> {
  const ref = await execa('git', ['symbolic-ref', '--quiet', '--short', 'HEAD'], { cwd: root, reject: false });
  return ref.exitCode === 0 ? ref.stdout.trim() : undefined;
}
