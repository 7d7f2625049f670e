import type { AgentActivity, IdleRule } from './types.js';

/** What the tracker reads from the screen model. */
export interface ScreenProbe {
  flushed(): Promise<void>;
  cursorLine(): string;
  text(): string;
}

/**
 * Derives an agent's activity from output timing and the cursor line: 'starting' until the first
 * idle detection, 'busy' while output flows or the cursor line does not match, 'idle' once output
 * was quiet for quietMs and the cursor line matches the idle pattern, 'exited' at the end.
 */
export class ActivityTracker {
  private state: AgentActivity = 'starting';
  private seq = 0;
  private lastOutput: number;
  private timer: NodeJS.Timeout | undefined;
  private readonly listeners = new Set<(activity: AgentActivity) => void>();

  constructor(
    private readonly rule: IdleRule,
    private readonly screen: ScreenProbe,
    private readonly now: () => number = Date.now,
  ) {
    this.lastOutput = now();
  }

  /** The current activity. */
  current(): AgentActivity {
    return this.state;
  }

  /** Count of output chunks seen so far (changes whenever output arrives). */
  outputSeq(): number {
    return this.seq;
  }

  /** Clock time of the latest output chunk (or of creation). */
  lastOutputAt(): number {
    return this.lastOutput;
  }

  /** Notes an output chunk: an idle agent becomes busy; re-evaluation is scheduled. */
  noteOutput(): void {
    if (this.state === 'exited') return;
    this.seq += 1;
    this.lastOutput = this.now();
    if (this.state === 'idle') this.set('busy');
    this.schedule(this.rule.quietMs);
  }

  /** Schedules a re-evaluation without output (at spawn, after a resize). */
  poke(): void {
    this.schedule(this.rule.quietMs);
  }

  /** Final state; pending waits resolve, timers stop. */
  markExited(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.set('exited');
    this.listeners.clear();
  }

  /** Subscribes to changes; returns the unsubscribe function. */
  onChange(listener: (activity: AgentActivity) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Resolves true once idle, false after timeoutMs or on exit. */
  waitForIdle(timeoutMs: number): Promise<boolean> {
    if (this.state === 'idle') return Promise.resolve(true);
    if (this.state === 'exited') return Promise.resolve(false);
    return new Promise((resolve) => {
      const finish = (result: boolean): void => {
        clearTimeout(timer);
        off();
        resolve(result);
      };
      const timer = setTimeout(() => finish(false), timeoutMs);
      const off = this.onChange((activity) => {
        if (activity === 'idle') finish(true);
        else if (activity === 'exited') finish(false);
      });
    });
  }

  private schedule(delayMs: number): void {
    if (this.timer || this.state === 'exited') return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.evaluate();
    }, Math.max(1, delayMs));
    this.timer.unref();
  }

  private async evaluate(): Promise<void> {
    const seq = this.seq;
    await this.screen.flushed();
    // New output while the parser caught up has already scheduled the next evaluation.
    if (this.state === 'exited' || seq !== this.seq) return;
    const quietFor = this.now() - this.lastOutput;
    if (quietFor < this.rule.quietMs) {
      this.schedule(this.rule.quietMs - quietFor);
      return;
    }
    if (this.rule.attentionPattern) {
      this.rule.attentionPattern.lastIndex = 0;
      // Dialogs render at the bottom; older output higher up must not count.
      const bottom = this.screen.text().split('\n').filter((line) => line.trim() !== '').slice(-15).join('\n');
      if (this.rule.attentionPattern.test(bottom)) {
        this.set('needs-input');
        return;
      }
    }
    if (isIdleScreen(this.rule, this.screen)) this.set('idle');
    else if (this.state !== 'starting') this.set('busy');
  }

  private set(next: AgentActivity): void {
    if (next === this.state) return;
    this.state = next;
    for (const listener of [...this.listeners]) listener(next);
  }
}

/** Is a session's screen, as it is now, the idle screen of `rule` (see isIdleScreen)? */
export function looksIdle(rule: IdleRule, session: { screenText(): string; cursorLine(): string }): boolean {
  return isIdleScreen(rule, { text: () => session.screenText(), cursorLine: () => session.cursorLine(), flushed: async () => undefined });
}

/**
 * Idle: the idle pattern matches the cursor line (or, with `matchScreen`, any screen line) and the busy
 * pattern, if any, matches nowhere on the screen. Agent TUIs keep their empty composer on screen while
 * they work, so the busy marker ("esc to interrupt") is what tells the two apart.
 */
export function isIdleScreen(rule: IdleRule, screen: ScreenProbe): boolean {
  rule.pattern.lastIndex = 0; // a /g or /y pattern keeps state between test() calls
  const idle = rule.matchScreen ? screen.text().split('\n').some((line) => rule.pattern.test(line)) : rule.pattern.test(screen.cursorLine());
  if (!idle) return false;
  if (!rule.busyPattern) return true;
  rule.busyPattern.lastIndex = 0;
  return !rule.busyPattern.test(screen.text());
}
