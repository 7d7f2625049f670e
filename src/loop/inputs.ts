import type { AgentEnvelope, Envelope, Receipt, Role, SurfaceChange } from '../bus/message.js';
import type { AgentActivity } from '../pty/types.js';
import type { PlanProgress } from './plan-checklist.js';
import type { PlanFile } from './read-plan.js';

/** What a resumed run knows of one agent before the machine decides whether to give it its request again. */
export interface ResumedAgent {
  role: Role;
  /** Relaunched on its own session (it still holds its conversation). */
  onOwnSession: boolean;
  /** loop's messages for it are still waiting to be delivered (they are typed again). */
  pending: boolean;
}

/** Everything that happens to the pair loop: the machine's inputs (see machine.ts `advance`). */
export type Input =
  | { type: 'start' }
  | { type: 'resumed'; agents: ResumedAgent[] }
  | { type: 'message'; envelope: AgentEnvelope }
  /** A message reached its addressee (typed, on its command line, or already in its session). */
  | { type: 'delivered'; role: Role; envelope: Envelope }
  /** The proof's receipt, with the diff against the run's start and PLAN.md's checklist at the claim. */
  | { type: 'receipt'; receipt: Receipt; diffStat: string; proofSurface?: SurfaceChange[]; plan?: PlanProgress }
  /** PLAN.md as loop read it after a plan claim (effect `read-plan`). */
  | { type: 'plan-read'; file: PlanFile }
  | { type: 'review-requested'; id: string; treeHash: string }
  | { type: 'tree-restored'; files: string[]; fileCount: number; patch: string }
  | { type: 'restore-failed'; reason: string; patch?: string }
  | { type: 'idle-without-reply'; role: Role }
  /** An agent's terminal changed state; `screen` (the last lines) when it waits for a human in a dialog. */
  | { type: 'activity'; role: Role; activity: AgentActivity; screen?: string }
  /** An agent exited on its own; `onOwnSession`: it could be relaunched on its own session. */
  | { type: 'agent-exited'; role: Role; exitCode: number | null; onOwnSession: boolean }
  | { type: 'agent-restarted'; role: Role; onOwnSession: boolean }
  | { type: 'timeout'; what: 'wall-clock' | 'turn'; role?: Role; minutes: number }
  /** An agent's usage was journaled (read from its harness's records, or reported): what it adds to the run's spend. */
  | { type: 'usage'; role: Role; tokens: number; costUsd: number | 'unknown' }
  | { type: 'infra'; reason: string }
  | { type: 'cancel'; reason: string };

export type InputType = Input['type'];
/** The input of one type. */
export type InputOf<T extends InputType> = Extract<Input, { type: T }>;
