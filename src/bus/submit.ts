import { existsSync } from 'node:fs';
import { DEFAULT_LIMITS, type BusLimits } from './limits.js';
import type { Role, Submission } from './message.js';
import { writeSpoolRecord } from './spool.js';
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

export type SubmitResult = { ok: true; id: string } | { ok: false; id: string; reasons: string[] };

/** The bus limits frozen into a run's manifest. */
export function runLimits(runDir: string): BusLimits {
  const manifest = tryReadManifest(runDir);
  return { ...DEFAULT_LIMITS, ...(manifest?.config.limits as Partial<BusLimits> | undefined) };
}

/**
 * Send a message from an agent (`loop msg` and `loop mcp` alike): validate it, then drop it into the run's
 * spool. A refusal is spooled too, so the run's journal records it; the caller tells the sender.
 */
export function submit(runDir: string, from: Role, request: SubmitRequest, via: 'cli' | 'mcp'): SubmitResult {
  if (!existsSync(runDir)) throw usageError(`LOOP_RUN_DIR ${runDir} does not exist`);
  const id = newMessageId();
  const at = new Date().toISOString();
  const check = checkDraft({ from, ...request }, runLimits(runDir));
  if (!check.ok) {
    writeSpoolRecord(runDir, id, { type: 'refusal', refusal: { id, from, kind: request.kind, reasons: check.reasons, at, via } });
    return { ok: false, id, reasons: check.reasons };
  }
  const { to, replyTo, payload } = check.message;
  const submission: Submission = { id, from, kind: request.kind, to: to === 'loop' ? undefined : to, replyTo, payload, at, via };
  writeSpoolRecord(runDir, id, { type: 'submission', submission });
  return { ok: true, id };
}

/** Record a message that could not even be parsed (bad JSON), so the journal shows it. */
export function recordUnparsable(runDir: string, from: Role, kind: string, reason: string, via: 'cli' | 'mcp'): void {
  if (!existsSync(runDir)) return;
  const id = newMessageId();
  writeSpoolRecord(runDir, id, { type: 'refusal', refusal: { id, from, kind, reasons: [reason], at: new Date().toISOString(), via } });
}
