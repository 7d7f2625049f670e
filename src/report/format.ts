import type { RunSummary } from './summary.js';
import { costText } from './usage-totals.js';

/** "3m ago"-style age. */
export function age(iso: string, now = Date.now()): string {
  const ms = now - Date.parse(iso);
  if (!Number.isFinite(ms)) return '?';
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.round(s / 60)}m ago`;
  if (s < 86_400) return `${Math.round(s / 3600)}h ago`;
  return `${Math.round(s / 86_400)}d ago`;
}

export const firstLine = (text: string, max = 60) => {
  const line = text.split('\n')[0]?.trim() ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};

/** The `loop ls` table. */
export function formatTable(runs: RunSummary[]): string {
  const header = ['RUN', 'STATUS', 'ITER', 'PLAN', 'COST', 'WORKER/REVIEWER', 'CREATED', 'TASK'];
  const rows = runs.map((r) => [
    r.id,
    r.result && !r.tampered ? `${r.status} (${r.result.exitCode})` : r.status,
    `${r.iteration}/${r.maxIterations}`,
    r.plan ? `${r.plan.done}/${r.plan.total}` : '-',
    costText(r.spent),
    `${r.worker}/${r.panel ? r.panel.reviewers.map((x) => x.agent).join('+') : r.reviewer}`,
    r.createdAt ? age(r.createdAt) : '?',
    r.error ? `(${r.error})` : firstLine(r.task),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}
