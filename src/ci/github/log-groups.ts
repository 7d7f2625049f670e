import { randomUUID } from 'node:crypto';
import type { Observer } from '../../loop/observer.js';
import type { LoopState } from '../../loop/state.js';

/** The group a phase's log lines go in: `Plan`, `Iteration N`, or none (before the start, after the end). */
const groupOf = ({ phase, iteration }: Pick<LoopState, 'phase' | 'iteration'>): string | undefined =>
  phase === 'starting' || phase === 'finished' ? undefined : phase === 'planning' || phase === 'plan-review' ? 'Plan' : `Iteration ${iteration}`;

/**
 * The run's log on GitHub Actions. Its lines carry agents' text, and the runner reads a workflow command from any
 * line starting with `::` and (the legacy form) from `##[` anywhere in a line, so while they are written the
 * runner is told to stop reading commands (`::stop-commands::<random token>`, resumed by `::<token>::`). loop's
 * own commands are written with reading resumed around them: `::group::Plan` around the plan phase,
 * `::group::Iteration N` around each iteration's lines, `::endgroup::` before the next (groups do not nest).
 */
export function githubLog(
  inner: Observer, write: (text: string) => void, token: () => string = randomUUID,
): { observer: Observer; start: (state?: Pick<LoopState, 'phase' | 'iteration'>) => void; end: () => void } {
  let stopped: string | undefined;
  const stop = () => {
    if (stopped) return;
    stopped = `loop-${token()}`;
    write(`::stop-commands::${stopped}\n`);
  };
  const resume = () => {
    if (!stopped) return;
    write(`::${stopped}::\n`);
    stopped = undefined;
  };
  const commands = (lines: string[]) => {
    if (lines.length === 0) return;
    const was = stopped !== undefined;
    resume();
    write(lines.map((line) => `${line}\n`).join(''));
    if (was) stop();
  };
  let open: string | undefined;
  /** Enter the group `name` (undefined: none), closing the open one. */
  const enter = (name: string | undefined) => {
    if (name === open) return;
    commands([...(open !== undefined ? ['::endgroup::'] : []), ...(name !== undefined ? [`::group::${name}`] : [])]);
    open = name;
  };
  const observer: Observer = (notice) => {
    if (notice.type === 'state') {
      enter(groupOf(notice.state));
    } else if (notice.type === 'finished') {
      enter(undefined);
    }
    inner(notice);
  };
  return {
    observer,
    /** Before the first log line: stop the runner reading commands, and enter the group of the state the run starts (or resumes) in. */
    start: (state) => {
      stop();
      if (state) enter(groupOf(state));
    },
    /** After the last log line: close the open group and let the runner read commands again. */
    end: () => {
      resume();
      if (open !== undefined) write('::endgroup::\n');
      open = undefined;
    },
  };
}
