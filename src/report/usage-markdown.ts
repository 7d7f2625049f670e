import { ROLES } from '../bus/message.js';
import type { Manifest } from '../run/manifest.js';
import { PRICE_TABLE_DATE, usd } from '../usage/prices.js';
import { inline, table } from './markdown.js';
import { costText, type UsageTotal, type UsageTotals } from './usage-totals.js';

const row = (role: string, t: UsageTotal): string[] =>
  [role, String(t.inputTokens), String(t.outputTokens), String(t.cacheReadTokens), String(t.cacheWriteTokens), String(t.tokens), costText(t)];

/** The usage totals per role and in all, with the budgets (for the CI step summary); undefined when none was recorded. */
export function usageSection(totals: UsageTotals, budget: Manifest['budget']): string | undefined {
  if (totals.byIteration.length === 0) return undefined;
  const rows = [...ROLES.filter((role) => totals.byRole[role]).map((role) => row(role, totals.byRole[role]!)), row('**total**', totals.total)];
  const limits = [budget?.maxCostUsd !== undefined ? `${usd(budget.maxCostUsd)} (maxCostUsd)` : '', budget?.maxTokens !== undefined ? `${budget.maxTokens} tokens (maxTokens)` : ''].filter(Boolean);
  const notes = [
    `Prices of ${PRICE_TABLE_DATE} unless set in config \`prices\`.${limits.length > 0 ? ` Budget: ${limits.join(', ')}.` : ''}`,
    ...(totals.total.notional ? ['Some cost is notional: list price for a subscription login, not billed.'] : []),
    ...totals.total.unknown.map((reason) => `Unknown: ${inline(reason)}`),
  ];
  return ['### Usage', '', table(['role', 'input', 'output', 'cache read', 'cache write', 'tokens', 'cost'], rows), '', ...notes.map((n) => `- ${n}`)].join('\n');
}
