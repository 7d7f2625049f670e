import { roleClass, type ReviewerRole, type Role } from '../bus/message.js';
import type { Outgoing } from './effects.js';
import { taskMessage } from './outgoing.js';
import { owing } from './panel-rules.js';
import { planFixText, planReminderText, planReviewSummary, planTaskText, workTaskText } from './plan-prompts.js';
import { firstTaskText } from './prompts.js';
import type { LoopState, PlanState } from './state.js';

// What the plan phase asks of the agents (plan-rules.ts decides when): which agent loop waits for, and the
// messages it sends them. No rule of its own, so the reply and agent rules can use it too.

/** Is the run in its plan phase? */
export const inPlanPhase = (state: LoopState): boolean => state.phase === 'planning' || state.phase === 'plan-review';

/** Does the plan phase wait for this agent: the worker for its plan (unless loop is reading one), a reviewer for the plan review it still owes? */
export const planAwaits = (state: LoopState, role: Role): boolean =>
  role === 'worker' ? state.phase === 'planning' && !state.plan?.pending : owing(state).includes(role);

/** The worker's plan task of the current round (its first, or the one with the findings). */
export const planTask = (state: LoopState, plan: PlanState, prefix = ''): Outgoing =>
  taskMessage(state, `${prefix}${plan.round <= 1 ? planTaskText(state, plan) : planFixText(state, plan)}`, 'plan');

/**
 * A reviewer's plan review request: PLAN.md's text (bounded), its hash and its counts; none when no plan is under
 * review. Every reviewer of a panel gets its own, at once (`to`; default: the first reviewer).
 */
export function planReviewRequest(state: LoopState, plan: PlanState, options: { notice?: string; to?: ReviewerRole } = {}): Outgoing[] {
  const review = plan.review;
  if (!review) return [];
  const { done, total } = review.progress;
  const to = options.to ?? 'reviewer';
  return [{
    to,
    kind: 'review-request',
    payload: {
      subject: 'plan', ...(options.notice ? { notice: options.notice } : {}), summary: planReviewSummary(state, plan, review.summary, to),
      plan: review.excerpt, planHash: review.hash, planProgress: { done, total }, diffStat: '', claims: [],
    },
  }];
}

/** The plan review requests of a round: one to each reviewer that owes its review of the plan (at first: all of them). */
export const planReviewRequests = (state: LoopState, plan: PlanState): Outgoing[] =>
  owing(state).flatMap((to) => planReviewRequest(state, plan, { to }));

/** The reminder for an agent idle in the plan phase: the plan task's reminder, or its plan review request again. */
export function planReminder(state: LoopState, role: Role): Outgoing[] {
  const plan = state.plan;
  if (!plan) return [];
  if (role === 'worker') return [taskMessage(state, planReminderText('worker'), 'plan')];
  return planReviewRequest(state, plan, { notice: planReminderText('reviewer'), to: role });
}

/** What an agent idle in the plan phase owes, for the stall reason. */
export const planOwed = (role: Role): string => (roleClass(role) === 'worker' ? 'sending a plan' : 'sending a review of the plan');

/** The worker's first work task: carry out the accepted plan, or (no plan phase) the task as given. */
export const firstWorkText = (state: LoopState): string =>
  state.plan?.approved ? workTaskText(state, state.plan) : firstTaskText(state);
