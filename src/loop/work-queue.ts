/**
 * The driver's one serial queue: every step that reads or changes the run's state runs here, one at a time,
 * in order. A step that throws is never swallowed: it goes to `failed` once (the driver stops the run with
 * exit 5), and the queue carries on with the next step.
 */
export class WorkQueue {
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly failed: (error: unknown) => void) {}

  /** Queue a step; its failure goes to `failed`. The returned promise never rejects. */
  push(work: () => Promise<void> | void): Promise<void> {
    return this.pushAndWait(work).then(() => undefined, () => undefined); // the failure went to `failed`
  }

  /**
   * Queue a step and learn whether it succeeded: the returned promise rejects with the step's error (which also
   * goes to `failed`). For a caller that must not act on a failed step, e.g. removing a spool file.
   */
  pushAndWait<T>(work: () => Promise<T> | T): Promise<T> {
    const run = this.chain.then(work);
    this.chain = run.then(() => undefined, (error: unknown) => this.failed(error));
    return run;
  }

  /** Wait for every step queued so far. */
  drained(): Promise<void> {
    return this.chain;
  }
}
