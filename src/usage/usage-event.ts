import { z } from 'zod';
import { RoleSchema } from '../bus/message.js';
import { UsageFiguresSchema } from './figures.js';

/**
 * A `usage` line of the journal: what one agent spent in one turn on one model, read from its harness's own records
 * (or reported by a command agent with `loop msg usage`). When the usage could not be read, `unknown` says why and
 * there are no figures: never a silent zero.
 */
export const UsageEventSchema = z.object({
  type: z.literal('usage'),
  seq: z.number().int(),
  role: RoleSchema,
  agent: z.string(),
  iteration: z.number().int().min(0),
  model: z.string().nullable(),
  /** Token figures (absent when `unknown`). */
  ...UsageFiguresSchema.partial().shape,
  /** US dollars; `unknown` when the model has no price (or the usage could not be read). */
  costUsd: z.union([z.number().min(0), z.literal('unknown')]),
  /** A subscription login: the cost is what the tokens would cost at list price, not what is billed. */
  notional: z.boolean().optional(),
  /** The file and the records the figures came from (or the message that reported them). */
  source: z.string(),
  /** Why the usage is not known. */
  unknown: z.string().optional(),
  /** Keys of the harness records counted (so that none is counted twice, also across a resume). */
  records: z.array(z.string()).optional(),
});
export type UsageEvent = z.infer<typeof UsageEventSchema>;

/** The usage lines of a journal (lines that do not read as one are skipped: the journal may be older or hand-edited). */
export function usageEvents(events: readonly Record<string, unknown>[]): UsageEvent[] {
  return events.flatMap((event) => {
    if (event.type !== 'usage') return [];
    const parsed = UsageEventSchema.safeParse(event);
    return parsed.success ? [parsed.data] : [];
  });
}
