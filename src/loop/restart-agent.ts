import { errorMessage } from '../errors.js';
import type { AgentRunner } from './agent-runner.js';
import type { DriverCore } from './driver-types.js';
import type { EffectOf } from './effects.js';

/**
 * Perform the machine's `relaunch`: start the agent again (on its own session when it can resume), then tell the
 * machine it is back. A message in flight when it died is typed again only if its own session does not hold it
 * (AgentRunner.launch asks `adapter.sessionHolds`, as resume does in agent-resume.ts).
 */
export async function relaunchAgent(core: DriverCore, runner: AgentRunner, effect: EffectOf<'relaunch'>): Promise<void> {
  const { ctx } = core;
  const { role, exitCode, attempt, of } = effect;
  const onOwnSession = effect.onOwnSession && runner.sessionId !== null;
  ctx.journal.append('agent.restarting', { role, exitCode, attempt, resumeSessionId: onOwnSession ? runner.sessionId : null });
  core.deps.observer({ type: 'warning', text: `the ${role} exited (${exitCode === null ? 'signal' : `exit code ${exitCode}`}); restarting it${onOwnSession ? ` on its session ${runner.sessionId}` : ''} (${attempt}/${of})` });
  try {
    await runner.restart(onOwnSession);
  } catch (error) {
    return core.apply({ type: 'infra', reason: `could not restart the ${role}: ${errorMessage(error)}` });
  }
  await core.apply({ type: 'agent-restarted', role, onOwnSession });
}
