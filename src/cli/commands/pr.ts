import { existsSync } from 'node:fs';
import { LoopError, ExitCode } from '../../errors.js';
import { createDraftPr, requireGh } from '../../pr/gh.js';
import { pushBranch, pushRemote } from '../../pr/push-branch.js';
import { prBody } from '../../report/pr-body.js';
import { taskTitle } from '../../report/task-title.js';
import { readManifest } from '../../run/manifest.js';
import { RunStore } from '../../run/store.js';
import { home, userEnv } from '../env.js';

/** `loop pr <id>`: push the run's branch and open a draft pull request with gh. */
export async function prCommand(query: string, options: { dryRun?: boolean }): Promise<number> {
  const ref = new RunStore(home()).resolve(query);
  const manifest = readManifest(ref.dir);
  if (!manifest.commit || !manifest.branch) {
    throw new LoopError('no-commit', `run ${ref.id} has no commit of an approved tree (it is ${manifest.status}${manifest.result ? `, exit ${manifest.result.exitCode}` : ''}): only a completed run with a branch becomes a pull request`, {
      exitCode: ExitCode.usage,
      hint: manifest.worktree || manifest.commitAtEnd ? `see why: loop show ${ref.id}` : 'runs get a commit with --worktree (or --commit in place): loop run --worktree "…"',
    });
  }
  // Branches are shared by every worktree of a repository: the user's checkout works once the run's worktree is gone.
  const repo = [manifest.worktree, manifest.checkout, manifest.cwd].find((dir): dir is string => dir !== undefined && existsSync(dir));
  if (!repo) throw new LoopError('repo-gone', `run ${ref.id}: its repository (${manifest.checkout ?? manifest.cwd}) no longer exists`, { exitCode: ExitCode.usage });
  const title = taskTitle(manifest.task);
  const body = prBody(ref, manifest.commit);
  if (options.dryRun) {
    process.stdout.write(`title: ${title}\nbranch: ${manifest.branch}\n\n${body}\n`);
    return 0;
  }
  const env = userEnv();
  const gh = await requireGh(env, repo);
  const remote = await pushRemote(repo);
  await pushBranch(repo, remote, manifest.branch);
  process.stdout.write(`loop: pushed ${manifest.branch} to ${remote}\n`);
  const url = await createDraftPr({ gh, cwd: repo, env, branch: manifest.branch, title, body });
  process.stdout.write(`loop: draft pull request: ${url}\n`);
  return 0;
}
