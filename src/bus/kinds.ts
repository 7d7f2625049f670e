// Plain data about message kinds, without zod: the agent-side fast path (`loop msg`) loads only this.
import type { RoleClass } from './roles.js';

export { defaultAddressee, isRole, roleClass, ROLES, type AgentRole, type RoleClass } from './roles.js';

/** Kinds agents may send, and which role class may send each. Everything else is runner-only. */
export const AGENT_KINDS = {
  note: ['worker', 'reviewer'],
  question: ['worker', 'reviewer'],
  answer: ['worker', 'reviewer'],
  plan: ['worker'],
  done: ['worker'],
  review: ['reviewer'],
  usage: ['worker', 'reviewer'],
} as const satisfies Record<string, readonly RoleClass[]>;
export type AgentKind = keyof typeof AGENT_KINDS;
export const isAgentKind = (kind: string): kind is AgentKind => Object.hasOwn(AGENT_KINDS, kind);

/** The main text field that `loop msg --text` fills, per agent kind (`usage` has none). */
export const TEXT_FIELD: Partial<Record<AgentKind, 'text' | 'summary'>> = {
  note: 'text',
  question: 'text',
  answer: 'text',
  plan: 'summary',
  done: 'summary',
  review: 'summary',
};

/** Agent kinds addressed to loop itself (claims and verdicts), never to the other agent. */
export const TO_LOOP: readonly AgentKind[] = ['plan', 'done', 'review', 'usage'];
export const goesToLoop = (kind: string): boolean => (TO_LOOP as readonly string[]).includes(kind);

/** Message ids: `m-` and 8 to 40 base36 characters. */
export const MESSAGE_ID = /^m-[a-z0-9]{8,40}$/;
