import type { LaunchPlan } from '../agents/card.js';
import type { TurnSignal } from '../agents/signals.js';
import type { Envelope, Role } from '../bus/message.js';
import type { AgentRunner } from './agent-runner.js';
import type { Observer } from './observer.js';
import { agentOf, saveRoleInfo, type RunContext } from './run-context.js';

/** What the driver records of an agent's life that does not move the machine: journal lines and notices. */
export function runnerRecords(ctx: RunContext, role: Role, observer: Observer, runner: () => AgentRunner) {
  return {
    started(plan: LaunchPlan, pid: number, recording: string): void {
      ctx.journal.append('agent.started', { role, agent: agentOf(ctx, role).card.name, pid, command: plan.command, args: plan.args, sessionId: plan.sessionId, recording, isolation: ctx.isolation.mode });
      for (const notice of plan.notices ?? []) {
        ctx.journal.append('agent.setup', { role, notice });
        observer({ type: 'info', text: `${role} setup: ${notice}` });
      }
      saveRoleInfo(ctx, role, plan.sessionId, pid);
    },
    turnSignal(signal: TurnSignal): void {
      const type = signal.kind === 'turn-start' ? 'agent.turn-started' : signal.kind === 'turn-end' ? 'agent.turn-ended' : 'agent.session-started';
      ctx.journal.append(type, { role, event: signal.event, sessionId: signal.sessionId, ...(signal.ids ? { ids: signal.ids } : {}), ...(signal.ignored ? { ignored: signal.ignored } : {}) });
      const { sessionId, session } = runner();
      if (!signal.ignored && sessionId && ctx.manifest.roles[role]?.sessionId !== sessionId) {
        ctx.journal.append('agent.session', { role, sessionId, how: `${signal.event} signal` });
        saveRoleInfo(ctx, role, sessionId, session?.pid ?? null);
      }
    },
    sessionFound(sessionId: string, how: string): void {
      if (ctx.manifest.roles[role]?.sessionId === sessionId) return;
      ctx.journal.append('agent.session', { role, sessionId, how });
      saveRoleInfo(ctx, role, sessionId, runner().session?.pid ?? null);
    },
    signalMissing(): void {
      ctx.journal.append('agent.state', { role, state: 'unknown', detail: 'no turn-end signal from the harness within the watchdog; trusting the screen' });
      observer({ type: 'warning', text: `${role}: no turn-end signal from ${agentOf(ctx, role).card.name}; going by the screen` });
    },
    unsubmitted(envelopes: Envelope[], attempt: number, screen: string): void {
      ctx.journal.append('message.unsubmitted', { ids: envelopes.map((e) => e.id), to: role, attempt, screen });
      observer({ type: 'warning', text: `the ${role} did not start a turn for the typed message (attempt ${attempt}); clearing its input and typing it again` });
    },
  };
}
