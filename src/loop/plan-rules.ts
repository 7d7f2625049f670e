import type { Envelope, Payload, Role } from '../bus/message.js';
import { ExitCode } from '../errors.js';
import { finish, nack, step, taskMessage, type Outgoing, type Step } from './effects.js';
import { checkedItems, parseChecklist, type PlanProgress } from './plan-checklist.js';
import { firstTaskText } from './prompts.js';
import {
  PLAN_FIX_HINT, planExcerpt, planFixText, planReminderText, planReviewSummary, planTaskText, workTaskText,
} from './plan-prompts.js';
import type { PlanFile } from './read-plan.js';
import type { LoopState, PlanState } from './state.js';

// The plan phase (config `plan`), pure: the worker writes PLAN.md and sends `plan`; loop reads it (effect
// `readPlan`, answered by a `plan-read` input); a plan without a checklist gets a nack; with `review` the
// reviewer gets a plan review request, and its `changes` go back to the worker as a plan task, up to
// `maxPlanRounds`; once the plan is accepted the worker gets its work task and `plan.approved` is journaled.

/** Is the run in its plan phase? */
export const inPlanPhase = (state: LoopState): boolean => state.phase === 'planning' || state.phase === 'plan-review';

/** Which agent loop waits for in the plan phase. */
export const planWaitsFor = (state: LoopState): Role | undefined =>
  state.phase === 'planning' && !state.plan?.pending ? 'worker' : state.phase === 'plan-review' ? 'reviewer' : undefined;

const noReminders = { worker: 0, reviewer: 0 };

/** The plan state without a pending claim and a plan under review (left out, not set to undefined: it is journaled). */
const settled = ({ pending: _pending, review: _review, ...plan }: PlanState): PlanState => plan;

const planTask = (state: LoopState, plan: PlanState, prefix = ''): Outgoing =>
  taskMessage(state, `${prefix}${plan.round <= 1 ? planTaskText(state, plan) : planFixText(state, plan)}`, 'plan');

