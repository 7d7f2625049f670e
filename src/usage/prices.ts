import { z } from 'zod';
import type { UsageFigures } from './figures.js';

const dollarsPerMTok = z.number().min(0).max(10_000);

/** A model's list price in US dollars per million tokens (cache prices default to the input price). */
export const PriceSchema = z.strictObject({
  input: dollarsPerMTok.describe('USD per million input tokens.'),
  output: dollarsPerMTok.describe('USD per million output tokens (reasoning included).'),
  cacheRead: dollarsPerMTok.optional().describe('USD per million tokens read from the prompt cache (default: the input price).'),
  cacheWrite: dollarsPerMTok.optional().describe('USD per million tokens written to the prompt cache (default: the input price).'),
});
export type Price = z.infer<typeof PriceSchema>;

/** When the built-in table was last checked against the sources named in the README. */
export const PRICE_TABLE_DATE = '2026-11-30';

/**
 * List prices of the models the pinned harnesses use by default (README "Usage and budgets" names the sources):
 * claude-code 2.1.197 → claude-opus-4-8; codex 0.169 → gpt-6.1-sol (its catalogue's first choice); gemini-cli 0.61
 * ("auto") → gemini-3.8-flash for the work and gemini-3.5-flash-lite for its router.
 */
export const DEFAULT_PRICES: Readonly<Record<string, Price>> = {
  'claude-opus-4-8': { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 },
  'gpt-6.1-sol': { input: 2, output: 10, cacheRead: 0.1, cacheWrite: 2.5 },
  'gemini-3.8-flash': { input: 0.75, output: 3.75, cacheRead: 0.075 },
  'gemini-3.5-flash-lite': { input: 0.3, output: 2.5, cacheRead: 0.03 },
};

/** The price of a model: config `prices` over the built-in table; a `[1m]`-style suffix is ignored. Undefined: unknown. */
export function priceOf(model: string | undefined, prices: Readonly<Record<string, Price>>): Price | undefined {
  if (!model) return undefined;
  const bare = model.replace(/\[[^\]]*\]$/, '');
  return prices[model] ?? prices[bare] ?? DEFAULT_PRICES[model] ?? DEFAULT_PRICES[bare];
}

/** What the figures cost at a price, in US dollars. */
export function costOf(figures: UsageFigures, price: Price): number {
  const cost = figures.inputTokens * price.input + figures.outputTokens * price.output
    + figures.cacheReadTokens * (price.cacheRead ?? price.input) + figures.cacheWriteTokens * (price.cacheWrite ?? price.input);
  return cost / 1e6;
}

/** Dollars as shown: cents, or four places under a cent. */
export const usd = (value: number): string => `$${value > 0 && value < 0.01 ? value.toFixed(4) : value.toFixed(2)}`;
