import type { Role } from '../bus/message.js';
import { errorMessage } from '../errors.js';
import type { AgentRunner } from './agent-runner.js';
import { canResume } from './agent-resume.js';
import type { DriverCore } from './driver-types.js';

/** How often a crashed agent is relaunched before the run stops with exit 5. */
export const MAX_RESTARTS = 2;

/**
 * An agent exited on its own: relaunch it (on its own session when it can resume), a bounded number of times.
 * A message in flight when it died is typed again only if its own session does not hold it (AgentRunner.launch asks
 * `adapter.sessionHolds`, as resume does in agent-resume.ts).
 */
export async function restartAgent(core: DriverCore, runner: AgentRunner, restarts: number, exitCode: number | null): Promise<void> {
  const { ctx } = core;
  const role: Role = runner.role;
  if (restarts >= MAX_RESTARTS) return core.apply({ type: 'agent-exited', role, exitCode, restarts });
  const resumable = canResume(ctx, role, runner.sessionId);
  ctx.journal.append('agent.restarting', { role, exitCode, attempt: restarts + 1, resumeSessionId: resumable ? runner.sessionId : null });
  core.deps.observer({ type: 'warning', text: `the ${role} exited (${exitCode === null ? 'signal' : `exit code ${exitCode}`}); restarting it${resumable ? ` on its session ${runner.sessionId}` : ''} (${restarts + 1}/${MAX_RESTARTS})` });
  try {
    await runner.restart(resumable);
  } catch (error) {
    return core.apply({ type: 'infra', reason: `could not restart the ${role}: ${errorMessage(error)}` });
  }
  await core.apply({ type: 'agent-restarted', role, reissue: !resumable });
}
