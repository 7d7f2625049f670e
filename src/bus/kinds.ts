// Plain data about message kinds, without zod: the agent-side fast path (`loop msg`) loads only this.
import type { RoleClass } from './roles.js';

export { defaultAddressee, isRole, roleClass, ROLES, type AgentRole, type RoleClass } from './roles.js';

/** Kinds agents may send, and which role class may send each. Everything else is runner-only. */
export const AGENT_KINDS = {
  note: ['worker', 'reviewer'],
  question: ['worker', 'reviewer'],
  answer: ['worker', 'reviewer'],
  done: ['worker'],
  review: ['reviewer'],
} as const satisfies Record<string, readonly RoleClass[]>;
export type AgentKind = keyof typeof AGENT_KINDS;
export const isAgentKind = (kind: string): kind is AgentKind => Object.hasOwn(AGENT_KINDS, kind);

/** The main text field that `loop msg --text` fills, per agent kind. */
export const TEXT_FIELD: Record<AgentKind, 'text' | 'summary'> = {
  note: 'text',
  question: 'text',
  answer: 'text',
  done: 'summary',
  review: 'summary',
};

/** Message ids: `m-` and 8 to 40 base36 characters. */
export const MESSAGE_ID = /^m-[a-z0-9]{8,40}$/;
