import { existsSync, readFileSync } from 'node:fs';
import { isAgentKind, TEXT_FIELD, type Submission } from '../../bus/message.js';
import { DEFAULT_LIMITS, type BusLimits } from '../../bus/limits.js';
import { writeSpoolRecord } from '../../bus/spool.js';
import { checkDraft } from '../../bus/validate.js';
import { ExitCode, usageError } from '../../errors.js';
import { newMessageId } from '../../run/ids.js';
import { tryReadManifest } from '../../run/manifest.js';
import { agentSide } from '../env.js';

interface MsgOptions {
  to?: string;
  text?: string;
  json?: string;
  replyTo?: string;
}

function parsePayload(kind: string, options: MsgOptions): unknown {
  let payload: Record<string, unknown> = {};
  if (options.json !== undefined) {
    const source = options.json === '-' ? readFileSync(0, 'utf8') : options.json;
    let parsed: unknown;
    try {
      parsed = JSON.parse(source);
    } catch (error) {
      throw usageError(`--json: not valid JSON (${(error as Error).message})`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw usageError('--json: the payload must be a JSON object');
    payload = parsed as Record<string, unknown>;
  }
  if (options.text !== undefined && isAgentKind(kind)) payload = { ...payload, [TEXT_FIELD[kind]]: options.text };
  return payload;
}

/** `loop msg <kind>`: validate, then drop the message into the run's spool; refusals exit 2 with reasons. */
export async function msgCommand(kind: string, options: MsgOptions): Promise<number> {
  const { runDir, role } = agentSide();
  if (!existsSync(runDir)) throw usageError(`LOOP_RUN_DIR ${runDir} does not exist`);
  const manifest = tryReadManifest(runDir);
  const limits: BusLimits = { ...DEFAULT_LIMITS, ...(manifest?.config.limits as Partial<BusLimits> | undefined) };
  const id = newMessageId();
  const at = new Date().toISOString();
  let payload: unknown;
  try {
    payload = parsePayload(kind, options);
  } catch (error) {
    writeSpoolRecord(runDir, id, { type: 'refusal', refusal: { id, from: role, kind, reasons: [(error as Error).message], at, via: 'cli' } });
    throw error;
  }
  const check = checkDraft({ from: role, kind, to: options.to, replyTo: options.replyTo, payload }, limits);
  if (!check.ok) {
    writeSpoolRecord(runDir, id, { type: 'refusal', refusal: { id, from: role, kind, reasons: check.reasons, at, via: 'cli' } });
    process.stderr.write(`loop: message refused:\n${check.reasons.map((r) => `  - ${r}`).join('\n')}\n`);
    return ExitCode.usage;
  }
  const submission: Submission = { id, from: role, kind, to: check.message.to === 'loop' ? undefined : check.message.to, replyTo: options.replyTo, payload: check.message.payload, at, via: 'cli' };
  writeSpoolRecord(runDir, id, { type: 'submission', submission });
  process.stdout.write(`${id}\n`);
  return ExitCode.completed;
}
