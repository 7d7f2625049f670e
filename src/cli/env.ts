import { usableHome, type HomeUse } from '../config/home-check.js';
import { isRole, type AgentRole as Role } from '../bus/roles.js';
import { usageError } from '../errors.js';
import { githubEnvOf, type GithubEnv } from '../ci/github/github-env.js';

/** The user's environment as plain strings (passed through to agents and proof commands). */
export function userEnv(): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/** `$LOOP_HOME`, checked for the use a command makes of it (a file there, or no access, is a usage error). */
export const home = (use: HomeUse = 'read') => usableHome(process.env, use);

/** Whether output may use colour and a live screen. */
export const isInteractive = () => Boolean(process.stdout.isTTY) && !process.env.CI;
export const useColor = () => Boolean(process.stdout.isTTY) && !process.env.NO_COLOR && process.env.TERM !== 'dumb';

/**
 * The run an agent-side command (`loop msg`, `loop inbox`, `loop mcp`) belongs to, from LOOP_RUN_DIR and
 * LOOP_ROLE, plus the role key LOOP_TOKEN where loop handed one out. LOOP_ROLE is only what the process
 * believes: loop decides a message's role from the drop-box it lands in and its key. Loads no zod: `loop msg`
 * and `loop inbox` start fast.
 */
export function agentSide(): { runDir: string; runId: string; role: Role; key?: string } {
  const runDir = process.env.LOOP_RUN_DIR;
  const roleText = process.env.LOOP_ROLE;
  if (!runDir || !roleText) {
    throw usageError('LOOP_RUN_DIR and LOOP_ROLE are not set: this command is for agents inside a loop run', 'agents started by `loop run` have them set');
  }
  if (!isRole(roleText)) throw usageError(`LOOP_ROLE must be 'worker' or 'reviewer' (or a panel's reviewer-2…), got '${roleText}'`);
  const role = roleText;
  const key = process.env.LOOP_TOKEN;
  return { runDir, runId: process.env.LOOP_RUN_ID ?? '', role, ...(key ? { key } : {}) };
}

/** How long an agent may sit idle after a turn before loop reminds it (LOOP_IDLE_GRACE_MS, default 5 s). */
export function idleGraceMs(): number {
  const value = Number(process.env.LOOP_IDLE_GRACE_MS);
  return Number.isFinite(value) && value >= 100 ? value : 5000;
}

/** GitHub Actions output for `loop run`/`loop resume` (`--ci` or `--github`): on with GITHUB_ACTIONS=true or `--github`. */
export const githubEnv = (options: { ci?: boolean; github?: boolean }): GithubEnv | undefined =>
  options.ci || options.github ? githubEnvOf(process.env, Boolean(options.github)) : undefined;
