import { ExitCode } from '../errors.js';
import { finish, record, step, type Step } from './effects.js';
import type { InputOf } from './inputs.js';
import { usd } from '../usage/prices.js';
import type { Budget, LoopState, Spent } from './state.js';

/** At this share of a budget, a warning is shown and journaled (once per budget). */
export const WARN_AT = 0.8;

export const NOTHING_SPENT: Spent = { tokens: 0, costUsd: 0, costUnknown: false };


/** The figures of a budget against what was spent: `$1.20 of $1.00`, `120000 of 100000 tokens`. */
function figures(which: 'cost' | 'tokens', spent: Spent, budget: Budget): string {
  return which === 'cost'
    ? `${usd(spent.costUsd)}${spent.costUnknown ? ' (and usage of unknown cost)' : ''} spent of ${usd(budget.maxCostUsd ?? 0)}`
    : `${spent.tokens} tokens used of ${budget.maxTokens ?? 0}`;
}

const KEY = { cost: 'maxCostUsd', tokens: 'maxTokens' } as const;
const NAME = { cost: 'cost', tokens: 'token' } as const;
const FLAG = { cost: '--max-cost', tokens: '--max-tokens' } as const;

/**
 * An agent's turn was accounted for: add it to the run's spend. Over a budget, the run stops now, after that turn
 * (exit 4), with the budget and the figures; past 80% of one, a warning (once). A cost that is unknown (a model
 * with no price) does not count against `maxCostUsd`, and says so.
 */
export function onUsage(state: LoopState, input: InputOf<'usage'>): Step {
  const before = state.spent ?? NOTHING_SPENT;
  const spent: Spent = {
    tokens: before.tokens + input.tokens,
    costUsd: before.costUsd + (input.costUsd === 'unknown' ? 0 : input.costUsd),
    costUnknown: before.costUnknown || input.costUsd === 'unknown',
  };
  const next: LoopState = { ...state, spent };
  const budget = state.budget;
  if (!budget) return step(next);
  const shares = {
    cost: budget.maxCostUsd !== undefined ? spent.costUsd / budget.maxCostUsd : 0,
    tokens: budget.maxTokens !== undefined ? spent.tokens / budget.maxTokens : 0,
  };
  for (const which of ['cost', 'tokens'] as const) {
    if (shares[which] > 1) {
      return finish(next, ExitCode.budget, `${NAME[which]} budget exhausted after the ${input.role}'s turn: ${figures(which, spent, budget)} (${KEY[which]}); raise it and go on: loop resume <id> ${FLAG[which]} N`);
    }
  }
  const warned = state.budgetWarned ?? [];
  const due = (['cost', 'tokens'] as const).filter((which) => shares[which] >= WARN_AT && !warned.includes(which));
  if (due.length === 0) return step(next);
  return step({ ...next, budgetWarned: [...warned, ...due] }, ...due.map((which) => {
    const text = `${Math.floor(shares[which] * 100)}% of the ${NAME[which]} budget: ${figures(which, spent, budget)} (${KEY[which]})`;
    return record('budget.warning', { budget: KEY[which], share: shares[which], spent, limit: which === 'cost' ? budget.maxCostUsd : budget.maxTokens }, text);
  }));
}
