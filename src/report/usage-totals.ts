import { rolesIn, type Role } from '../bus/message.js';
import { addFigures, totalTokens, ZERO_FIGURES, type UsageFigures } from '../usage/figures.js';
import { usageEvents, type UsageEvent } from '../usage/usage-event.js';
import { figuresOf } from '../usage/usage-ledger.js';
import { usd } from '../usage/prices.js';

/** What a set of usage lines adds up to. */
export interface UsageTotal extends UsageFigures {
  /** All tokens (input, output, cache read, cache write). */
  tokens: number;
  /** The known cost in USD (usage of unknown cost not included: see `costUnknown`). */
  costUsd: number;
  /** Some of the usage has no known cost (a model with no price, or usage that could not be read). */
  costUnknown: boolean;
  /** Some of the cost is notional (a subscription login, not an API bill). */
  notional: boolean;
  /** The models seen. */
  models: string[];
  /** Why some usage is unknown (each reason once). */
  unknown: string[];
}

/** A run's usage: in all, per role, and per iteration and role. */
export interface UsageTotals {
  total: UsageTotal;
  byRole: Partial<Record<Role, UsageTotal>>;
  byIteration: Array<{ iteration: number; total: UsageTotal; byRole: Partial<Record<Role, UsageTotal>> }>;
}

const EMPTY: UsageTotal = { ...ZERO_FIGURES, tokens: 0, costUsd: 0, costUnknown: false, notional: false, models: [], unknown: [] };

function add(total: UsageTotal, event: UsageEvent): UsageTotal {
  const figures = addFigures(total, figuresOf(event));
  return {
    ...figures,
    tokens: totalTokens(figures),
    costUsd: total.costUsd + (event.costUsd === 'unknown' ? 0 : event.costUsd),
    costUnknown: total.costUnknown || event.costUsd === 'unknown',
    notional: total.notional || event.notional === true,
    models: event.model && !total.models.includes(event.model) ? [...total.models, event.model] : total.models,
    unknown: event.unknown && !total.unknown.includes(event.unknown) ? [...total.unknown, event.unknown] : total.unknown,
  };
}

function byRole(events: readonly UsageEvent[]): Partial<Record<Role, UsageTotal>> {
  const roles: Partial<Record<Role, UsageTotal>> = {};
  for (const event of events) roles[event.role] = add(roles[event.role] ?? EMPTY, event);
  return Object.fromEntries(rolesIn(roles).map((role) => [role, roles[role]]));
}

/**
 * Total a run's usage from its journal (`usage` lines; see usage/usage-event.ts). For `loop show`, `loop ls`, the
 * live status and the CI step summary.
 */
export function usageTotals(events: readonly Record<string, unknown>[]): UsageTotals {
  const usage = usageEvents(events);
  const iterations = [...new Set(usage.map((e) => e.iteration))].sort((a, b) => a - b);
  return {
    total: usage.reduce(add, EMPTY),
    byRole: byRole(usage),
    byIteration: iterations.map((iteration) => {
      const these = usage.filter((e) => e.iteration === iteration);
      return { iteration, total: these.reduce(add, EMPTY), byRole: byRole(these) };
    }),
  };
}

/** A total's cost in words: `$1.20`, `$1.20 + unknown`, `unknown`, `$1.20 notional`; `-` when nothing was recorded. */
export function costText(total: UsageTotal | undefined): string {
  if (!total || (total.tokens === 0 && !total.costUnknown)) return '-';
  if (total.costUnknown && total.costUsd === 0) return 'unknown';
  return `${usd(total.costUsd)}${total.costUnknown ? ' + unknown' : ''}${total.notional ? ' notional' : ''}`;
}
