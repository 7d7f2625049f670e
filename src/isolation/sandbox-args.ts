import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, isAbsolute } from 'node:path';
import { ROLES } from '../bus/roles.js';
import type { Role } from '../bus/message.js';
import { agentAreaDir, dropBoxDir, sharedSpoolDir, viewDir } from './agent-area.js';

export interface SandboxView {
  role: Role;
  runDir: string;
  /** `$LOOP_HOME/runs`: every run's records; hidden but for what this agent is shown of its own run. */
  runsDir: string;
  /** The repository the agent works in (kept writable even when it sits under a hidden folder). */
  cwd: string;
  /** Folders loop keeps its sockets in (hidden: an attach socket types into an agent's terminal). */
  hidden: string[];
  /** Files whose change would run code in the other agent (hook-bearing harness settings): read-only. */
  readOnly: string[];
}

/** Is `child` the folder `parent` or somewhere below it? */
export const isInside = (parent: string, child: string): boolean => {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
};

/** Is this file of the run directory one of `role`'s harness files (`<role>-…`; `reviewer-2-…` is not the `reviewer`'s)? */
export const isRoleFile = (name: string, role: Role): boolean => name.startsWith(`${role}-`) && !/^\d+-/.test(name.slice(role.length + 1));

/** The run's files an agent of this role needs to read: its harness settings (`<role>-…`), loop's shim, proof logs. */
function readableParts(runDir: string, role: Role): string[] {
  const own = readdirSync(runDir).filter((name) => isRoleFile(name, role) && statSync(join(runDir, name)).isFile());
  return [...own, 'bin', 'proof'].map((name) => join(runDir, name));
}

/**
 * bubblewrap arguments for one agent. The agent sees the machine as the user does (repository, $HOME, /tmp,
 * network), but in its own PID namespace with a fresh /proc. At the run directory's path it sees its own view
 * folder: copies of the journal and manifest that loop keeps and watches, its own harness files, loop's shim
 * and the proof logs read-only, and its own area. Every path to a drop-box (`spool/`, its own, any other
 * role's) leads to its own drop-box. The other agents' areas, the role keys and the sockets are not there.
 */
export function sandboxArgs(view: SandboxView): string[] {
  const { role, runDir } = view;
  const own = agentAreaDir(runDir, role);
  const args = [
    '--dev-bind', '/', '/',
    '--unshare-pid', '--proc', '/proc',
    // No --die-with-parent: its SIGKILL would cut a harness off before it saves its session (claude 2.1.197
    // then cannot --resume). When loop dies, the terminal hangs up instead (SIGHUP), as without a sandbox.
    '--tmpfs', view.runsDir,
    '--bind', viewDir(runDir, role), runDir,
  ];
  for (const path of readableParts(runDir, role)) args.push('--ro-bind', path, path);
  args.push('--bind', own, own);
  // Every role's, a panel's reviewers included (and those a run of fewer reviewers does not have).
  for (const other of ROLES) if (other !== role) args.push('--bind', own, agentAreaDir(runDir, other));
  args.push('--bind', dropBoxDir(runDir, role), sharedSpoolDir(runDir));
  for (const dir of view.hidden) if (existsSync(dir)) args.push('--tmpfs', dir);
  for (const path of view.readOnly) if (existsSync(path)) args.push('--ro-bind', path, path);
  // A repository under a hidden folder (a worktree under $LOOP_HOME/runs) stays the agent's to work in.
  if (isInside(view.runsDir, view.cwd)) args.push('--bind', view.cwd, view.cwd);
  args.push('--chdir', view.cwd);
  return args;
}
