import { setTimeout as sleep } from 'node:timers/promises';
import type { AttachServer } from '../attach/attach-server.js';
import { looksIdle } from '../pty/activity-tracker.js';
import type { IdleRule, PtySession } from '../pty/types.js';
import type { TurnWatch } from './turn-watch.js';

/** A screen that looks idle this long while the harness's turn-end signal is awaited: the signal is missing. */
export const TURN_SIGNAL_WATCHDOG_MS = 15_000;
/** After the turn-end signal: longest wait for the screen to show the prompt before typing anyway. */
const PROMPT_SHOW_MS = 2000;
/** A human who typed into an attached terminal this recently is still typing: loop waits. */
const HUMAN_TYPING_MS = 5_000;

export interface InputReadiness {
  session: PtySession;
  watch: TurnWatch;
  /** Does this launch report its turns (hooks or notify)? */
  usesSignals: boolean;
  idle?: IdleRule;
  attach?: AttachServer;
  /** Is the hand-off still wanted? */
  live(): boolean;
  /** The screen looked idle for the watchdog and the turn-end signal never came. */
  signalMissing(): void;
}

/**
 * Wait until the agent can take input. With harness signals: until the turn-end signal (no quiet window), then,
 * briefly, until the screen shows its prompt. If the screen has looked idle for the watchdog without the signal,
 * the signal is missing: say so and go by the screen. While a human attached with `loop attach` types, wait.
 * Returns whether delivery must still wait for a quiet, idle screen (command agents, a missing signal, a dialog).
 */
export async function inputReady(r: InputReadiness): Promise<boolean> {
  let waitIdle = !r.usesSignals;
  let idleFrom = 0;
  while (r.usesSignals && r.watch.awaitingEnd && r.live()) {
    r.watch.poll();
    if (!r.watch.awaitingEnd) break;
    const now = Date.now();
    idleFrom = r.session.activity() === 'idle' ? idleFrom || now : 0;
    if (idleFrom && now - idleFrom >= TURN_SIGNAL_WATCHDOG_MS) {
      r.watch.awaitingEnd = false;
      r.signalMissing();
      waitIdle = true;
      break;
    }
    await sleep(50);
  }
  if (!waitIdle && r.idle) {
    const until = Date.now() + PROMPT_SHOW_MS;
    while (Date.now() < until && r.live() && !looksIdle(r.idle, r.session)) await sleep(20);
    if (r.session.activity() === 'needs-input') waitIdle = true; // a dialog: wait until it is answered
  }
  while (r.attach && r.attach.attached > 0 && Date.now() - r.attach.lastHumanInput < HUMAN_TYPING_MS && r.live()) await sleep(250);
  return waitIdle;
}
