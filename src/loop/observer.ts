import type { Envelope, Receipt, Role } from '../bus/message.js';
import type { AgentActivity } from '../pty/types.js';
import type { LoopState } from './state.js';

/** What one role spent: tokens, the known cost in USD, and whether some of it has no known cost. */
export interface RoleSpend {
  tokens: number;
  costUsd: number;
  unknown: boolean;
}

/** What a running loop reports as it goes (rendered as a live screen or plain log lines by the CLI). */
export type RunNotice =
  | {
      type: 'started'; runId: string; runDir: string; resumed: boolean;
      /** Each role's agent, the worker first. */
      agents: Array<{ role: Role; name: string }>;
      /** A resumed run: what each role spent before (from the journal), so a live total goes on from there. */
      spentBefore?: Partial<Record<Role, RoleSpend>>;
    }
  | { type: 'agent'; role: Role; activity: AgentActivity; detail?: string }
  | { type: 'state'; state: LoopState }
  | { type: 'message'; envelope: Envelope; delivered: boolean }
  | { type: 'refused'; from: Role; kind: string; reasons: string[] }
  | { type: 'proof-start'; commands: string[] }
  | { type: 'proof-step'; command: string; position: number }
  | { type: 'proof-done'; receipt: Receipt }
  /** An agent's usage was journaled: tokens and cost it added (`unknown`: see the reason). */
  | { type: 'usage'; role: Role; tokens: number; costUsd: number | 'unknown'; unknown?: string }
  | { type: 'warning'; text: string }
  | { type: 'info'; text: string }
  | { type: 'finished'; exitCode: number; reason: string; runDir: string };

export type Observer = (notice: RunNotice) => void;
