import type { IdleRule, PtySession } from '../pty/types.js';

export interface SubmitWatchOptions {
  /** How long the screen must sit still, with no sign of a turn, before Enter is pressed again. */
  quietMs: number;
  /** Extra Enter presses at most. */
  maxPresses: number;
  pollMs: number;
}

/** Why a watch ended: the turn showed, the agent is back at its prompt (or in a dialog, or gone), or it was stopped. */
export type SubmitWatchEnd = 'turn-started' | 'idle' | 'needs-input' | 'exited' | 'gave-up' | 'stopped';

const DEFAULTS: SubmitWatchOptions = { quietMs: 5000, maxPresses: 2, pollMs: 250 };

/**
 * After a message was typed into a harness that reports its turns: if the turn never visibly starts (no
 * turn signal, no busy marker such as "esc to interrupt") while the screen sits still and is not at its
 * empty prompt, the message is sitting unsent in the composer. Press Enter again, a bounded number of times.
 * Why: under load, claude 2.1.197 and gemini 0.61 sometimes take the first Enter as part of the paste.
 * Returns `stop`, and `ended`, which says why the watch ended.
 */
export function watchSubmission(
  session: PtySession,
  idle: IdleRule,
  started: () => boolean,
  onPress: (attempt: number, screenLine: string) => void,
  options: Partial<SubmitWatchOptions> = {},
): { stop: () => void; ended: Promise<SubmitWatchEnd> } {
  const o = { ...DEFAULTS, ...options };
  let lastOutput = Date.now();
  let presses = 0;
  let end!: (why: SubmitWatchEnd) => void;
  const ended = new Promise<SubmitWatchEnd>((resolve) => (end = resolve));
  const offData = session.onData(() => (lastOutput = Date.now()));
  const timer = setInterval(() => {
    const activity = session.activity();
    if (started() || (idle.busyPattern?.test(session.screenText()) ?? false)) return finish('turn-started');
    if (activity === 'idle' || activity === 'needs-input' || activity === 'exited') return finish(activity);
    if (Date.now() - lastOutput < o.quietMs) return;
    presses++;
    lastOutput = Date.now();
    session.write('\r');
    onPress(presses, session.cursorLine().slice(0, 200));
    if (presses >= o.maxPresses) finish('gave-up');
  }, o.pollMs);
  timer.unref();
  function finish(why: SubmitWatchEnd): void {
    clearInterval(timer);
    offData();
    end(why);
  }
  return { stop: () => finish('stopped'), ended };
}
