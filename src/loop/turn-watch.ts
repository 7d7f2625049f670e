import { readSignals, type TurnSignal } from '../agents/signals.js';
import type { Role } from '../bus/message.js';

/** A point in an agent's signal history. */
export interface TurnMark {
  starts: number;
  ends: number;
}

/**
 * What the harness's own signals say about an agent's turns: read from its `signals.jsonl`, counted, so that a
 * hand-off can ask "did a turn start (or end) since I pressed Enter?".
 */
export class TurnWatch {
  private offset = 0;
  /** Turn starts and ends seen so far (a turn end also proves that the turn before it started). */
  private starts: TurnSignal[] = [];
  private ends = 0;
  /** A turn was handed over and its end has not been signalled yet. */
  awaitingEnd = false;

  constructor(private readonly runDir: string, private readonly role: Role, private readonly onSignal: (signal: TurnSignal) => void) {}

  /** Skip what earlier launches recorded. */
  skipRecorded(): void {
    this.offset = readSignals(this.runDir, this.role, 0).offset;
  }

  /** Read new signals, apply each to the counts, and hand each to the listener. */
  poll(): void {
    const { signals, offset } = readSignals(this.runDir, this.role, this.offset);
    this.offset = offset;
    for (const signal of signals) {
      this.onSignal(signal);
      if (signal.ignored) continue;
      if (signal.kind === 'turn-start') this.starts.push(signal);
      if (signal.kind === 'turn-end') {
        this.ends++;
        this.awaitingEnd = false;
      }
    }
  }

  /** A mark to compare against later. */
  mark(): TurnMark {
    return { starts: this.starts.length, ends: this.ends };
  }

  /**
   * Since `mark`, did the harness start a turn holding one of `ids` (a start whose prompt it did not report
   * counts too), or end one?
   */
  startedSince(mark: TurnMark, ids: readonly string[]): 'turn-start' | 'turn-end' | undefined {
    const started = this.starts.slice(Math.min(mark.starts, this.starts.length)).some((s) => s.ids === undefined || s.ids.some((id) => ids.includes(id)));
    if (started) return 'turn-start';
    return this.ends > mark.ends ? 'turn-end' : undefined;
  }
}
