import { setTimeout as sleep } from 'node:timers/promises';
import type { TypedBlock } from '../bus/typed-block.js';
import { looksIdle } from '../pty/activity-tracker.js';
import type { DeliveryResult, IdleRule, PtySession } from '../pty/types.js';
import type { TurnMark } from './turn-watch.js';

/** How a typed message is known to have been submitted: the harness's hook, its session file, or the screen. */
export type ConfirmBy = 'hook' | 'session-file' | 'screen';

/** What one hand-off needs besides the session: how to confirm, and the harness's record of its session. */
export interface HandOffPlan {
  confirmBy: ConfirmBy;
  /** The harness's screen rules: an empty composer (idle pattern) and a running turn (busy pattern). */
  idle?: IdleRule;
  /** Keys that empty the composer holding the typed text, before a retry (none: typed again after the old one). */
  clearInput?: (typed: string) => string;
  /** The harness's signals (see TurnWatch): read new ones, mark a point, ask what happened since. */
  watch: {
    poll(): unknown;
    mark(): TurnMark;
    startedSince(mark: TurnMark, ids: readonly string[]): 'turn-start' | 'turn-end' | undefined;
  };
  /** Does the harness's own session record already hold one of the ids (and, for discovery, which session)? */
  recorded(ids: readonly string[]): boolean;
  /** Wait for the agent to look idle on the screen before typing (false: its own turn-end signal came). */
  waitIdle: boolean;
  settleMs: number;
  idleTimeoutMs: number;
  /** How long the turn may take to start after Enter (default TURN_START_TIMEOUT_MS), or that per attempt (1, 2, …). */
  startTimeoutMs?: number | ((attempt: number) => number);
  /** A retry is about to happen: what the screen shows now, for the journal. */
  unsubmitted(attempt: number, screen: string): void;
  /** Is the hand-off still wanted (the runner is not stopping, the session is the same)? */
  live(): boolean;
}

export type HandOffResult =
  | { ok: true; attempts: number; confirmedBy: string }
  | Extract<DeliveryResult, { ok: false }>;

/** Hand-off attempts (type, Enter, wait for the turn to start) before the run stops with exit 5. */
export const MAX_HAND_OFF_ATTEMPTS = 3;
/** How long a turn may take to start after Enter before the message counts as not submitted. */
export const TURN_START_TIMEOUT_MS = 15_000;
const POLL_MS = 50;
/** No turn start this long after Enter, a still screen and text in the composer: press Enter again (at most twice). */
const REPRESS_AFTER_MS = 2000;
const MAX_REPRESSES = 2;

const startTimeout = (plan: HandOffPlan, attempt: number): number =>
  typeof plan.startTimeoutMs === 'function' ? plan.startTimeoutMs(attempt) : plan.startTimeoutMs ?? TURN_START_TIMEOUT_MS;

const screenTail = (session: PtySession) => session.screenText().split('\n').filter((l) => l.trim()).slice(-6).join(' | ').slice(0, 400);

/**
 * Does the composer still hold the typed text? The screen is still, shows no running turn (busy marker), and
 * does not show the empty prompt (Claude's and Gemini's idle patterns match an empty composer only).
 */
function textSitsInComposer(session: PtySession, idle: IdleRule | undefined, lastOutputAt: number): boolean {
  if (!idle || Date.now() - lastOutputAt < 1000) return false;
  idle.busyPattern && (idle.busyPattern.lastIndex = 0);
  if (idle.busyPattern?.test(session.screenText())) return false;
  return !looksIdle(idle, session);
}

/**
 * Wait until the harness says the turn started (or the session record shows the message), bounded. Meanwhile, an
 * Enter the harness took into the paste (the text sits in a still composer) is pressed again, twice at most.
 * Why: gemini 0.61 and claude 2.1.197 under load sometimes drop the Enter after a paste (test/e2e/FINDINGS.md §7).
 */
