import type { Observer } from '../../loop/observer.js';
import { progressLabel } from '../../loop/plan-checklist.js';
import { noticeLine } from './notice-text.js';

const clock = (date = new Date()) => date.toISOString().slice(11, 19);

/** Plain, timestamped log lines (CI, pipes, --ci). */
export function logLinesObserver(write: (text: string) => void): Observer {
  let lastPhase = '';
  let lastPlan = '';
  return (notice) => {
    if (notice.type === 'state') {
      const phase = `${notice.state.phase} ${notice.state.iteration}/${notice.state.maxIterations}`;
      if (phase !== lastPhase && notice.state.phase !== 'finished') write(`[${clock()}] phase: ${notice.state.phase} (iteration ${notice.state.iteration}/${notice.state.maxIterations})\n`);
      lastPhase = phase;
      const checklist = notice.state.checklist;
      const plan = checklist ? `${progressLabel(checklist.progress)} items checked` : '';
      if (plan && plan !== lastPlan) write(`[${clock()}] ${plan}\n`);
      lastPlan = plan;
      return;
    }
    const line = noticeLine(notice);
    if (line) write(`[${clock()}] ${line}\n`);
  };
}
