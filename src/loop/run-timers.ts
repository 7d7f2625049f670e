import type { TimerId } from './effects.js';

/** The run's named clocks, started and cancelled by the machine's effects (wall clock, turn timeouts, dialogs). */
export class RunTimers {
  private readonly running = new Map<TimerId, NodeJS.Timeout>();

  /** (Re)start a timer: `fire` runs once when it expires, unless it is cancelled first. */
  start(id: TimerId, ms: number, fire: () => void): void {
    this.cancel(id);
    this.running.set(id, setTimeout(() => {
      this.running.delete(id);
      fire();
    }, ms));
  }

  cancel(id: TimerId): void {
    clearTimeout(this.running.get(id));
    this.running.delete(id);
  }

  /** Is this timer running? */
  has(id: TimerId): boolean {
    return this.running.has(id);
  }

  cancelAll(): void {
    for (const timer of this.running.values()) clearTimeout(timer);
    this.running.clear();
  }
}
