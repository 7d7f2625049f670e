import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Role } from '../bus/message.js';
import { ensureDir } from '../run/fs-atomic.js';
import { agentAreaDir } from '../isolation/agent-area.js';

/** A harness's own turn-end signal (Claude `Stop`, Codex `notify`, Gemini `AfterAgent`), as `loop hook` records it. */
export interface TurnSignal {
  at: string;
  event: string;
  /** The agent's own session id, when the payload carries one. */
  sessionId?: string;
  /** Signals that are not about the agent's main conversation (Codex's title sub-turn). */
  ignored?: string;
  lastMessage?: string;
}

/** In the agent's own area, the one part of the run it may write under the sandbox. */
export const signalsPath = (runDir: string, role: Role) => join(agentAreaDir(runDir, role), 'signals.jsonl');

const str = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** Normalise a hook payload into a turn signal. */
export function parseHookPayload(event: string, payload: Record<string, unknown>): TurnSignal {
  const at = new Date().toISOString();
  if (event === 'codex-notify') {
    const inputs = Array.isArray(payload['input-messages']) ? (payload['input-messages'] as unknown[]) : [];
    // Why: codex 0.169 also notifies for its title-generation sub-turn, on another thread (FINDINGS §3).
    const title = typeof inputs[0] === 'string' && inputs[0].startsWith('Generate a concise, single-line task title');
    return {
      at, event, sessionId: str(payload['thread-id']), lastMessage: str(payload['last-assistant-message'])?.slice(0, 500),
      ...(title ? { ignored: 'title sub-turn' } : {}),
    };
  }
  return { at, event, sessionId: str(payload.session_id), lastMessage: str(payload.last_assistant_message ?? payload.prompt_response)?.slice(0, 500) };
}

/** Append a signal for the run's agent in `role` (called by `loop hook` inside the agent's process tree). */
export function recordSignal(runDir: string, role: Role, signal: TurnSignal): void {
  ensureDir(agentAreaDir(runDir, role));
  appendFileSync(signalsPath(runDir, role), `${JSON.stringify(signal)}\n`, { mode: 0o600 });
}

/** Signals recorded after byte `offset`, and the new offset. */
export function readSignals(runDir: string, role: Role, offset: number): { signals: TurnSignal[]; offset: number } {
  const path = signalsPath(runDir, role);
  if (!existsSync(path)) return { signals: [], offset };
  const text = readFileSync(path);
  const end = text.lastIndexOf(0x0a) + 1;
  if (end <= offset) return { signals: [], offset };
  const signals = text.subarray(offset, end).toString('utf8').split('\n').filter(Boolean).flatMap((line) => {
    try {
      return [JSON.parse(line) as TurnSignal];
    } catch {
      return [];
    }
  });
  return { signals, offset: end };
}
