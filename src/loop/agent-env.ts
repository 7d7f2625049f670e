import { dirname, join } from 'node:path';
import { loopLauncher } from './launcher.js';
import { fallbackSocketDir } from '../attach/attach-server.js';
import type { Role } from '../bus/message.js';
import { isInside, sandboxArgs } from '../isolation/sandbox-args.js';
import { ensureDir } from '../run/fs-atomic.js';
import { gitDirsOf } from '../worktree/git-dirs.js';
import { agentOf, type RunContext } from './run-context.js';

/**
 * The sandbox's first process: a shell that outlives a hangup and waits for the agent. Why: bwrap's own init
 * dies at once on SIGHUP, and the kernel then SIGKILLs the agent, so when loop dies the harness never gets to
 * save its session (claude 2.1.197: "No conversation found" on --resume). This shell catches HUP and TERM
 * (the handlers are reset for the agent, which gets them as usual), waits, and passes on the exit code.
 */
const SANDBOX_INIT = 'trap : HUP TERM INT; "$@"; exit $?';

/**
 * loop's own installation (its code, and the node_modules it loads lazily during a run): an agent that could
 * rewrite it would rewrite the other agent's `loop msg`, or loop's proof step. Left writable only when the
 * agents work on loop itself (the repository is inside the installation).
 */
function loopOwnCode(cwd: string): string[] {
  const root = dirname(dirname(loopLauncher()));
  return isInside(root, cwd) ? [] : [root];
}

/**
 * git settings that make git run commands (hooks, core.fsmonitor, diff and filter drivers): loop itself runs
 * git on the tree (tree hash, proof surface, restore, verify), so an agent that planted one there would run
 * code outside its sandbox.
 */
function gitCommandSettings(root: string, home: string | undefined): string[] {
  // In a worktree (a --worktree run) the config and hooks are the common git directory's, plus its own config.worktree.
  const dirs = gitDirsOf(root) ?? { gitDir: join(root, '.git'), commonDir: join(root, '.git') };
  const paths = [join(dirs.commonDir, 'config'), join(dirs.commonDir, 'hooks'), join(dirs.gitDir, 'config.worktree')];
  if (home) paths.push(join(home, '.gitconfig'), join(home, '.config', 'git'));
  return paths;
}

/** How one agent is started: its environment, and under the sandbox the bubblewrap wrapper around its command. */
export interface AgentLaunchSetup {
  env: Record<string, string>;
  wrap?: (command: string, args: string[]) => { command: string; args: string[] };
}

/**
 * The agent's environment (the user's, the LOOP_* variables, loop's shim first on PATH) and its isolation.
 * Without a sandbox the agent gets its role key (LOOP_TOKEN) to sign its messages with; under the sandbox its
 * drop-box is the proof of origin, so no key is handed out.
 */
export function agentLaunchSetup(ctx: RunContext, role: Role, shimDir: string): AgentLaunchSetup {
  const { LOOP_TOKEN: _inherited, ...userEnv } = ctx.env;
  const env: Record<string, string> = {
    ...userEnv,
    LOOP_RUN_ID: ctx.ref.id,
    LOOP_RUN_DIR: ctx.ref.dir,
    LOOP_ROLE: role,
    PATH: `${shimDir}:${ctx.env.PATH ?? '/usr/bin:/bin'}`,
  };
  if (ctx.isolation.mode !== 'sandbox') {
    const key = ctx.keys[role];
    if (key === undefined) throw new Error(`no role key for the ${role}`);
    return { env: { ...env, LOOP_TOKEN: key } };
  }
  const where = { cwd: ctx.manifest.cwd, env: ctx.env };
  const readOnly = [
    join(ctx.home, 'config.json'),
    ...loopOwnCode(ctx.manifest.cwd),
    ...gitCommandSettings(ctx.root, ctx.env.HOME),
    ...ctx.roles.flatMap((each) => agentOf(ctx, each).protectedPaths?.(where) ?? []),
  ];
  ensureDir(fallbackSocketDir()); // exists before the sandbox is set up, so that it can be hidden
  const program = ctx.isolation.program ?? 'bwrap';
  // Worked out at each launch: the adapter's plan may just have written a file that is to be read-only.
  const wrap = (command: string, commandArgs: string[]) => {
    const args = sandboxArgs({
      role, runDir: ctx.ref.dir, runsDir: dirname(dirname(ctx.ref.dir)), cwd: ctx.manifest.cwd,
      hidden: [fallbackSocketDir()], readOnly: [...new Set(readOnly)],
    });
    return { command: program, args: [...args, '--as-pid-1', '--', '/bin/sh', '-c', SANDBOX_INIT, 'loop-agent', command, ...commandArgs] };
  };
  return { env, wrap };
}
