import { ROLES } from '../bus/message.js';
import type { Manifest } from '../run/manifest.js';
import { PRICE_TABLE_DATE, usd } from '../usage/prices.js';
import { costText, type UsageTotal, type UsageTotals } from './usage-totals.js';

const HEADER = ['iteration', 'role', 'input', 'output', 'cache read', 'cache write', 'tokens', 'cost'];

const row = (iteration: string, role: string, t: UsageTotal): string[] =>
  [iteration, role, String(t.inputTokens), String(t.outputTokens), String(t.cacheReadTokens), String(t.cacheWriteTokens), String(t.tokens), costText(t)];

/** `loop show`'s usage table: each iteration per role, then each role and the run in all; then why some usage is unknown. */
export function usageTable(totals: UsageTotals, budget: Manifest['budget']): string[] {
  const limits = [budget?.maxCostUsd !== undefined ? `${usd(budget.maxCostUsd)} (maxCostUsd)` : '', budget?.maxTokens !== undefined ? `${budget.maxTokens} tokens (maxTokens)` : ''].filter(Boolean);
  const title = `usage (prices of ${PRICE_TABLE_DATE} unless set in config "prices"${limits.length > 0 ? `; budget ${limits.join(', ')}` : ''}):`;
  if (totals.byIteration.length === 0) return [title, '  none recorded (a custom agent reports its own with: loop msg usage --json …)'];
  const rows: string[][] = [];
  for (const { iteration, byRole } of totals.byIteration) {
    for (const role of ROLES) if (byRole[role]) rows.push(row(String(iteration), role, byRole[role]!));
  }
  for (const role of ROLES) if (totals.byRole[role]) rows.push(row('all', role, totals.byRole[role]!));
  rows.push(row('all', 'all', totals.total));
  const widths = HEADER.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `  ${cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')}`;
  const unknown = ROLES.flatMap((role) => (totals.byRole[role]?.unknown ?? []).map((reason) => `  unknown (${role}): ${reason}`));
  const notional = totals.total.notional ? ['  notional: some cost is at list price for a subscription login, not billed'] : [];
  return [title, line(HEADER), ...rows.map(line), ...unknown, ...notional];
}
