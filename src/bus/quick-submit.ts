import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dropBoxDir } from '../isolation/agent-area.js';
import { newMessageId } from '../run/ids.js';
import { DEFAULT_LIMITS, type BusLimits } from './limits.js';
import type { Submission } from './message.js';
import { quickCheck } from './quick-check.js';
import type { Sender, SubmitRequest } from './submit.js';
import { writeSpoolRecord } from './spool-write.js';
import type { Accepted } from './validate.js';

/**
 * The limits a run might have, without zod: the defaults (what submit uses when the manifest does not pass its
 * schema) and the defaults under the manifest's `config.limits` (what it uses when it does).
 */
export function possibleLimits(runDir: string): BusLimits[] {
  try {
    const manifest: unknown = JSON.parse(readFileSync(join(runDir, 'manifest.json'), 'utf8'));
    const config = (manifest as { config?: unknown } | null)?.config;
    if (typeof config !== 'object' || config === null) return [DEFAULT_LIMITS];
    return [DEFAULT_LIMITS, { ...DEFAULT_LIMITS, ...((config as { limits?: Partial<BusLimits> }).limits) }];
  } catch {
    return [DEFAULT_LIMITS];
  }
}

/** Drop an accepted message into the sender's drop-box as a submission record. */
export function dropSubmission(sender: Sender, id: string, at: string, accepted: Accepted, via: 'cli' | 'mcp'): void {
  const { to, replyTo, payload } = accepted;
  const submission: Submission = { id, from: sender.role, kind: accepted.kind, to: to === 'loop' ? undefined : to, replyTo, payload, at, via };
  writeSpoolRecord(dropBoxDir(sender.runDir, sender.role), id, { type: 'submission', submission }, sender.key);
}

/**
 * submit() for a message that is surely accepted, without loading zod (the agent-side fast path). Undefined,
 * having written nothing, when that is not certain: submit() then decides and words the refusal.
 */
export function quickSubmit(sender: Sender, request: SubmitRequest, via: 'cli' | 'mcp'): { ok: true; id: string } | undefined {
  if (!existsSync(sender.runDir)) return undefined;
  const accepted = quickCheck({ from: sender.role, ...request }, possibleLimits(sender.runDir));
  if (!accepted) return undefined;
  const id = newMessageId();
  dropSubmission(sender, id, new Date().toISOString(), accepted, via);
  return { ok: true, id };
}
