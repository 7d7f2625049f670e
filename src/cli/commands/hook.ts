import { readFileSync } from 'node:fs';
import type { HarnessSignals } from '../../agents/card.js';
import { recordSignal } from '../../agents/signals.js';
import { isRole } from '../../bus/roles.js';

/** The signals of the harness an event belongs to (`claude-stop` → the Claude adapter), loaded alone: a hook must be quick. */
async function signalsFor(event: string): Promise<HarnessSignals | undefined> {
  const harness = event.split('-')[0];
  const signals =
    harness === 'claude' ? (await import('../../agents/harness/claude.js')).CLAUDE_SIGNALS
    : harness === 'codex' ? (await import('../../agents/harness/codex.js')).CODEX_SIGNALS
    : harness === 'gemini' ? (await import('../../agents/harness/gemini.js')).GEMINI_SIGNALS
    : undefined;
  return signals?.events.includes(event) ? signals : undefined;
}

/**
 * `loop hook <event> [json]`: run by a harness when a turn starts or ends. Records the signal for the run and
 * always exits 0 silently (a non-zero exit or stray output would disturb the agent: Gemini retries on exit 2,
 * and Claude adds a UserPromptSubmit hook's output to the prompt).
 */
export async function hookCommand(event: string, payloadArg: string | undefined): Promise<number> {
  try {
    const runDir = process.env.LOOP_RUN_DIR;
    const role = process.env.LOOP_ROLE;
    const signals = await signalsFor(event);
    if (!runDir || !isRole(role) || !signals) return 0;
    // Codex passes the JSON as the last argument; Claude and Gemini on stdin.
    const raw = payloadArg ?? readFileSync(0, 'utf8');
    const payload: unknown = JSON.parse(raw || '{}');
    if (typeof payload !== 'object' || payload === null) return 0;
    recordSignal(runDir, role, signals.parse(event, payload as Record<string, unknown>));
  } catch {
    // A hook must never fail the agent's turn.
  }
  return 0;
}
