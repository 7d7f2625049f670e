import type { Role } from '../../bus/message.js';
import type { Observer, RoleSpend, RunNotice } from '../../loop/observer.js';
import { progressLabel } from '../../loop/plan-checklist.js';
import type { LoopState } from '../../loop/state.js';
import type { AgentActivity } from '../../pty/types.js';
import { messageSummary, noticeLine } from './notice-text.js';
import { usd } from '../../usage/prices.js';

interface View {
  runId: string;
  agents: Map<Role, { name: string; activity: AgentActivity }>;
  /** Tokens and known cost per role so far (a resumed run's earlier spend included), and whether some cost is unknown. */
  spent: Map<Role, RoleSpend>;
  state?: LoopState;
  proof: string;
  lines: string[];
  started: number;
}

const elapsed = (ms: number) => {
  const s = Math.floor(ms / 1000);
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
};

/** A one-screen live status for a terminal, redrawn in place. */
export function liveStatusObserver(write: (text: string) => void, color: boolean, width = 100): Observer {
  const paint = (code: string, text: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
  const view: View = {
    runId: '', proof: 'not run yet', lines: [], started: Date.now(), spent: new Map(),
    agents: new Map([['worker', { name: '', activity: 'starting' }], ['reviewer', { name: '', activity: 'starting' }]]),
  };
  let drawn = 0;
  let timer: NodeJS.Timeout | undefined;

  const draw = () => {
    timer = undefined;
    const s = view.state;
    const rows = [
      paint('1', `loop · run ${view.runId} · ${s ? `iteration ${s.iteration}/${s.maxIterations} · ${s.phase}${s.checklist ? ` · ${progressLabel(s.checklist.progress)}` : ''}` : 'starting'} · ${elapsed(Date.now() - view.started)}`),
      ...[...view.agents].map(([role, agent]) => {
        const shown = agent.activity === 'needs-input' ? paint('33', `needs you: loop attach ${view.runId} ${role}`) : agent.activity;
        const spent = view.spent.get(role);
        const money = spent ? `  ${spent.tokens} tok · ${usd(spent.costUsd)}${spent.unknown ? '+?' : ''}` : '';
        return `  ${role.padEnd(11)}${agent.name.padEnd(18)}${shown}${money}`;
      }),
      `  proof      ${view.proof}`,
      '  latest:',
      ...view.lines.slice(-8).map((line) => `    ${line.slice(0, width - 4)}`),
      paint('2', `  Ctrl-C stops the run (resumable: loop resume ${view.runId})`),
    ];
    write(`${drawn > 0 ? `\x1b[${drawn}F\x1b[J` : ''}${rows.join('\n')}\n`);
    drawn = rows.length;
  };
  const schedule = () => {
    timer ??= setTimeout(draw, 100);
  };

  return (notice: RunNotice) => {
    switch (notice.type) {
      case 'started':
        view.runId = notice.runId;
        view.agents = new Map(notice.agents.map(({ role, name }) => [role, { name, activity: view.agents.get(role)?.activity ?? 'starting' }]));
        for (const [role, spent] of Object.entries(notice.spentBefore ?? {})) if (spent) view.spent.set(role as Role, { ...spent });
        break;
      case 'agent':
        view.agents.set(notice.role, { name: view.agents.get(notice.role)?.name ?? '', activity: notice.activity });
        break;
      case 'state':
        view.state = notice.state;
        break;
      case 'usage': {
        const before = view.spent.get(notice.role) ?? { tokens: 0, costUsd: 0, unknown: false };
        view.spent.set(notice.role, {
          tokens: before.tokens + notice.tokens,
          costUsd: before.costUsd + (notice.costUsd === 'unknown' ? 0 : notice.costUsd),
          unknown: before.unknown || notice.costUsd === 'unknown',
        });
        break;
      }
      case 'message':
        if (!notice.delivered) view.lines.push(messageSummary(notice.envelope, width - 30));
        break;
      case 'proof-done': {
        const line = (noticeLine(notice) ?? '').replace(/^proof /, '');
        view.proof = notice.receipt.passed ? paint('32', line) : paint('31', line);
        break;
      }
      case 'proof-start':
        view.proof = 'running…';
        break;
      case 'finished':
        if (timer) clearTimeout(timer);
        draw();
        return;
      default: {
        const line = noticeLine(notice);
        if (line) view.lines.push(line);
      }
    }
    schedule();
  };
}
