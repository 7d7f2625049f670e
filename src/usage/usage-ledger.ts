import type { Role } from '../bus/message.js';
import { addFigures, totalTokens, ZERO_FIGURES, type UsageFigures } from './figures.js';
import type { UsageEvent } from './usage-event.js';

/** What a run has counted of each agent's usage: the harness records already journaled, and the last "unknown" said. */
export class UsageLedger {
  private readonly counted = new Map<Role, Set<string>>();
  private readonly lastUnknown = new Map<Role, string>();
  private readonly turns = new Map<Role, number>();

  /** loop handed the agent a request of this iteration: what its turn spends is that iteration's. */
  turnOf(role: Role, iteration: number): void {
    this.turns.set(role, iteration);
  }

  /** The iteration of the request the agent is working on (undefined before loop handed it one in this process). */
  iterationOf(role: Role): number | undefined {
    return this.turns.get(role);
  }

  /** The ledger of a journal's usage lines (a resumed run never counts a record twice). */
  static from(events: readonly UsageEvent[]): UsageLedger {
    const ledger = new UsageLedger();
    for (const event of events) ledger.add(event.role, event.records ?? []);
    return ledger;
  }

  add(role: Role, keys: readonly string[]): void {
    const set = this.counted.get(role) ?? new Set<string>();
    for (const key of keys) set.add(key);
    this.counted.set(role, set);
    this.lastUnknown.delete(role);
  }

  has(role: Role, key: string): boolean {
    return this.counted.get(role)?.has(key) ?? false;
  }

  /** Should this reason be journaled? Not when it is the one said last for the role (a harness that never writes usage is told once). */
  unknownDue(role: Role, reason: string): boolean {
    if (this.lastUnknown.get(role) === reason) return false;
    this.lastUnknown.set(role, reason);
    return true;
  }
}

/** The figures of a usage line (zeros for the counts it lacks: an `unknown` line has none). */
export const figuresOf = (event: UsageEvent): UsageFigures => ({
  inputTokens: event.inputTokens ?? 0, outputTokens: event.outputTokens ?? 0, cacheReadTokens: event.cacheReadTokens ?? 0, cacheWriteTokens: event.cacheWriteTokens ?? 0,
});

/** What the usage lines add up to: tokens, the known cost, and whether some usage had no known cost (the machine's `spent`). */
export function spentOf(events: readonly UsageEvent[]): { tokens: number; costUsd: number; costUnknown: boolean } {
  const figures = events.reduce((sum, event) => addFigures(sum, figuresOf(event)), ZERO_FIGURES);
  return {
    tokens: totalTokens(figures),
    costUsd: events.reduce((sum, event) => sum + (event.costUsd === 'unknown' ? 0 : event.costUsd), 0),
    costUnknown: events.some((event) => event.costUsd === 'unknown'),
  };
}
