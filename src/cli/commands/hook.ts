import { readFileSync } from 'node:fs';
import { parseHookPayload, recordSignal } from '../../agents/signals.js';
import { RoleSchema } from '../../bus/message.js';

const EVENTS = new Set(['claude-stop', 'codex-notify', 'gemini-after-agent']);

/**
 * `loop hook <event> [json]`: run by a harness at the end of each turn. Records the signal for the run and
 * always exits 0 silently (a non-zero exit or stray output would disturb the agent: Gemini retries on exit 2).
 */
export async function hookCommand(event: string, payloadArg: string | undefined): Promise<number> {
  try {
    const runDir = process.env.LOOP_RUN_DIR;
    const role = RoleSchema.safeParse(process.env.LOOP_ROLE);
    if (!runDir || !role.success || !EVENTS.has(event)) return 0;
    // Codex passes the JSON as the last argument; Claude and Gemini on stdin.
    const raw = payloadArg ?? readFileSync(0, 'utf8');
    const payload = JSON.parse(raw || '{}') as Record<string, unknown>;
    recordSignal(runDir, role.data, parseHookPayload(event, payload));
  } catch {
    // A hook must never fail the agent's turn.
  }
  return 0;
}
