import { existsSync } from 'node:fs';
import { join, relative, isAbsolute } from 'node:path';
import { otherRole, type Role } from '../bus/message.js';
import { agentAreaDir, dropBoxDir, privateDir, sharedSpoolDir, viewDir } from './agent-area.js';

export interface SandboxView {
  role: Role;
  runDir: string;
  /** `$LOOP_HOME/runs`: every run's records; hidden but for this run's. */
  runsDir: string;
  /** The repository the agent works in (kept writable even when it sits under a hidden folder). */
  cwd: string;
  /** Folders loop keeps its sockets in (hidden: an attach socket types into an agent's terminal). */
  hidden: string[];
  /** Files whose change would run code in the other agent (hook-bearing harness settings): read-only. */
  readOnly: string[];
}

const inside = (parent: string, child: string) => {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
};

/**
 * bubblewrap arguments for one agent. The agent sees the machine as the user does (repository, $HOME, /tmp,
 * network), but in its own PID namespace with a fresh /proc, and with a run directory that is read-only
 * except for its own area. Every path to a drop-box (`spool/`, its own, the other agent's) leads to its own
 * drop-box, and its view of the journal and manifest are copies loop keeps and watches.
 */
export function sandboxArgs(view: SandboxView): string[] {
  const { role, runDir } = view;
  const own = agentAreaDir(runDir, role);
  const mirrors = viewDir(runDir, role);
  const args = [
    '--dev-bind', '/', '/',
    '--unshare-pid', '--proc', '/proc',
    '--die-with-parent',
    '--tmpfs', view.runsDir,
    '--ro-bind', runDir, runDir,
    '--tmpfs', join(runDir, 'agents'),
    '--tmpfs', privateDir(runDir),
    '--bind', own, own,
    '--bind', own, agentAreaDir(runDir, otherRole(role)),
    '--bind', dropBoxDir(runDir, role), sharedSpoolDir(runDir),
    '--bind', join(mirrors, 'events.jsonl'), join(runDir, 'events.jsonl'),
    '--bind', join(mirrors, 'manifest.json'), join(runDir, 'manifest.json'),
  ];
  for (const dir of view.hidden) if (existsSync(dir)) args.push('--tmpfs', dir);
  for (const path of view.readOnly) if (existsSync(path)) args.push('--ro-bind', path, path);
  // A repository under a hidden folder (a worktree under $LOOP_HOME/runs) stays the agent's to work in.
  if (inside(view.runsDir, view.cwd)) args.push('--bind', view.cwd, view.cwd);
  args.push('--chdir', view.cwd);
  return args;
}
