import { readFileSync } from 'node:fs';
import { isAgentKind, TEXT_FIELD } from '../../bus/message.js';
import { recordUnparsable, submit } from '../../bus/submit.js';
import { ExitCode, usageError } from '../../errors.js';
import { agentSide } from '../env.js';

interface MsgOptions {
  to?: string;
  text?: string;
  json?: string;
  replyTo?: string;
}

function parsePayload(kind: string, options: MsgOptions): Record<string, unknown> {
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
  const sender = agentSide();
  let payload: Record<string, unknown>;
  try {
    payload = parsePayload(kind, options);
  } catch (error) {
    recordUnparsable(sender, kind, (error as Error).message, 'cli');
    throw error;
  }
  const result = submit(sender, { kind, to: options.to, replyTo: options.replyTo, payload }, 'cli');
  if (!result.ok) {
    process.stderr.write(`loop: message refused:\n${result.reasons.map((r) => `  - ${r}`).join('\n')}\n`);
    return ExitCode.usage;
  }
  process.stdout.write(`${result.id}\n`);
  return ExitCode.completed;
}
