import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Role } from '../bus/message.js';
import { ensureDir } from '../run/fs-atomic.js';
import { agentAreaDir } from '../isolation/agent-area.js';

/** What a harness's own signal says: a turn started (the prompt was submitted), a turn ended, or a session began. */
export type SignalKind = 'turn-start' | 'turn-end' | 'session-start';

/**
 * A harness's own signal (Claude `UserPromptSubmit`/`Stop`, Gemini `BeforeAgent`/`AfterAgent`, Codex `notify`),
 * as `loop hook` records it, already parsed by the harness's adapter.
 */
export interface TurnSignal {
  at: string;
  event: string;
  kind: SignalKind;
  /** The agent's own session id, when the payload carries one. */
  sessionId?: string;
  /** Signals that are not about the agent's main conversation (Codex's title sub-turn). */
  ignored?: string;
  lastMessage?: string;
  /** For a turn start: the loop message ids found in the submitted prompt. */
  ids?: string[];
}

/** Loop message ids (`m-` + 17 base36 characters, see run/ids.ts) found in a prompt, in order, at most 50. */
export function messageIdsIn(text: string): string[] {
  return [...new Set(text.match(/\bm-[0-9a-z]{17}\b/g) ?? [])].slice(0, 50);
}

/** A signal's common fields from a hook payload (`session_id`, `prompt`, `last_assistant_message`). */
export function hookSignal(event: string, kind: SignalKind, payload: Record<string, unknown>, lastMessage?: unknown): TurnSignal {
  const str = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : undefined);
  const prompt = str(payload.prompt);
  const last = str(lastMessage);
  return {
    at: new Date().toISOString(), event, kind,
    ...(str(payload.session_id) ? { sessionId: str(payload.session_id) } : {}),
    ...(last ? { lastMessage: last.slice(0, 500) } : {}),
    ...(prompt !== undefined ? { ids: messageIdsIn(prompt) } : {}),
  };
}

/** In the agent's own area, the one part of the run it may write under the sandbox. */
export const signalsPath = (runDir: string, role: Role) => join(agentAreaDir(runDir, role), 'signals.jsonl');

/** Append a signal for the run's agent in `role` (called by `loop hook` inside the agent's process tree). */
export function recordSignal(runDir: string, role: Role, signal: TurnSignal): void {
  ensureDir(agentAreaDir(runDir, role));
  appendFileSync(signalsPath(runDir, role), `${JSON.stringify(signal)}\n`, { mode: 0o600 });
}

const KINDS = new Set<string>(['turn-start', 'turn-end', 'session-start']);

/** Signals recorded after byte `offset`, and the new offset. Lines that are not signals are skipped. */
export function readSignals(runDir: string, role: Role, offset: number): { signals: TurnSignal[]; offset: number } {
  const path = signalsPath(runDir, role);
  if (!existsSync(path)) return { signals: [], offset };
  const text = readFileSync(path);
  const end = text.lastIndexOf(0x0a) + 1;
  if (end <= offset) return { signals: [], offset };
  const signals = text.subarray(offset, end).toString('utf8').split('\n').filter(Boolean).flatMap((line) => {
    try {
      const signal = JSON.parse(line) as TurnSignal;
      return typeof signal === 'object' && signal !== null && KINDS.has(signal.kind) && typeof signal.event === 'string' ? [signal] : [];
    } catch {
      return []; // a torn or foreign line: the agent may write this file; it is a hint, never a message
    }
  });
  return { signals, offset: end };
}
