import type { Observer } from '../../loop/observer.js';

/**
 * Log lines folded per iteration: `::group::Plan` around the plan phase, `::group::Iteration N` around each
 * iteration's lines, `::endgroup::` before the next (groups do not nest) and at the end (`close`).
 */
export function groupedObserver(inner: Observer, write: (text: string) => void): { observer: Observer; close: () => void } {
  let open: string | undefined;
  const close = () => {
    if (open !== undefined) write('::endgroup::\n');
    open = undefined;
  };
  const observer: Observer = (notice) => {
    if (notice.type === 'state') {
      const { phase, iteration } = notice.state;
      const name = phase === 'finished' ? undefined : phase === 'planning' || phase === 'plan-review' ? 'Plan' : `Iteration ${iteration}`;
      if (name !== open) {
        close();
        if (name) write(`::group::${name}\n`);
        open = name;
      }
    } else if (notice.type === 'finished') {
      close();
    }
    inner(notice);
  };
  return { observer, close };
}
