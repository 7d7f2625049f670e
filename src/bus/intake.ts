import { watch, type FSWatcher } from 'chokidar';
import { basename } from 'node:path';
import type { Submission } from './message.js';
import { ensureDir } from '../run/fs-atomic.js';
import { pendingSpoolFiles, readSpoolRecord, retireSpoolFile, spoolDir, type Refusal } from './spool.js';

export interface IntakeHandlers {
  /** A submission to validate and journal. Return when it is durable: the spool file is removed after. */
  submission(submission: Submission): Promise<void>;
  /** A refusal `loop msg` already reported to its sender (journaled for the record). */
  refusal(refusal: Refusal): Promise<void>;
  /** A spool file that could not be read at all (moved to spool/rejected/). */
  unreadable(file: string, error: string): Promise<void>;
}

/** Watches the spool directory and hands each record over exactly once, in order. */
export class Intake {
  private watcher?: FSWatcher;
  private chain: Promise<void> = Promise.resolve();
  private seen = new Set<string>();
  private closed = false;

  constructor(private readonly runDir: string, private readonly handlers: IntakeHandlers) {}

  /** Take in what is already spooled, then watch for more. */
  async start(): Promise<void> {
    ensureDir(spoolDir(this.runDir));
    for (const file of pendingSpoolFiles(this.runDir)) this.enqueue(file);
    this.watcher = watch(spoolDir(this.runDir), { depth: 0, ignoreInitial: true, ignored: (path) => basename(path).startsWith('.') });
    this.watcher.on('add', (file) => {
      if (file.endsWith('.json')) this.enqueue(file);
    });
    await new Promise<void>((resolve) => this.watcher!.once('ready', () => resolve()));
    // Files that landed between the scan and the watcher becoming ready.
    for (const file of pendingSpoolFiles(this.runDir)) this.enqueue(file);
    await this.chain;
  }

  private enqueue(file: string): void {
    if (this.seen.has(file) || this.closed) return;
    this.seen.add(file);
    this.chain = this.chain.then(() => this.take(file)).catch(() => undefined);
  }

  private async take(file: string): Promise<void> {
    if (this.closed) return;
    const read = readSpoolRecord(file);
    if (!read.ok) {
      if (read.error.includes('ENOENT')) return;
      await this.handlers.unreadable(file, read.error);
      retireSpoolFile(file, true);
      return;
    }
    if (read.record.type === 'submission') await this.handlers.submission(read.record.submission);
    else await this.handlers.refusal(read.record.refusal);
    retireSpoolFile(file);
    this.seen.delete(file);
  }

  /** Wait for everything handed over so far. */
  async drain(): Promise<void> {
    await this.chain;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.watcher?.close();
  }
}
