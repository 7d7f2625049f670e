import { setTimeout as sleep } from 'node:timers/promises';
import { PASTE_END, PASTE_START, chunkByBytes, preparePayload } from './paste-payload.js';
import type { AgentActivity, DeliverOptions, DeliveryResult } from './types.js';

/** Defaults of deliver() options. */
export const DELIVER_DEFAULTS: Required<Omit<DeliverOptions, 'marker'>> = {
  idleTimeoutMs: 60_000,
  settleMs: 0,
  confirmMs: 1500,
  maxEnterRetries: 2,
  waitIdle: true,
  confirm: true,
};

const CHUNK_PAUSE_MS = 20;
/** Echo polling: fine enough that Enter follows the echo closely. */
const ECHO_POLL_MS = 5;
/** Output quiet this long after the echo started means the echo is complete (when no marker shows it). */
const ECHO_QUIET_MS = 50;
/** Longest wait for the echo of typed text (a program that does not echo costs this once per delivery). */
const MAX_ECHO_WAIT_MS = 3000;

/** What delivery needs from a session (PtySession plus its screen and output counters). */
export interface DeliveryTarget {
  isExited(): boolean;
  activity(): AgentActivity;
  waitForIdle(timeoutMs: number): Promise<boolean>;
  bracketedPaste(): boolean;
  cursorLine(): string;
  screenText(): string;
  /** Resolves once the screen model has parsed all output received so far. */
  flushed(): Promise<void>;
  /** Changes whenever output arrives. */
  outputSeq(): number;
  lastOutputAt(): number;
  /** Writes input to the PTY (and records it as typed input). */
  write(data: string): void;
  onActivity(listener: (activity: AgentActivity) => void): () => void;
}

const exitedResult = (when: string): DeliveryResult => ({
  ok: false,
  reason: 'exited',
  detail: `the agent process exited ${when}`,
});

/** Writes the payload in pieces below the canonical line limit, pausing between pieces. */
const typeText = async (target: DeliveryTarget, text: string, bracketed: boolean): Promise<void> => {
  const chunks = chunkByBytes(text);
  if (bracketed) target.write(PASTE_START);
  for (const [index, chunk] of chunks.entries()) {
    if (target.isExited()) return;
    if (index > 0) await sleep(CHUNK_PAUSE_MS);
    target.write(chunk);
  }
  if (bracketed && !target.isExited()) target.write(PASTE_END);
};

/**
 * Waits until the typed text has shown: the screen holds `marker`, or output began after typing and has been
 * quiet for a moment; bounded; and at least `settleMs` after the text was written (a harness's known need).
 * Why: on a busy machine a TUI can take longer than any fixed delay to show a paste; an Enter that reaches it
 * with (or before) the paste is taken as part of the paste, and the message sits unsent in the composer (seen
 * with gemini 0.61 and claude 2.1.197 under load), and an echo arriving after Enter would pass for a turn start.
 */
const awaitEcho = async (target: DeliveryTarget, now: () => number, seqBeforeTyping: number, marker: string | undefined, settleMs: number): Promise<void> => {
  const typedAt = now();
  const deadline = typedAt + MAX_ECHO_WAIT_MS;
  while (now() < deadline && !target.isExited()) {
    await sleep(ECHO_POLL_MS);
    if (target.outputSeq() === seqBeforeTyping) continue;
    await target.flushed();
    if (marker !== undefined && target.screenText().includes(marker)) break;
    if (now() - target.lastOutputAt() >= ECHO_QUIET_MS) break;
  }
  const gap = typedAt + settleMs - now();
  if (gap > 0) await sleep(gap);
};

type Confirmation = 'confirmed' | 'no-effect' | 'exited';

/** Presses Enter and watches confirmMs for evidence that the turn started. */
const pressEnter = async (target: DeliveryTarget, confirmMs: number, now: () => number): Promise<Confirmation> => {
  await target.flushed();
  const lineBefore = target.cursorLine();
  const seqBefore = target.outputSeq();
  let leftIdle = false;
  const off = target.onActivity((activity) => {
    if (activity !== 'idle') leftIdle = true;
  });
  try {
    target.write('\r');
    const deadline = now() + confirmMs;
    for (;;) {
      await sleep(ECHO_POLL_MS); // fine-grained: the turn's first output usually follows Enter within milliseconds
      if (leftIdle || target.outputSeq() !== seqBefore) return 'confirmed';
      if (target.isExited()) return 'exited';
      await target.flushed();
      if (target.cursorLine() !== lineBefore) return 'confirmed';
      if (now() >= deadline) return 'no-effect';
    }
  } finally {
    off();
  }
};

/**
 * Types one message into an idle agent: bracketed paste when enabled, else a single line; Enter once the
 * echo shows; then (unless the caller confirms by the harness's own signal) confirms the turn started from
 * the screen, pressing Enter again a bounded number of times. Failures are results, never exceptions.
 */
export const deliverText = async (
  target: DeliveryTarget,
  text: string,
  options: DeliverOptions = {},
  now: () => number = Date.now,
): Promise<DeliveryResult> => {
  const opts = { ...DELIVER_DEFAULTS, ...options };
  if (target.isExited()) return exitedResult('before delivery');
  const idleDeadline = now() + opts.idleTimeoutMs;
  // Idle must still hold once the screen has caught up: output may have arrived meanwhile.
  if (opts.waitIdle) do {
    if (!(await target.waitForIdle(Math.max(0, idleDeadline - now())))) {
      if (target.isExited()) return exitedResult('while waiting for it to become idle');
      return {
        ok: false,
        reason: 'timeout-waiting-idle',
        detail: `not idle after ${opts.idleTimeoutMs} ms (activity ${target.activity()}, cursor line ${JSON.stringify(target.cursorLine())})`,
      };
    }
    await target.flushed();
  } while (target.activity() !== 'idle');
  const bracketed = target.bracketedPaste();
  const seqBeforeTyping = target.outputSeq();
  await typeText(target, preparePayload(text, bracketed), bracketed);
  await awaitEcho(target, now, seqBeforeTyping, options.marker, opts.settleMs);
  if (!opts.confirm) {
    if (target.isExited()) return exitedResult('before Enter was pressed');
    target.write('\r');
    return { ok: true, attempts: 1, bracketed };
  }
  const presses = 1 + Math.max(0, opts.maxEnterRetries);
  for (let attempt = 1; attempt <= presses; attempt += 1) {
    if (target.isExited()) return exitedResult('before Enter was pressed');
    const outcome = await pressEnter(target, opts.confirmMs, now);
    if (outcome === 'confirmed') return { ok: true, attempts: attempt, bracketed };
    if (outcome === 'exited') return exitedResult('after Enter was pressed');
  }
  return {
    ok: false,
    reason: 'not-submitted',
    detail: `no reaction within ${opts.confirmMs} ms to each of ${presses} Enter presses (cursor line ${JSON.stringify(target.cursorLine())})`,
  };
};
