import { PLAN_EXCERPT_MAX, type ReviewerRole } from '../bus/message.js';
import { hasPanel, panelNotAccepted } from './panel-rules.js';
import { findingLines, PANEL_QUESTIONS, panelOf, reviewedBy, reviewerIntro, verdictsLine } from './prompts.js';
import type { LoopState, PlanState } from './state.js';

// The texts of the plan phase: the worker's plan tasks, its work task once the plan is accepted, the reviewer's
// plan review. The markers PLAN PHASE and PLAN REVIEW start a line of their own (scripted agents match them).

const bounded = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}…` : text);

const proofLine = (proof: string[]) =>
  proof.length > 0 ? `loop will then run the proof itself: ${proof.map((c) => `\`${c}\``).join(', ')}.` : 'No proof commands are configured.';

const howToSend = 'When PLAN.md is ready, send: loop msg plan --text "<one-line summary of the plan>". Do not change any other file yet.';

function whatToWrite(plan: PlanState): string {
  const adopt = plan.given
    ? ` A plan is given (${plan.given}): adopt it in PLAN.md — keep its steps and what is already checked, add what is missing; do not start over.`
    : '';
  return `Write PLAN.md at the repository root: a Markdown checklist of the steps (one "- [ ] step" per line), and state the proof: how the work will be shown to be correct.${adopt}`;
}

/** The first plan task: write (or adopt) PLAN.md before any code. */
export function planTaskText(state: LoopState, plan: PlanState): string {
  const panel = hasPanel(state);
  const next = plan.mode === 'write' ? 'Then you carry it out.' : `${panel ? panelOf(state) : 'The reviewer'} reviews the plan before you write any code.`;
  return [
    state.task,
    '',
    `You are the WORKER of a loop run (iteration 1 of ${state.maxIterations}).`,
    `PLAN PHASE: ${whatToWrite(plan)}`,
    `${howToSend} ${next}`,
    panel ? PANEL_QUESTIONS : 'Questions for the reviewer: loop msg question --text "…".',
  ].join('\n');
}

/** A plan task after the reviewer asked for changes to the plan: its findings. */
export function planFixText(state: LoopState, plan: PlanState): string {
  const review = plan.lastReview;
  const why = review?.panel
    ? panelNotAccepted(review.panel)
    : `the reviewer did not approve the plan (${review?.verdict === 'cannot-review' ? 'it could not review it' : 'changes requested'})`;
  const lines = [
    `Plan round ${plan.round} of ${plan.maxRounds}: ${why}.`,
    `PLAN PHASE: update PLAN.md (a Markdown checklist of the steps, with the proof). ${howToSend}`,
    `Original task: ${bounded(state.task, 600)}`,
  ];
  if (review?.panel) lines.push('', `Reviewers' verdicts: ${verdictsLine(review.panel)}.`, review.summary);
  else if (review) lines.push('', `Reviewer: ${review.summary}`);
  if (review) lines.push(...findingLines(review.findings));
  return lines.join('\n');
}

/** The work task once the plan is accepted: carry out PLAN.md, checking off its items. */
export function workTaskText(state: LoopState, plan: PlanState): string {
  const approved = plan.approved;
  const how = approved?.reviewed ? (hasPanel(state) ? 'The reviewers approved your plan' : 'The reviewer approved your plan') : 'Your plan is recorded';
  return [
    `${how} (PLAN.md, sha256 ${approved?.hash.slice(0, 12) ?? '?'}).`,
    `You are the WORKER of a loop run (iteration ${state.iteration} of ${state.maxIterations}): carry out PLAN.md now. Check off each item (- [x]) as you finish it; keep the plan up to date.`,
    `When the work is complete, send: loop msg done --text "<what you changed>". ${proofLine(state.proof)}`,
    reviewedBy(state),
    `Task: ${bounded(state.task, 1500)}`,
  ].join('\n');
}

/** The plan review request's summary: what to review and how. */
export function planReviewSummary(state: LoopState, plan: PlanState, workerSummary: string, role: ReviewerRole = 'reviewer'): string {
  return [
    `${reviewerIntro(state, role, 'plan')} (plan round ${plan.round} of ${plan.maxRounds}).`,
    'PLAN REVIEW: the worker wrote PLAN.md (below) before writing any code. Are its steps right and complete for the task, and does the stated proof show that the work is correct? Do not edit files.',
    'Approve the plan, or request changes with findings; cannot-review counts as changes.',
    `Task: ${bounded(state.task, 1500)}`,
    `Worker's summary: ${workerSummary}`,
  ].join('\n');
}

/** PLAN.md as the reviewer is sent it: at most PLAN_EXCERPT_MAX characters, with how much was left out. */
export function planExcerpt(text: string): string {
  if (text.length <= PLAN_EXCERPT_MAX) return text;
  const note = `\n… (${text.length} characters in all: read PLAN.md for the rest)`;
  return `${text.slice(0, PLAN_EXCERPT_MAX - note.length)}${note}`;
}

/** Reminders for an agent that went idle in the plan phase without the reply loop waits for. */
export function planReminderText(role: 'worker' | 'reviewer'): string {
  return role === 'worker'
    ? 'Reminder: loop is waiting for your plan. Write PLAN.md (a Markdown checklist of the steps, with the proof), then send: loop msg plan --text "<summary>". Your task: loop inbox --all'
    : 'Reminder: loop is waiting for your review of the plan. Send: loop msg review --json \'{"verdict":"approve|changes|cannot-review","summary":"…","findings":[]}\'';
}

/** Why a plan claim was not taken to review, and what to do. */
export const PLAN_FIX_HINT = 'write PLAN.md at the repository root as a Markdown checklist ("- [ ] step" lines) stating the proof, then send: loop msg plan --text "<summary>"';
