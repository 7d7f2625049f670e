import type { AgentEnvelope, EnvelopeOf, ReviewerRole, Role } from '../bus/message.js';
import { ExitCode } from '../errors.js';
import { cancelTimer, finish, prepend, readPlan, record, send, step, type Step } from './effects.js';
import { nack, taskMessage } from './outgoing.js';
import { checkedItems, parseChecklist, type PlanProgress } from './plan-checklist.js';
import { mergedReview, owing, panelNotAccepted, policyOf, reviewersOf, tally } from './panel-rules.js';
import { planReviewRequest, planReviewRequests, planTask } from './plan-phase.js';
import { PLAN_FIX_HINT, planExcerpt, workTaskText } from './plan-prompts.js';
import { proofSection } from '../proof/plan-proof-section.js';
import type { PlanFile } from './read-plan.js';
import { withoutQuestionsOf } from './reply-rules.js';
import type { LoopState, PlanState, RoundReview } from './state.js';

// The plan phase (config `plan`), pure: the worker writes PLAN.md and sends `plan`; loop reads it (effect
// `read-plan`, answered by a `plan-read` input); a plan without a checklist gets a nack; with `review` the
// reviewer gets a plan review request, and its `changes` go back to the worker as a plan task, up to
// `maxPlanRounds`; once the plan is accepted the worker gets its work task and `plan.approved` is journaled.

/** A longer proof section is not kept: PLAN.md's proof section is then compared with the base tree's, as without a plan phase. */
export const PROOF_SECTION_MAX = 4000;

/** The plan state without a pending claim and a plan under review (left out, not set to undefined: it is journaled). */
const settled = ({ pending: _pending, review: _review, ...plan }: PlanState): PlanState => plan;

/** The run starts with the plan phase (undefined when `plan` is off). */
export function startPlan(state: LoopState): Step | undefined {
  if (!state.plan) return undefined;
  const plan: PlanState = { ...state.plan, round: 1 };
  const next: LoopState = { ...state, phase: 'planning', iteration: 1, plan };
  return step(next, ...send(planTask(next, plan)));
}

/** The worker's `plan`: read PLAN.md now; outside the plan phase it is refused with what to do instead. */
export function onPlanMessage(state: LoopState, envelope: EnvelopeOf<'plan'> & AgentEnvelope): Step {
  const plan = state.plan;
  if (!plan) return step(state, ...send(nack(envelope, 'plan ignored: this run has no plan phase (plan: off); keep PLAN.md up to date and send done when the work is complete')));
  if (state.phase === 'plan-review') return step(state, ...send(nack(envelope, `plan ignored: the plan is under review (round ${plan.round} of ${plan.maxRounds}); wait for the verdict`)));
  if (state.phase !== 'planning') {
    return step(state, ...send(nack(envelope, `plan ignored: the plan phase is over (loop is ${state.phase}, iteration ${state.iteration}); keep PLAN.md up to date, check off its items, and send done when the work is complete`)));
  }
  const next: LoopState = { ...withoutQuestionsOf(state, envelope.from), plan: { ...plan, pending: { id: envelope.id, summary: envelope.payload.summary } }, reminders: {} };
  return step(next, cancelTimer(`turn:${envelope.from}`), readPlan());
}

/** A `done` in the plan phase: refused, saying what loop waits for. */
export function onDoneInPlanPhase(state: LoopState, envelope: AgentEnvelope): Step {
  const what = state.phase === 'planning' ? 'send your plan first: loop msg plan --text "<summary>"' : 'the plan is under review';
  return step(state, ...send(nack(envelope, `done ignored: loop is in the plan phase (${state.phase}); ${what}`)));
}

/** What loop read of PLAN.md after a plan claim: refuse it (nack), or take it to review, or (with `write`) to work. */
export function onPlanRead(state: LoopState, file: PlanFile): Step {
  const plan = state.plan;
  const pending = plan?.pending;
  if (state.phase !== 'planning' || !plan || !pending) return step(state);
  const cleared: LoopState = { ...state, plan: settled(plan) };
  const refuse = (reason: string) =>
    step(cleared, ...send({ to: 'worker', kind: 'nack', payload: { reason: `plan ${pending.id} not accepted: ${reason}`, errors: [PLAN_FIX_HINT] }, replyTo: pending.id }));
  if ('problem' in file) return refuse(file.problem);
  const progress = parseChecklist(file.text);
  if (progress.total === 0) return refuse('PLAN.md has no checklist item ("- [ ] step")');
  const read: LoopState = { ...cleared, checklist: { progress, seen: checkedItems(progress), checkedOff: [] } };
  if (plan.mode === 'write') return acceptPlan(read, file.hash, progress);
  const proof = proofSection(file.text);
  const review = { hash: file.hash, excerpt: planExcerpt(file.text), summary: pending.summary, progress, ...(proof.length <= PROOF_SECTION_MAX ? { proofSection: proof } : {}) };
  const underReview: PlanState = { ...settled(plan), review };
  const next: LoopState = { ...read, phase: 'plan-review', plan: underReview, round: [] };
  return step(next, ...send(...planReviewRequests(next, underReview)));
}