async function awaitStart(session: PtySession, plan: HandOffPlan, ids: readonly string[], mark: TurnMark, timeoutMs: number): Promise<string | undefined> {
  const started = Date.now();
  const deadline = started + timeoutMs;
  let polls = 0;
  let presses = 0;
  let lastOutputAt = Date.now();
  const off = session.onData(() => (lastOutputAt = Date.now()));
  try {
    while (Date.now() < deadline && plan.live()) {
      await sleep(POLL_MS);
      plan.watch.poll();
      const signal = plan.watch.startedSince(mark, ids);
      if (signal) return signal;
      // Reading the harness's record costs more than the signal file: every fourth poll.
      if ((plan.confirmBy === 'session-file' || polls % 4 === 3) && plan.recorded(ids)) return 'session record';
      polls++;
      if (presses < MAX_REPRESSES && Date.now() - started >= REPRESS_AFTER_MS * (presses + 1) && textSitsInComposer(session, plan.idle, lastOutputAt)) {
        presses++;
        session.write('\r');
      }
    }
    return undefined;
  } finally {
    off();
  }
}

/** Send the clearing keys, then wait (bounded) until the screen no longer shows the typed message. */
async function clearComposer(session: PtySession, keys: string, marker: string | undefined): Promise<void> {
  session.write(keys);
  const deadline = Date.now() + 2000;
  while (Date.now() < deadline && marker !== undefined && session.screenText().includes(marker)) await sleep(POLL_MS);
}

/**
 * Types one block into an agent and makes sure the agent submitted it. With a harness signal, the turn start is
 * taken from the harness itself (a hook, or the message in its own session file), never guessed from the
 * screen. When the turn has not started in time: the screen is journaled, the composer cleared, the block typed
 * again; after MAX_HAND_OFF_ATTEMPTS it is `not-submitted`. Command agents are confirmed from the screen.
 */
export async function handOff(session: PtySession, block: TypedBlock, plan: HandOffPlan): Promise<HandOffResult> {
  const ids = block.envelopes.map((e) => e.id);
  const marker = ids[0];
  if (plan.confirmBy === 'screen') {
    const result = await session.deliver(block.text, { idleTimeoutMs: plan.idleTimeoutMs, waitIdle: true, ...(marker ? { marker } : {}) });
    return result.ok ? { ok: true, attempts: result.attempts, confirmedBy: 'screen' } : result;
  }
  for (let attempt = 1; attempt <= MAX_HAND_OFF_ATTEMPTS; attempt++) {
    if (attempt > 1) {
      // It may have arrived after all (a slow hook): never type a message twice into a session that holds it.
      if (plan.recorded(ids)) return { ok: true, attempts: attempt - 1, confirmedBy: 'session record' };
      plan.unsubmitted(attempt - 1, screenTail(session));
      if (plan.clearInput) await clearComposer(session, plan.clearInput(block.text), marker);
    }
    const mark = plan.watch.mark();
    const result = await session.deliver(block.text, {
      // A retry types over a composer loop just cleared: the screen need not look idle (it may show the old text).
      idleTimeoutMs: plan.idleTimeoutMs, waitIdle: plan.waitIdle && attempt === 1, confirm: false, settleMs: plan.settleMs, ...(marker ? { marker } : {}),
    });
    if (!result.ok) return result;
    const confirmedBy = await awaitStart(session, plan, ids, mark, startTimeout(plan, attempt));
    if (confirmedBy) return { ok: true, attempts: attempt, confirmedBy };
    if (!plan.live()) return { ok: false, reason: 'exited', detail: 'the agent was stopped during the hand-off' };
  }
  return {
    ok: false,
    reason: 'not-submitted',
    detail: `the turn did not start within ${startTimeout(plan, MAX_HAND_OFF_ATTEMPTS) / 1000} s of Enter, ${MAX_HAND_OFF_ATTEMPTS} times (screen: ${screenTail(session)})`,
  };
}
