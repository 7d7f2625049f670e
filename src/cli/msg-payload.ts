import { readFileSync } from 'node:fs';
import { isAgentKind, TEXT_FIELD } from '../bus/kinds.js';
import { usageError } from '../errors.js';

/** The options of `loop msg`, as commander (or the fast entry, agent-entry.ts) hands them over. */
export interface MsgOptions {
  to?: string;
  text?: string;
  json?: string;
  replyTo?: string;
}

/** The payload of `loop msg`: `--json` (an object, or '-' for stdin), with `--text` filling the kind's main text field. */
export function parsePayload(kind: string, options: MsgOptions): Record<string, unknown> {
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
  if (options.text !== undefined && isAgentKind(kind)) {
    const field = TEXT_FIELD[kind];
    if (!field) throw usageError(`--text: a ${kind} message has no text field; give its payload with --json`);
    payload = { ...payload, [field]: options.text };
  }
  return payload;
}
