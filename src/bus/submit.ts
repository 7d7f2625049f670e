import { existsSync } from 'node:fs';
import { dropBoxDir } from '../isolation/agent-area.js';
import { DEFAULT_LIMITS, type BusLimits } from './limits.js';
import type { Role } from './message.js';
import { rolesIn } from './roles.js';
import { dropSubmission } from './quick-submit.js';
import type { SpoolRecord } from './spool.js';
import { writeSpoolRecord } from './spool-write.js';
import { checkDraft } from './validate.js';
import { newMessageId } from '../run/ids.js';
import { tryReadManifest } from '../run/manifest.js';
import { usageError } from '../errors.js';

export interface SubmitRequest {
  kind: string;
  to?: string;
  replyTo?: string;
  payload: unknown;
}

/** Who is sending: the role the agent-side process believes it has, and its role key where there is one. */
export interface Sender {
  runDir: string;
  role: Role;
  /** LOOP_TOKEN: signs the record where there is no sandbox (loop checks it; a forged role has no key). */
  key?: string;
}

export type SubmitResult = { ok: true; id: string } | { ok: false; id: string; reasons: string[] };

/** The bus limits frozen into a run's manifest, and the run's roles (unknown without a readable manifest). */
export function runLimits(runDir: string): BusLimits & { roles?: Role[] } {
  const manifest = tryReadManifest(runDir);
  return { ...DEFAULT_LIMITS, ...(manifest?.config.limits as Partial<BusLimits> | undefined), ...(manifest ? { roles: rolesIn(manifest.roles) } : {}) };
}

const drop = (sender: Sender, id: string, record: SpoolRecord) => writeSpoolRecord(dropBoxDir(sender.runDir, sender.role), id, record, sender.key);

/**
 * Send a message from an agent (`loop msg` and `loop mcp` alike): validate it, then drop it into the agent's
 * drop-box. Its role is decided by loop from where it lands (and its key), never from what it says.
 * A refusal is dropped too, so the run's journal records it; the caller tells the sender.
 */
export function submit(sender: Sender, request: SubmitRequest, via: 'cli' | 'mcp'): SubmitResult {
  const { runDir, role: from } = sender;
  if (!existsSync(runDir)) throw usageError(`LOOP_RUN_DIR ${runDir} does not exist`);
  const id = newMessageId();
  const at = new Date().toISOString();
  const { roles, ...limits } = runLimits(runDir);
  const check = checkDraft({ from, ...request }, limits, roles);
  if (!check.ok) {
    drop(sender, id, { type: 'refusal', refusal: { id, from, kind: request.kind, reasons: check.reasons, at, via } });
    return { ok: false, id, reasons: check.reasons };
  }
  dropSubmission(sender, id, at, check.message, via);
  return { ok: true, id };
}

/** Record a message that could not even be parsed (bad JSON), so the journal shows it. */
export function recordUnparsable(sender: Sender, kind: string, reason: string, via: 'cli' | 'mcp'): void {
  if (!existsSync(sender.runDir)) return;
  const id = newMessageId();
  drop(sender, id, { type: 'refusal', refusal: { id, from: sender.role, kind, reasons: [reason], at: new Date().toISOString(), via } });
}
