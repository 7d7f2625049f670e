import xtermHeadless from '@xterm/headless';
import type { Terminal } from '@xterm/headless';

/** Longest wait for the parser to catch up (it takes milliseconds; only a wedged parser reaches this). */
const FLUSH_LIMIT_MS = 5000;

/** Options of a headless screen model. */
export interface ScreenOptions {
  cols: number;
  rows: number;
  /** Lines kept above the visible screen (default 1000). */
  scrollback?: number;
  /**
   * Receives the emulator's own replies to terminal queries (cursor-position report for ESC[6n,
   * device attributes for ESC[c, ...). Write them back to the PTY: TUIs block waiting for them.
   */
  onReply?: (data: string) => void;
}

/** A headless xterm screen fed with a PTY's output; answers terminal queries through onReply. */
export class Screen {
  private readonly terminal: Terminal;
  private disposed = false;
  /** What the screen showed when disposed, so it stays readable after the process exits. */
  private final: { cursorLine: string; text: string } | undefined;

  constructor(options: ScreenOptions) {
    this.terminal = new xtermHeadless.Terminal({
      cols: options.cols,
      rows: options.rows,
      scrollback: options.scrollback ?? 1000,
      allowProposedApi: true,
    });
    const onReply = options.onReply;
    if (onReply) {
      this.terminal.onData((data) => {
        if (!this.disposed) onReply(data);
      });
    }
  }

  /** Feeds output to the parser (asynchronous: use flushed() before reading the screen). */
  write(data: string): void {
    if (!this.disposed) this.terminal.write(data);
  }

  /**
   * Resolves once every write made so far has been parsed, or after FLUSH_LIMIT_MS: a parser that never calls
   * back (xterm drops its pending callbacks when a write throws) must not hang a hand-off or an exit for good;
   * the screen is then read as it is.
   */
  flushed(): Promise<void> {
    if (this.disposed) return Promise.resolve();
    return new Promise((resolve) => {
      const limit = setTimeout(resolve, FLUSH_LIMIT_MS);
      this.terminal.write('', () => {
        clearTimeout(limit);
        resolve();
      });
    });
  }

  /** The line holding the cursor in the active buffer, trailing spaces trimmed. */
  cursorLine(): string {
    if (this.final) return this.final.cursorLine;
    const buffer = this.terminal.buffer.active;
    return this.lineAt(buffer.baseY + buffer.cursorY);
  }

  /** The visible screen as lines (trailing spaces and trailing blank lines trimmed). */
  text(): string {
    if (this.final) return this.final.text;
    const buffer = this.terminal.buffer.active;
    const lines: string[] = [];
    for (let y = 0; y < this.terminal.rows; y += 1) lines.push(this.lineAt(buffer.baseY + y));
    return lines.join('\n').trimEnd();
  }

  /** Whether the application enabled bracketed-paste mode (DECSET 2004). */
  bracketedPaste(): boolean {
    if (this.disposed) return false;
    return this.terminal.modes.bracketedPasteMode;
  }

  /** Follows a PTY resize. */
  resize(cols: number, rows: number): void {
    if (!this.disposed) this.terminal.resize(cols, rows);
  }

  /** Frees the emulator; reads keep returning the last screen, writes are ignored. */
  dispose(): void {
    if (this.disposed) return;
    this.final = { cursorLine: this.cursorLine(), text: this.text() };
    this.disposed = true;
    this.terminal.dispose();
  }

  private lineAt(y: number): string {
    return this.terminal.buffer.active.getLine(y)?.translateToString(true).trimEnd() ?? '';
  }
}
