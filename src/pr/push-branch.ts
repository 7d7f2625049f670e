import { execa } from 'execa';
import { infraError, usageError } from '../errors.js';

/** The remote to push to: `origin`, else the only remote there is. */
export async function pushRemote(repo: string): Promise<string> {
  const listed = await execa('git', ['remote'], { cwd: repo, reject: false });
  const remotes = listed.exitCode === 0 ? listed.stdout.split('\n').map((r) => r.trim()).filter(Boolean) : [];
  if (remotes.includes('origin')) return 'origin';
  if (remotes.length === 1) return remotes[0]!;
  throw usageError(
    remotes.length === 0 ? `${repo}: the repository has no git remote to push the branch to` : `${repo}: several git remotes (${remotes.join(', ')}) and none is named origin`,
    remotes.length === 0 ? 'add one: git remote add origin <url>' : 'name the one to push to origin: git remote rename <name> origin',
  );
}

/** Push a branch to the same name on the remote (no hooks: loop's step, not the user's). A failure is exit 5. */
export async function pushBranch(repo: string, remote: string, branch: string): Promise<void> {
  const pushed = await execa('git', ['-c', 'core.hooksPath=/dev/null', 'push', '--quiet', remote, `refs/heads/${branch}:refs/heads/${branch}`], { cwd: repo, reject: false, stdin: 'ignore' });
  if (pushed.exitCode !== 0) throw infraError(`git push ${remote} ${branch} failed: ${pushed.stderr.trim().split('\n').pop() ?? ''}`);
}
