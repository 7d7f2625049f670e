import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { ExitCode } from '../errors.js';

/** One task of a batch and where its run is. */
export interface BatchItem {
  n: number;
  task: string;
  state: 'queued' | 'running' | 'finished' | 'not started';
  runId?: string;
  /** The run's phase and iteration, from its log lines (`working 1/3`). */
  phase?: string;
  exitCode?: number;
  /** The child's last line on stderr (why a run that never started did not). */
  error?: string;
  pid?: number;
}

/** Exit codes from best to worst: a batch exits with the worst of its runs' (130 when it was cancelled). */
const SEVERITY = [ExitCode.completed, ExitCode.notProven, ExitCode.stalled, ExitCode.budget, ExitCode.usage, ExitCode.couldNotRun, ExitCode.cancelled];
const rank = (code: number) => (SEVERITY.indexOf(code as (typeof SEVERITY)[number]) + 1 || SEVERITY.length);

/** The worst of some exit codes (0 for none). */
export const worstExit = (codes: number[]): number => codes.reduce((worst, code) => (rank(code) > rank(worst) ? code : worst), ExitCode.completed);

/**
 * Runs a batch: one child `loop run` per task, at most `jobs` at once, in task order. `spawn` starts a child for
 * a task (stdout and stderr piped); `onChange` is told whenever an item changes. `stop()` starts no more tasks and
 * passes SIGTERM on to every running child (a second `stop()` passes a second one: their forced exit).
 */
export class BatchRunner {
  readonly items: BatchItem[];
  private readonly children = new Map<number, ChildProcess>();
  private stopped = false;

  constructor(tasks: string[], private readonly jobs: number, private readonly spawn: (task: string) => ChildProcess, private readonly onChange: (item: BatchItem) => void) {
    this.items = tasks.map((task, i) => ({ n: i + 1, task, state: 'queued' }));
  }

  get cancelled(): boolean {
    return this.stopped;
  }

  /** Run every task; resolves when every started child has exited. */
  async run(): Promise<void> {
    const queue = [...this.items];
    const worker = async () => {
      for (let item = queue.shift(); item; item = queue.shift()) {
        if (this.stopped) {
          this.update(item, { state: 'not started' });
          continue;
        }
        await this.runOne(item);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.jobs, this.items.length) }, worker));
  }

  stop(): void {
    this.stopped = true;
    for (const child of this.children.values()) child.kill('SIGTERM');
  }

  /** Signal every running child now (the batch process is going away). */
  killAll(): void {
    for (const child of this.children.values()) child.kill('SIGTERM');
  }

  private update(item: BatchItem, patch: Partial<BatchItem>): void {
    Object.assign(item, patch);
    this.onChange(item);
  }

  private runOne(item: BatchItem): Promise<void> {
    const child = this.spawn(item.task);
    if (child.pid !== undefined) this.children.set(item.n, child);
    this.update(item, { state: 'running', ...(child.pid !== undefined ? { pid: child.pid } : {}) });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const started = /(?:started|resumed) run (\S+)/.exec(line);
      if (started && !item.runId) this.update(item, { runId: started[1]! });
      const phase = /phase: (\S+) \(iteration (\d+\/\d+)\)/.exec(line);
      if (phase) this.update(item, { phase: `${phase[1]} ${phase[2]}` });
    });
    createInterface({ input: child.stderr! }).on('line', (line) => {
      if (line.trim()) item.error = line.trim();
    });
    return new Promise((resolve) => {
      child.once('error', (error) => {
        item.error = error.message;
      });
      child.once('close', (code, signal) => {
        this.children.delete(item.n);
        this.update(item, { state: 'finished', exitCode: code ?? (signal ? ExitCode.cancelled : ExitCode.couldNotRun) });
        resolve();
      });
    });
  }
}
