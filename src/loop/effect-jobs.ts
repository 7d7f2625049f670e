import { errorMessage } from '../errors.js';
import type { Input } from './machine.js';

/** An effect performed off the driver's queue (the proof, restoring a tree). */
export type EffectKind = 'proof' | 'restore';

/**
 * The effects that run in the background while the driver goes on taking messages. Each gets an AbortSignal;
 * its result goes back to the machine as an input, unless the run is ending (then it was cancelled, and its
 * result is dropped). `cancelAll` aborts them and waits until they are over: no proof outlives its run.
 */
export class EffectJobs {
  private readonly running = new Map<EffectKind, { controller: AbortController; done: Promise<void> }>();

  constructor(private readonly deliver: (input: Input) => void) {}

  /** Is an effect of this kind running now? */
  busy(kind: EffectKind): boolean {
    return this.running.has(kind);
  }

  /** Start an effect; `undefined` from it means nothing to tell the machine (e.g. it was cancelled). A throw is an infra stop. */
  start(kind: EffectKind, failure: string, job: (signal: AbortSignal) => Promise<Input | undefined>): void {
    const controller = new AbortController();
    const done = (async () => {
      let input: Input | undefined;
      try {
        input = await job(controller.signal);
      } catch (error) {
        input = controller.signal.aborted ? undefined : { type: 'infra', reason: `${failure}: ${errorMessage(error)}` };
      } finally {
        this.running.delete(kind);
      }
      if (input && !controller.signal.aborted) this.deliver(input);
    })();
    this.running.set(kind, { controller, done });
  }

  /** Cancel every running effect and wait for each to be over. */
  async cancelAll(): Promise<void> {
    const jobs = [...this.running.values()];
    for (const job of jobs) job.controller.abort();
    await Promise.all(jobs.map((job) => job.done));
  }
}
