import { envelopesOf } from './envelopes.js';
import type { Envelope, Role } from './message.js';
import { readInboxWith } from './inbox-read.js';

/**
 * Messages addressed to `role`, oldest first: those `loop inbox` has not returned before,
 * or every one with `all`. Only the unread form advances the cursor.
 */
export function readInbox(runDir: string, role: Role, options: { all?: boolean } = {}): Envelope[] {
  return readInboxWith(runDir, role, options, envelopesOf)!;
}
