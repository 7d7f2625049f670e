import { TURN_SIGNAL_WATCHDOG_MS } from './input-ready.js';

/**
 * An agent's idleness between turns, as the runner samples it: a turn that ended with the agent sitting idle for the
 * grace period while loop awaits its reply, and a turn-end signal that never came while the screen looked idle.
 */
export class TurnIdle {
  /** A turn was started (a message delivered, or the agent relaunched owing one) and its end not yet reported. */
  turnPending = false;
  private idleSince = 0;
  private idleAwaitingSince = 0;

  constructor(private readonly graceMs: number) {}

  turnStarted(): void {
    this.turnPending = true;
    this.idleSince = 0;
  }

  /** Sampled each tick: true once the agent has been idle for the grace period after a turn while its reply is awaited. */
  idleAfterTurn(idle: boolean, awaited: boolean, now: number): boolean {
    if (!this.turnPending) return false;
    if (!idle || !awaited) {
      this.idleSince = 0;
      return false;
    }
    this.idleSince ||= now;
    if (now - this.idleSince < this.graceMs) return false;
    this.turnPending = false;
    this.idleSince = 0;
    return true;
  }

  /**
   * Sampled each tick while a turn-end signal is awaited: true once the screen has looked idle for the watchdog
   * without it (the signal is missing; the runner then goes by the screen).
   */
  signalOverdue(awaitingSignal: boolean, idle: boolean, now: number): boolean {
    if (!awaitingSignal || !idle) {
      this.idleAwaitingSince = 0;
      return false;
    }
    this.idleAwaitingSince ||= now;
    if (now - this.idleAwaitingSince < TURN_SIGNAL_WATCHDOG_MS) return false;
    this.idleAwaitingSince = 0;
    return true;
  }
}
