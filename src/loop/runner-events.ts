import type { Role } from '../bus/message.js';
import { errorMessage } from '../errors.js';
import type { AgentActivity, ExitInfo } from '../pty/types.js';
import type { AgentRunner, AgentRunnerEvents } from './agent-runner.js';
import { recordDelivery, recordStuck } from './delivery-records.js';
import type { DriverCore } from './driver-types.js';
import { awaitingReply } from './machine.js';
import { runnerRecords } from './runner-records.js';
import { accountHarnessUsage } from './usage-step.js';

/** What an agent's runner tells the driver, wired to journal lines and machine inputs; its own failure stops the run (exit 5). */
export function runnerEvents(core: DriverCore, role: Role, runner: () => AgentRunner, exited: (info: ExitInfo) => void): AgentRunnerEvents {
  const { ctx } = core;
  const records = runnerRecords(ctx, role, core.deps.observer, runner);
  return {
    ...records,
    turnSignal: (signal) => {
      records.turnSignal(signal);
      // After each turn, what it spent (read from the harness's own records); a finishing run reads them once more itself.
      if (signal.kind === 'turn-end' && !signal.ignored) core.queue(() => takeTurnUsage(core, role, runner()));
    },
    activity: (activity) => onActivity(core, role, runner(), activity),
    delivered: (envelope, info) => {
      if (envelope.kind === 'task' || envelope.kind === 'review-request') core.ledger.turnOf(role, envelope.iteration);
      recordDelivery(core, role, envelope, info);
    },
    stuck: (envelope, detail, final) => recordStuck(core, role, envelope, detail, final),
    exited: (info) => {
      ctx.journal.append('agent.exited', { role, exitCode: info.exitCode, signal: info.signal, ...(info.cleanupError ? { cleanupError: info.cleanupError } : {}) });
      exited(info);
    },
    idleAfterTurn: () => core.feed({ type: 'idle-without-reply', role }),
    fault: (error) => core.feed({ type: 'infra', reason: `the ${role}'s runner failed: ${errorMessage(error)}` }),
    awaitingReply: () => awaitingReply(core.state, role),
  };
}

/** Journal what an agent's last turn spent, and let the machine weigh it against the budgets. */
async function takeTurnUsage(core: DriverCore, role: Role, runner: AgentRunner): Promise<void> {
  if (core.finishing) return;
  const scope = { ctx: core.ctx, ledger: core.ledger, observer: core.deps.observer, iteration: core.state.iteration };
  for (const input of accountHarnessUsage(scope, role, runner.sessionId, runner.plan?.env ?? core.ctx.env)) await core.apply(input);
}

/** Track an agent's activity; a dialog only a human can answer is reported (the machine decides what it costs). */
function onActivity(core: DriverCore, role: Role, runner: AgentRunner, activity: AgentActivity): void {
  const { ctx } = core;
  core.deps.observer({ type: 'agent', role, activity });
  if (activity !== 'needs-input') return core.feed({ type: 'activity', role, activity });
  const screen = runner.session?.screenText().split('\n').filter((l) => l.trim()).slice(-8).join(' | ').slice(0, 300) ?? '';
  ctx.journal.append('agent.state', { role, state: 'needs-input', screen });
  core.deps.observer({ type: 'warning', text: `the ${role} is waiting for a human (a dialog): loop attach ${ctx.ref.id} ${role}` });
  core.feed({ type: 'activity', role, activity, screen });
}
