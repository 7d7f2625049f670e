// The agent roles of a run, without zod (the agent-side fast path and `loop hook` load this).

/** At most this many reviewers in a panel (config `reviewers`). */
export const MAX_REVIEWERS = 5;

/**
 * The agent roles: the worker, and the reviewers of a panel (`reviewer`, `reviewer-2`, … up to MAX_REVIEWERS).
 * A run has the worker and at least `reviewer`; RoleSchema in message.ts is the same list.
 */
export const ROLES = ['worker', 'reviewer', 'reviewer-2', 'reviewer-3', 'reviewer-4', 'reviewer-5'] as const;
export type AgentRole = (typeof ROLES)[number];
/** A reviewer role (`reviewer`, `reviewer-2`, …). */
export type ReviewerRole = Exclude<AgentRole, 'worker'>;
/** The roles every run has. */
export type BaseRole = 'worker' | 'reviewer';

/** What a role does: the worker changes the code; every reviewer of a panel reviews. */
export type RoleClass = 'worker' | 'reviewer';
export const roleClass = (role: AgentRole): RoleClass => (role === 'worker' ? 'worker' : 'reviewer');
export const isRole = (text: unknown): text is AgentRole => typeof text === 'string' && (ROLES as readonly string[]).includes(text);
export const isReviewer = (role: AgentRole | 'loop'): role is ReviewerRole => role !== 'worker' && role !== 'loop';

/** The reviewer roles of a panel of `count`: `reviewer`, `reviewer-2`, … */
export const reviewerRoles = (count: number): ReviewerRole[] =>
  ROLES.filter((role): role is ReviewerRole => role !== 'worker').slice(0, Math.max(1, Math.min(count, MAX_REVIEWERS)));

/** A value per role of a run: the worker's and the first reviewer's always, the panel's other reviewers' when it has them. */
export type RoleMap<T> = { [R in BaseRole]: T } & { [R in Exclude<ReviewerRole, 'reviewer'>]?: T };

/** Where an agent's note, question or answer goes when it names no addressee: the worker's to the (first) reviewer, a reviewer's to the worker. */
export const defaultAddressee = (role: AgentRole): AgentRole => (role === 'worker' ? 'reviewer' : 'worker');

/** The roles a per-role record holds (a manifest's `roles`), in role order. */
export const rolesIn = (record: Partial<Record<AgentRole, unknown>>): AgentRole[] => ROLES.filter((role) => record[role] !== undefined);
