import { readFileSync } from 'node:fs';
import type { JournalEvent } from '../run/journal.js';
import { groupMembers, killProcessGroup } from '../pty/process-tree.js';

/** Does this pid still belong to an agent of `runId` (its environment carries LOOP_RUN_ID)? Never a recycled pid. */
function belongsToRun(pid: number, runId: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`LOOP_RUN_ID=${runId}`);
  } catch {
    return false;
  }
}

/**
 * Agents of a run whose loop process was killed outright (SIGKILL, power loss) may still be alive: some TUIs
 * ignore the terminal hangup. Terminate their process groups before the run is resumed. Returns the pids ended.
 */
export async function endLeftoverAgents(events: readonly JournalEvent[], runId: string): Promise<number[]> {
  const pids = events.filter((e) => e.type === 'agent.started' && typeof e.pid === 'number').map((e) => e.pid as number);
  // Under the sandbox the recorded pid is bwrap's, which dies of the hangup while the agent in its group
  // lives on: look at the group's members too.
  const alive = [...new Set(pids)].filter((pid) => belongsToRun(pid, runId) || groupMembers(pid).some((member) => belongsToRun(member, runId)));
  // TERM first: a harness saves its session on the way out (claude --resume needs it), then KILL.
  await Promise.all(alive.map((pid) => killProcessGroup(pid, 2000, { includeLeader: belongsToRun(pid, runId) })));
  return alive;
}
