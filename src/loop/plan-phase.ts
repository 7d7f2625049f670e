import type { Role } from '../bus/message.js';
import type { Outgoing } from './effects.js';
import { taskMessage } from './outgoing.js';
import { planFixText, planReminderText, planReviewSummary, planTaskText, workTaskText } from './plan-prompts.js';
import { firstTaskText } from './prompts.js';
import type { LoopState, PlanState } from './state.js';

// What the plan phase asks of the agents (plan-rules.ts decides when): which agent loop waits for, and the
// messages it sends them. No rule of its own, so the reply and agent rules can use it too.

/** Is the run in its plan phase? */
export const inPlanPhase = (state: LoopState): boolean => state.phase === 'planning' || state.phase === 'plan-review';

/** Which agent the plan phase waits for: the worker for its plan (unless loop is reading one), the reviewer for its review. */
export const planWaitsFor = (state: LoopState): Role | undefined =>
  state.phase === 'planning' && !state.plan?.pending ? 'worker' : state.phase === 'plan-review' ? 'reviewer' : undefined;

/** The worker's plan task of the current round (its first, or the one with the findings). */
export const planTask = (state: LoopState, plan: PlanState, prefix = ''): Outgoing =>
  taskMessage(state, `${prefix}${plan.round <= 1 ? planTaskText(state, plan) : planFixText(state, plan)}`, 'plan');

/** The reviewer's plan review request: PLAN.md's text (bounded), its hash and its counts; none when no plan is under review. */
export function planReviewRequest(state: LoopState, plan: PlanState, notice?: string): Outgoing[] {
  const review = plan.review;
  if (!review) return [];
  const { done, total } = review.progress;
  return [{
    to: 'reviewer',
    kind: 'review-request',
    payload: {
      subject: 'plan', ...(notice ? { notice } : {}), summary: planReviewSummary(state, plan, review.summary),
      plan: review.excerpt, planHash: review.hash, planProgress: { done, total }, diffStat: '', claims: [],
    },
  }];
}

/** The reminder for an agent idle in the plan phase: the plan task's reminder, or the plan review request again. */
export function planReminder(state: LoopState, role: Role): Outgoing[] {
  const plan = state.plan;
  if (!plan) return [];
  return role === 'worker' ? [taskMessage(state, planReminderText('worker'), 'plan')] : planReviewRequest(state, plan, planReminderText('reviewer'));
}

/** What an agent idle in the plan phase owes, for the stall reason. */
export const planOwed = (role: Role): string => (role === 'worker' ? 'sending a plan' : 'sending a review of the plan');

/** The worker's first work task: carry out the accepted plan, or (no plan phase) the task as given. */
export const firstWorkText = (state: LoopState): string =>
  state.plan?.approved ? workTaskText(state, state.plan) : firstTaskText(state);
