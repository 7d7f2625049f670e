import { z } from 'zod';

const tokens = z.number().int().min(0).max(1e12);

/**
 * Token counts of one or more model requests, in loop's terms: `inputTokens` are the input tokens billed at the
 * full input price (cache reads and cache writes are counted apart, never twice); `outputTokens` include reasoning.
 */
export const UsageFiguresSchema = z.strictObject({
  inputTokens: tokens,
  outputTokens: tokens,
  cacheReadTokens: tokens,
  cacheWriteTokens: tokens,
});
export type UsageFigures = z.infer<typeof UsageFiguresSchema>;

export const ZERO_FIGURES: UsageFigures = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };

/** The sum of two sets of figures. */
export const addFigures = (a: UsageFigures, b: UsageFigures): UsageFigures => ({
  inputTokens: a.inputTokens + b.inputTokens,
  outputTokens: a.outputTokens + b.outputTokens,
  cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens,
  cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens,
});

/** All tokens of the figures (what `maxTokens` counts). */
export const totalTokens = (f: UsageFigures): number => f.inputTokens + f.outputTokens + f.cacheReadTokens + f.cacheWriteTokens;

/** A non-negative integer from a harness record's field (0 when absent; undefined when it is not a count). */
export function count(value: unknown): number | undefined {
  if (value === undefined || value === null) return 0;
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}
