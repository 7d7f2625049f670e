import { closeSync, fchmodSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** Default recording cap when the spec names none: 64 MiB. */
export const DEFAULT_RECORD_MAX_BYTES = 64 * 1024 * 1024;

/** Options of an asciicast v2 recording. */
export interface RecorderOptions {
  path: string;
  cols: number;
  rows: number;
  /** Size cap of the file; past it one "m" marker event is written and recording stops. */
  maxBytes?: number;
  /** TERM value written into the header. */
  term?: string;
  /** Clock in milliseconds (injectable for tests). */
  now?: () => number;
}

/** Appends a PTY session to an asciicast v2 file (mode 0600), bounded in size. */
export class AsciicastRecorder {
  private fd: number | undefined;
  private readonly startMs: number;
  private readonly maxBytes: number;
  private readonly now: () => number;
  private written = 0;
  private truncatedFlag = false;
  /** The first write error, after which recording stopped (the session carries on). */
  error: Error | undefined;

  /** Creates (or truncates) the file and writes the header; throws if the file cannot be opened. */
  constructor(options: RecorderOptions) {
    this.now = options.now ?? Date.now;
    this.startMs = this.now();
    this.maxBytes = options.maxBytes ?? DEFAULT_RECORD_MAX_BYTES;
    mkdirSync(dirname(options.path), { recursive: true, mode: 0o700 });
    this.fd = openSync(options.path, 'w', 0o600);
    // openSync's mode applies only to new files; an existing file keeps its mode otherwise.
    fchmodSync(this.fd, 0o600);
    const header = {
      version: 2,
      width: options.cols,
      height: options.rows,
      timestamp: Math.floor(this.startMs / 1000),
      env: { TERM: options.term ?? 'xterm-256color' },
    };
    this.append(`${JSON.stringify(header)}\n`);
  }

  /** Bytes written so far. */
  get bytes(): number {
    return this.written;
  }

  /** Whether the cap was reached and recording stopped. */
  get truncated(): boolean {
    return this.truncatedFlag;
  }

  /** Records output from the program ("o" event). */
  output(data: string): void {
    this.event('o', data);
  }

  /** Records input typed by loop ("i" event). */
  input(data: string): void {
    this.event('i', data);
  }

  /** Records a terminal resize ("r" event, "COLSxROWS"). */
  resize(cols: number, rows: number): void {
    this.event('r', `${cols}x${rows}`);
  }

  /** Records a marker ("m" event) with a label. */
  marker(label: string): void {
    this.event('m', label);
  }

  /** Closes the file; idempotent. */
  close(): void {
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    try {
      closeSync(fd);
    } catch (error) {
      this.error ??= error as Error;
    }
  }

  private event(code: 'o' | 'i' | 'r' | 'm', data: string): void {
    if (this.fd === undefined || this.truncatedFlag || data.length === 0) return;
    const line = `${JSON.stringify([this.elapsed(), code, data])}\n`;
    if (this.written + Buffer.byteLength(line) > this.maxBytes) {
      this.truncatedFlag = true;
      const note = `recording truncated at ${this.maxBytes} bytes`;
      this.append(`${JSON.stringify([this.elapsed(), 'm', note])}\n`);
      return;
    }
    this.append(line);
  }

  private elapsed(): number {
    return Math.round(this.now() - this.startMs) / 1000;
  }

  private append(line: string): void {
    if (this.fd === undefined) return;
    try {
      this.written += writeSync(this.fd, line);
    } catch (error) {
      this.error = error as Error;
      this.close();
    }
  }
}