/**
 * The plan is accepted: approved by the reviewer (`reviewed`, with the proof section it saw), or written with `write`.
 * The work task follows, and `plan.approved` in the journal.
 */
function acceptPlan(state: LoopState, hash: string, progress: PlanProgress, reviewed?: { proofSection?: string }): Step {
  const plan = state.plan!;
  const approved = { hash, round: plan.round, reviewed: reviewed !== undefined, ...(reviewed?.proofSection !== undefined ? { proofSection: reviewed.proofSection } : {}) };
  const accepted: PlanState = { ...settled(plan), approved };
  const next: LoopState = { ...state, phase: 'working', plan: accepted, reminders: {} };
  return step(next,
    ...send(taskMessage(next, workTaskText(next, accepted), 'work')),
    record('plan.approved', { hash, round: plan.round, reviewed: approved.reviewed, done: progress.done, total: progress.total }));
}

/** A reviewer's verdict on the plan: its part of the round (a panel's reviewers each give one), then the round's tally. */
export function onPlanReview(state: LoopState, envelope: EnvelopeOf<'review'> & AgentEnvelope): Step {
  const plan = state.plan;
  if (!plan?.review) return step(state);
  const role = envelope.from as ReviewerRole;
  const waiting = owing(state);
  if (!waiting.includes(role)) {
    return step(state, ...send(nack(envelope, `review ignored: your review of the plan (round ${plan.round}) is already in; loop waits for ${waiting.join(', ')}`)));
  }
  const { payload } = envelope;
  const given: RoundReview = { role, id: envelope.id, verdict: payload.verdict, summary: payload.summary, findings: payload.findings, counts: payload.verdict === 'approve' };
  const round = [...(state.round ?? []).filter((r) => r.role !== role), given];
  const reviewed: LoopState = { ...withoutQuestionsOf(state, role), round, reminders: { ...state.reminders, [role]: 0 } };
  return prepend(decidePlanRound(reviewed), cancelTimer(`turn:${role}`));
}

/**
 * Tally the plan round by the panel's policy (panel-rules.ts; one reviewer: its verdict): approved → work; pending →
 * wait for the other reviewers; otherwise the merged findings (agreed ones first) go back to the worker as another
 * plan round, or the run stops (exit 1) past `maxPlanRounds`. Reviewers still at it when the round closes are not waited for.
 */
function decidePlanRound(state: LoopState): Step {
  const plan = state.plan!;
  const review = plan.review!;
  const round = state.round ?? [];
  const outcome = tally(policyOf(state), reviewersOf(state), round);
  if (outcome === 'pending') return step(state);
  const late = owing(state).map((role) => cancelTimer(`turn:${role}`));
  const closed: LoopState = { ...state, round: [] };
  if (outcome === 'approved') {
    return prepend(acceptPlan(closed, review.hash, review.progress, { ...(review.proofSection !== undefined ? { proofSection: review.proofSection } : {}) }), ...late);
  }
  const { verdict, summary, findings, panel } = mergedReview(state, round);
  const lastReview = { verdict, summary, findings, ...(panel ? { panel } : {}) };
  if (plan.round >= plan.maxRounds) {
    const what = panel ? panelNotAccepted(panel) : verdict === 'cannot-review' ? 'the reviewer could not review it' : 'the reviewer requested changes';
    return finish({ ...closed, plan: { ...plan, lastReview } }, ExitCode.notProven, `plan not approved after ${plan.round} round(s): ${what} (raise maxPlanRounds to allow more)`);
  }
  const nextPlan: PlanState = { ...settled(plan), round: plan.round + 1, lastReview };
  const next: LoopState = { ...closed, phase: 'planning', plan: nextPlan, reminders: {} };
  return step(next, ...send(planTask(next, nextPlan)));
}

/** Give an agent that lost its context (relaunched without its own session) the plan-phase request it owes an answer to. */
export function reissuePlan(state: LoopState, role: Role): Step {
  const plan = state.plan;
  if (!plan) return step(state);
  if (role === 'worker') return state.phase === 'planning' && !plan.pending ? step(state, ...send(planTask(state, plan, '(loop restarted; this is your current task)\n'))) : step(state);
  return owing(state).includes(role) ? step(state, ...send(...planReviewRequest(state, plan, { to: role }))) : step(state);
}

/** A plan claim loop had not finished reading when the run stopped: read PLAN.md again on resume. */
export const planReadOwed = (state: LoopState): boolean => state.phase === 'planning' && state.plan?.pending !== undefined;

/** A done claim's PLAN.md checklist: recorded, with the items checked off since the last review. */
export function recordChecklist(state: LoopState, progress: PlanProgress | undefined): LoopState {
  if (!progress) {
    const { checklist: _checklist, ...without } = state;
    return without;
  }
  const seen = state.checklist?.seen ?? [];
  const checked = checkedItems(progress);
  return { ...state, checklist: { progress, seen, checkedOff: checked.filter((item) => !seen.includes(item)) } };
}

/** A review arrived: what is checked now counts as seen by the reviewer. */
export function checklistReviewed(state: LoopState): LoopState {
  const checklist = state.checklist;
  return checklist ? { ...state, checklist: { ...checklist, seen: checkedItems(checklist.progress) } } : state;
}
