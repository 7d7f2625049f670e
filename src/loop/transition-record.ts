import type { Envelope } from '../bus/message.js';
import { newMessageId } from '../run/ids.js';
import type { DriverCore } from './driver-types.js';
import type { Outgoing } from './effects.js';
import { manifestView } from './manifest-view.js';
import { saveManifest } from './run-context.js';

/**
 * Journal a transition with loop's outgoing envelopes (one atomic line), with the state when it changed (then the
 * manifest and the observer get it too); returns the sealed envelopes, for delivery.
 */
export function journalTransition(core: DriverCore, outgoing: readonly Outgoing[], input: Record<string, unknown>, withState: boolean): Envelope[] {
  const { ctx, state } = core;
  const messages: Envelope[] = outgoing.map((o) => ({
    id: newMessageId(), runId: ctx.ref.id, seq: core.takeSeq(), from: 'loop', iteration: state.iteration, at: new Date().toISOString(), ...o,
  }));
  if (withState || messages.length > 0) ctx.journal.append('transition', { input, state, messages });
  if (withState) {
    saveManifest(ctx, manifestView(state));
    core.deps.observer({ type: 'state', state });
  }
  for (const envelope of messages) core.deps.observer({ type: 'message', envelope, delivered: false });
  return messages;
}
