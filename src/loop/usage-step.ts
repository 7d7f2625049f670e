import type { AgentAdapter, UsageRecord } from '../agents/card.js';
import type { EnvelopeOf, Role } from '../bus/message.js';
import { addFigures, totalTokens, ZERO_FIGURES, type UsageFigures } from '../usage/figures.js';
import { costOf, priceOf } from '../usage/prices.js';
import type { UsageLedger } from '../usage/usage-ledger.js';
import type { Input } from './inputs.js';
import type { Observer } from './observer.js';
import { agentOf, type RunContext } from './run-context.js';

/** What accounting needs of the driver: the run, its ledger, the observer and the iteration now (used when the ledger does not know the agent's). */
export interface UsageScope {
  ctx: RunContext;
  ledger: UsageLedger;
  observer: Observer;
  iteration: number;
}

type UsageInput = Extract<Input, { type: 'usage' }>;

/** Journal one usage line, tell the observer, and return what the machine must add to the spend. */
function journalUsage(scope: UsageScope, role: Role, fields: { model: string | null; figures?: UsageFigures; costUsd: number | 'unknown'; notional?: string; source: string; unknown?: string; records?: string[] }): UsageInput {
  const { ctx } = scope;
  const agent = agentOf(ctx, role).card.name;
  ctx.journal.append('usage', {
    role, agent, iteration: scope.ledger.iterationOf(role) ?? scope.iteration, model: fields.model, ...(fields.figures ?? {}), costUsd: fields.costUsd,
    ...(fields.notional ? { notional: true } : {}), source: fields.source, ...(fields.unknown ? { unknown: fields.unknown } : {}),
    ...(fields.records ? { records: fields.records } : {}),
  });
  const tokens = fields.figures ? totalTokens(fields.figures) : 0;
  scope.observer({ type: 'usage', role, tokens, costUsd: fields.costUsd, ...(fields.unknown ? { unknown: fields.unknown } : {}) });
  return { type: 'usage', role, tokens, costUsd: fields.costUsd };
}

/** The price of figures of a model: USD, or `unknown` when the model has no price (config `prices` over the built-in table). */
function priced(ctx: RunContext, model: string | null, figures: UsageFigures): number | 'unknown' {
  const price = priceOf(model ?? undefined, ctx.config.prices);
  return price ? costOf(figures, price) : 'unknown';
}

/**
 * Read what an agent's harness recorded since loop last looked (after each of its turns, and once more when the run
 * ends) and journal it: one usage line per model, with the file and the records it came from. Usage that cannot be
 * read is journaled as `unknown` with the reason (once per reason). Returns the machine inputs, one per line.
 */
export function accountHarnessUsage(scope: UsageScope, role: Role, sessionId: string | null, env: Record<string, string>): UsageInput[] {
  const adapter: AgentAdapter = agentOf(scope.ctx, role);
  const usage = adapter.usage;
  if (!usage) return []; // a command agent reports its own (`loop msg usage`)
  const unknown = (reason: string): UsageInput[] =>
    scope.ledger.unknownDue(role, reason) ? [journalUsage(scope, role, { model: null, costUsd: 'unknown', source: adapter.card.name, unknown: reason })] : [];
  if (!sessionId) return unknown(`the ${adapter.card.name} session id is not known yet, so its records cannot be found`);
  const read = usage.read(sessionId, { cwd: scope.ctx.manifest.cwd, env });
  if (!read.ok) return unknown(read.reason);
  const fresh = read.records.filter((record) => !scope.ledger.has(role, record.key));
  const inputs: UsageInput[] = [];
  if (read.skipped > 0) inputs.push(...unknown(`${read.skipped} record(s) in ${read.file} do not read as usage`));
  if (fresh.length === 0) return inputs;
  const notional = usage.notional(env);
  const byModel = new Map<string | null, UsageRecord[]>();
  for (const record of fresh) byModel.set(record.model, [...(byModel.get(record.model) ?? []), record]);
  for (const [model, records] of byModel) {
    const figures = records.reduce((sum, r) => addFigures(sum, r.figures), ZERO_FIGURES);
    const keys = records.map((r) => r.key);
    scope.ledger.add(role, keys);
    const source = `${read.file} (${keys.length === 1 ? `record ${keys[0]}` : `${keys.length} records: ${keys[0]} … ${keys.at(-1)}`})`;
    inputs.push(journalUsage(scope, role, { model, figures, costUsd: priced(scope.ctx, model, figures), ...(notional ? { notional } : {}), source, records: keys }));
  }
  return inputs;
}

/** Journal the usage a command agent reported with `loop msg usage` (its model's price, else the cost it gave, else unknown). */
export function accountReportedUsage(scope: UsageScope, envelope: EnvelopeOf<'usage'> & { from: Role }): UsageInput {
  const p = envelope.payload;
  const figures: UsageFigures = { inputTokens: p.inputTokens, outputTokens: p.outputTokens, cacheReadTokens: p.cacheReadTokens ?? 0, cacheWriteTokens: p.cacheWriteTokens ?? 0 };
  const model = p.model ?? null;
  const fromTable = priced(scope.ctx, model, figures);
  const costUsd = fromTable === 'unknown' && p.costUsd !== undefined ? p.costUsd : fromTable;
  const how = fromTable === 'unknown' && p.costUsd !== undefined ? '; cost as reported' : '';
  return journalUsage(scope, envelope.from, { model, figures, costUsd, source: `message ${envelope.id} (loop msg usage)${how}`, records: [envelope.id] });
}
