import type { Observer } from '../../loop/observer.js';
import { noticeLine } from './notice-text.js';

const clock = (date = new Date()) => date.toISOString().slice(11, 19);

/** Plain, timestamped log lines (CI, pipes, --ci). */
export function logLinesObserver(write: (text: string) => void): Observer {
  let lastPhase = '';
  return (notice) => {
    if (notice.type === 'state') {
      const phase = `${notice.state.phase} ${notice.state.iteration}/${notice.state.maxIterations}`;
      if (phase !== lastPhase && notice.state.phase !== 'finished') write(`[${clock()}] phase: ${notice.state.phase} (iteration ${notice.state.iteration}/${notice.state.maxIterations})\n`);
      lastPhase = phase;
      return;
    }
    const line = noticeLine(notice);
    if (line) write(`[${clock()}] ${line}\n`);
  };
}
