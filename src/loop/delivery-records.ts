import type { Envelope, Role } from '../bus/message.js';
import type { DeliveryInfo } from './agent-runner.js';
import type { DriverCore } from './driver-types.js';
import { recordRequestedTree } from './review-tree-steps.js';

/** How a message reached its addressee: typed, on the command line, named in a notice, or found already in its own session. */
export type DeliveryVia = DeliveryInfo['via'] | 'session';

/**
 * A message reached its addressee: journal `message.delivered`, tell the machine (a turn's clock may start), and
 * for a review request record the tree the reviewer is asked to review.
 */
export function recordDelivery(core: DriverCore, role: Role, envelope: Envelope, info: Omit<DeliveryInfo, 'via'> & { via: DeliveryVia; detail?: string }): void {
  const { ctx } = core;
  ctx.journal.append('message.delivered', { id: envelope.id, to: role, ...info });
  core.deps.observer({ type: 'message', envelope, delivered: true });
  core.feed({ type: 'delivered', role, envelope });
  if (envelope.kind === 'review-request') {
    const requested = recordRequestedTree(ctx, envelope); // hashed now: the reviewer may start editing at once
    requested.catch(() => undefined); // awaited in the queue below, which reports a failure; not unhandled meanwhile
    core.queue(async () => core.apply(await requested)); // queued now: ahead of the review that answers it
  }
}

/** A delivery could not be made; the last attempt stops the run (exit 5). */
export function recordStuck(core: DriverCore, role: Role, envelope: Envelope, detail: string, final: boolean): void {
  core.ctx.journal.append('message.stuck', { id: envelope.id, to: role, detail, final });
  core.deps.observer({ type: 'warning', text: detail });
  if (final) core.feed({ type: 'infra', reason: `could not deliver ${envelope.kind} ${envelope.id} to the ${role}: ${detail}` });
}
