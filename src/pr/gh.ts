import { execa } from 'execa';
import { infraError, LoopError, ExitCode } from '../errors.js';
import { findExecutable } from '../pty/preflight.js';

const INSTALL = 'install the GitHub CLI: https://cli.github.com (brew install gh, apt install gh, winget install GitHub.cli), then log in: gh auth login';

const lastLine = (text: string) => text.trim().split('\n').pop()?.trim() ?? '';

/**
 * The GitHub CLI, installed and logged in (`gh auth status`), or a usage error (exit 2) with the fix: a missing
 * or logged-out gh is the user's setup to fix, and nothing was changed. Returns gh's path.
 */
export async function requireGh(env: Record<string, string>, cwd: string): Promise<string> {
  const gh = findExecutable('gh', env.PATH, cwd);
  if (!gh) throw new LoopError('gh-missing', 'the GitHub CLI (gh) is not installed or not on PATH: loop opens pull requests with it', { exitCode: ExitCode.usage, hint: INSTALL });
  const status = await execa(gh, ['auth', 'status'], { cwd, env, extendEnv: false, reject: false, stdin: 'ignore' });
  if (status.exitCode !== 0) {
    const why = lastLine(status.stderr || status.stdout);
    throw new LoopError('gh-logged-out', `gh is not logged in to GitHub (gh auth status: ${why || `exit ${status.exitCode}`})`, { exitCode: ExitCode.usage, hint: 'log in: gh auth login' });
  }
  return gh;
}

/** `gh pr create --draft`: returns the pull request's URL (gh's last line of output). A failure is exit 5. */
export async function createDraftPr(o: { gh: string; cwd: string; env: Record<string, string>; branch: string; title: string; body: string }): Promise<string> {
  const created = await execa(o.gh, ['pr', 'create', '--draft', '--head', o.branch, '--title', o.title, '--body', o.body], {
    cwd: o.cwd, env: o.env, extendEnv: false, reject: false, stdin: 'ignore',
  });
  if (created.exitCode !== 0) throw infraError(`gh pr create failed (exit ${created.exitCode}): ${lastLine(created.stderr || created.stdout)}`);
  return lastLine(created.stdout);
}