function planReviewRequest(state: LoopState, plan: PlanState, notice?: string): Outgoing[] {
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

/** The run starts with the plan phase (undefined when `plan` is off). */
export function startPlan(state: LoopState): Step | undefined {
  if (!state.plan) return undefined;
  const plan: PlanState = { ...state.plan, round: 1 };
  const next: LoopState = { ...state, phase: 'planning', iteration: 1, plan };
  return step(next, { send: [planTask(next, plan)] });
}

/** The worker's `plan`: read PLAN.md now; outside the plan phase it is refused with what to do instead. */
export function onPlanMessage(state: LoopState, envelope: Envelope): Step {
  const plan = state.plan;
  if (!plan) return step(state, { send: [nack(envelope, 'plan ignored: this run has no plan phase (plan: off); keep PLAN.md up to date and send done when the work is complete')] });
  if (state.phase === 'plan-review') return step(state, { send: [nack(envelope, `plan ignored: the plan is under review (round ${plan.round} of ${plan.maxRounds}); wait for the verdict`)] });
  if (state.phase !== 'planning') {
    return step(state, { send: [nack(envelope, `plan ignored: the plan phase is over (loop is ${state.phase}, iteration ${state.iteration}); keep PLAN.md up to date, check off its items, and send done when the work is complete`)] });
  }
  const { summary } = envelope.payload as Payload<'plan'>;
  return step({ ...state, plan: { ...plan, pending: { id: envelope.id, summary } }, reminders: noReminders }, { readPlan: true });
}

/** A `done` (or a review nobody asked for) in the plan phase. */
export function onDoneInPlanPhase(state: LoopState, envelope: Envelope): Step {
  const what = state.phase === 'planning' ? 'send your plan first: loop msg plan --text "<summary>"' : 'the plan is under review';
  return step(state, { send: [nack(envelope, `done ignored: loop is in the plan phase (${state.phase}); ${what}`)] });
}

/** What loop read of PLAN.md after a plan claim: refuse it (nack), or take it to review, or (with `write`) to work. */
export function onPlanRead(state: LoopState, file: PlanFile): Step {
  const plan = state.plan;
  const pending = plan?.pending;
  if (state.phase !== 'planning' || !plan || !pending) return step(state);
  const cleared: LoopState = { ...state, plan: settled(plan) };
  const refuse = (reason: string) =>
    step(cleared, { send: [{ to: 'worker', kind: 'nack', payload: { reason: `plan ${pending.id} not accepted: ${reason}`, errors: [PLAN_FIX_HINT] }, replyTo: pending.id }] });
  if ('problem' in file) return refuse(file.problem);
  const progress = parseChecklist(file.text);
  if (progress.total === 0) return refuse('PLAN.md has no checklist item ("- [ ] step")');
  const read: LoopState = { ...cleared, checklist: { progress, seen: checkedItems(progress), checkedOff: [] } };
  if (plan.mode === 'write') return acceptPlan(read, file.hash, progress, false);
  const review = { hash: file.hash, excerpt: planExcerpt(file.text), summary: pending.summary, progress };
  const next: LoopState = { ...read, phase: 'plan-review', plan: { ...settled(plan), review } };
  return step(next, { send: planReviewRequest(next, next.plan!) });
}

/** The plan is accepted (approved, or written with `write`): the work task, and `plan.approved` in the journal. */
function acceptPlan(state: LoopState, hash: string, progress: PlanProgress, reviewed: boolean): Step {
  const plan = state.plan!;
  const approved = { hash, round: plan.round, reviewed };
  const next: LoopState = { ...state, phase: 'working', plan: { ...settled(plan), approved }, reminders: noReminders };
  return step(next, {
    send: [taskMessage(next, workTaskText(next, next.plan!), 'work')],
    record: [{ type: 'plan.approved', hash, round: plan.round, reviewed, done: progress.done, total: progress.total }],
  });
}

/** The reviewer's verdict on the plan: approve → work; otherwise another plan round, or exit 1 past `maxPlanRounds`. */
export function onPlanReview(state: LoopState, envelope: Envelope): Step {
  const plan = state.plan!;
  const review = plan.review;
  const payload = envelope.payload as Payload<'review'>;
  if (!review) return step(state);
  if (payload.verdict === 'approve') return acceptPlan(state, review.hash, review.progress, true);
  const lastReview = { verdict: payload.verdict, summary: payload.summary, findings: payload.findings };
  const what = payload.verdict === 'changes' ? 'the reviewer requested changes' : 'the reviewer could not review it';
  if (plan.round >= plan.maxRounds) {
    return finish({ ...state, plan: { ...plan, lastReview } }, ExitCode.notProven,
      `plan not approved after ${plan.round} round(s): ${what} (raise maxPlanRounds to allow more)`);
  }
  const nextPlan: PlanState = { ...settled(plan), round: plan.round + 1, lastReview };
  const next: LoopState = { ...state, phase: 'planning', plan: nextPlan, reminders: noReminders };
  return step(next, { send: [planTask(next, nextPlan)] });
}

/** An agent went idle in the plan phase without the reply loop waits for: a reminder, or stalled after two. */
export function onPlanIdle(state: LoopState, role: Role): Step {
  const plan = state.plan;
  if (!plan || planWaitsFor(state) !== role) return step(state);
  const count = state.reminders[role] + 1;
  const next: LoopState = { ...state, reminders: { ...state.reminders, [role]: count } };
  if (count > 2) {
    const what = role === 'worker' ? 'a plan' : 'a review of the plan';
    return finish(next, ExitCode.stalled, `stalled: the ${role} went idle ${count} times without sending ${what}`);
  }
  if (role === 'worker') return step(next, { send: [taskMessage(next, planReminderText('worker'), 'plan')] });
  return step(next, { send: planReviewRequest(next, plan, planReminderText('reviewer')) });
}

/** Send an agent that lost its context the plan-phase request it owes an answer to. */
export function reissuePlan(state: LoopState, role: Role): Step {
  const plan = state.plan;
  if (!plan) return step(state);
  if (role === 'worker' && state.phase === 'planning' && !plan.pending) return step(state, { send: [planTask(state, plan, '(loop restarted; this is your current task)\n')] });
  if (role === 'reviewer' && state.phase === 'plan-review') return step(state, { send: planReviewRequest(state, plan) });
  return step(state);
}

/** A resumed run in its plan phase: read a plan claim's PLAN.md again, or reissue what an agent owes. */
export function resumePlan(state: LoopState, reissue: Record<Role, boolean>): Step {
  if (state.phase === 'planning' && state.plan?.pending) return step(state, { readPlan: true });
  const role: Role = state.phase === 'planning' ? 'worker' : 'reviewer';
  return reissue[role] ? reissuePlan(state, role) : step(state);
}

/** The worker's first work task: carry out the accepted plan, or (no plan phase) the task as given. */
export const firstWorkText = (state: LoopState): string =>
  state.plan?.approved ? workTaskText(state, state.plan) : firstTaskText(state);

/** A done claim's PLAN.md checklist: recorded, with the items checked off since the last review. */
export function recordChecklist(state: LoopState, progress: PlanProgress | undefined): LoopState {
  if (!progress) return { ...state, checklist: undefined };
  const seen = state.checklist?.seen ?? [];
  const checked = checkedItems(progress);
  return { ...state, checklist: { progress, seen, checkedOff: checked.filter((item) => !seen.includes(item)) } };
}

/** A review arrived: what is checked now counts as seen by the reviewer. */
export function checklistReviewed(state: LoopState): LoopState {
  const checklist = state.checklist;
  return checklist ? { ...state, checklist: { ...checklist, seen: checkedItems(checklist.progress) } } : state;
}
