import { findingLine } from '../bus/render.js';
import type { Finding, ProofStep, ReviewerRole, Role } from '../bus/message.js';
import type { MergedFinding } from './panel-findings.js';
import { hasPanel, policyOf, policyText, reviewersOf } from './panel-rules.js';
import type { LoopState, PanelOutcome, SurfaceState } from './state.js';

const proofLine = (proof: string[]) =>
  proof.length > 0 ? `loop will then run the proof itself: ${proof.map((c) => `\`${c}\``).join(', ')}.` : 'No proof commands are configured.';

/** The first task given to the worker. */
export function firstTaskText(state: LoopState): string {
  return [
    state.task,
    '',
    `You are the WORKER of a loop run (iteration 1 of ${state.maxIterations}). Keep PLAN.md at the repository root as a short checklist of the steps and the proof.`,
    `When the work is complete, send: loop msg done --text "<what you changed>". ${proofLine(state.proof)}`,
    reviewedBy(state),
  ].join('\n');
}

/** Who reviews the worker's change (the first task, the work task after the plan phase): the reviewer, or a panel. */
export const reviewedBy = (state: LoopState): string =>
  hasPanel(state)
    ? `${panelOf(state)} then reviews your change. ${PANEL_QUESTIONS}`
    : 'A reviewer then reviews your change. Questions for the reviewer: loop msg question --text "…".';

/** A panel in words, for the worker: `A panel of 2 reviewers (reviewer, reviewer-2; all: every reviewer must approve)`. */
export const panelOf = (state: LoopState): string =>
  `A panel of ${reviewersOf(state).length} reviewers (${reviewersOf(state).join(', ')}; ${policyText(policyOf(state), reviewersOf(state).length)})`;

/** How the worker asks a panel's reviewers a question. */
export const PANEL_QUESTIONS = 'Questions for a reviewer: loop msg question --to reviewer-2 --text "…" (default: reviewer).';

/** A panel's verdicts in one line, for the worker's task: `reviewer approve, reviewer-2 changes (not counted: …)`. */
export const verdictsLine = (panel: PanelOutcome): string =>
  panel.verdicts.map((v) => `${v.role} ${v.verdict ?? 'no review'}${v.notCounted ? ` (not counted: ${v.notCounted})` : ''}`).join(', ');

/** The findings of a merged review for the worker's task, agreed ones first (said so); none: nothing. */
export function findingLines(findings: readonly MergedFinding[]): string[] {
  if (findings.length === 0) return [];
  const agreed = findings.filter((f) => f.agreedBy).length;
  return [agreed > 0 ? `Findings (the first ${agreed} agreed by several reviewers):` : 'Findings:', ...findings.map(taskFindingLine)];
}

/** A finding of the worker's task: with a panel, who raised it, and who agreed. */
const taskFindingLine = (f: MergedFinding) =>
  `${findingLine(f)}${f.agreedBy ? ` [agreed by ${f.agreedBy.join(', ')}]` : f.raisedBy ? ` [${f.raisedBy.join(', ')}]` : ''}`;

const failingStep = (step: ProofStep) =>
  `- \`${step.command}\` ${step.timedOut ? 'timed out' : `exited ${step.exitCode}`}:\n${step.outputTail.trim().split('\n').slice(-15).map((l) => `    ${l}`).join('\n')}`;

/** The task for the next iteration: what to fix, from the review and the proof. */
export function fixTaskText(state: LoopState, reason: string): string {
  const review = state.lastReview;
  const findings: MergedFinding[] = review?.findings ?? [];
  const failing = state.lastProof?.receipt.steps.filter((s) => s.exitCode !== 0) ?? [];
  const lines = [
    `Iteration ${state.iteration} of ${state.maxIterations}: the previous attempt was not accepted (${reason}).`,
    `Original task: ${state.task.length > 600 ? `${state.task.slice(0, 600)}…` : state.task}`,
  ];
  if (review?.panel) {
    lines.push('', `Reviewers' verdicts (panel ${policyText(review.panel.policy, review.panel.verdicts.length)}): ${verdictsLine(review.panel)}.`, review.summary);
  } else if (review) lines.push('', `Reviewer verdict: ${review.verdict}${review.notCounted ? ` (not counted: ${review.notCounted})` : ''}. ${review.summary}`);
  lines.push(...findingLines(findings));
  if (failing.length > 0) lines.push('', 'Failing proof steps:', ...failing.map(failingStep));
  lines.push('', 'Fix these, update PLAN.md, then send: loop msg done --text "<what you changed>".');
  return lines.join('\n');
}

/** A reminder for an agent that went idle without the reply loop is waiting for. */
export function reminderText(role: Role, state: LoopState): string {
  return role === 'worker'
    ? `Reminder (iteration ${state.iteration}/${state.maxIterations}): loop is waiting for your done claim. When the task is complete send: loop msg done --text "<what you changed>". Your task: loop inbox --all`
    : 'Reminder: loop is waiting for your review. Send: loop msg review --json \'{"verdict":"approve|changes|cannot-review","summary":"…","findings":[]}\'';
}

/** A reminder for an agent that owes the answer to a question. */
export function answerReminderText(question: { id: string; from: string }): string {
  return `Reminder: the ${question.from} is waiting for your answer to its question ${question.id} (read it: loop inbox --all). Answer: loop msg answer --reply-to ${question.id} --text "…"`;
}

/** Who a reviewer is, for its review request: the reviewer, or one of a panel (the others review the same change or plan, on their own). */
export function reviewerIntro(state: LoopState, role: ReviewerRole, what: 'change' | 'plan' = 'change'): string {
  if (!hasPanel(state)) return 'You are the REVIEWER of a loop run';
  const reviewers = reviewersOf(state);
  return `You are the REVIEWER ${role}, one of a panel of ${reviewers.length} (${reviewers.join(', ')}; ${policyText(policyOf(state), reviewers.length)}) reviewing the same ${what} on their own, in a loop run`;
}

/** The review request's summary: the task and the worker's claim, never the worker's reasoning. */
export function reviewSummary(state: LoopState, role: ReviewerRole = 'reviewer'): string {
  const task = state.task.length > 1500 ? `${state.task.slice(0, 1500)}…` : state.task;
  return [
    `${reviewerIntro(state, role)} (iteration ${state.iteration} of ${state.maxIterations}). Review the working tree (git diff, git status); do not edit files${state.reviewerMayEdit ? '' : ': a review on a tree that changed during the review does not count, and loop undoes the change'}.`,
    `Task: ${task}`,
    `Worker's summary: ${state.lastDone?.summary ?? '(none)'}`,
  ].join('\n');
}

/** Why a review did not count as given. */
export const TREE_CHANGED = 'the tree changed during the review (reviewerMayEdit: false)';
export const SURFACE_NOT_ACKNOWLEDGED = 'the reviewer approved without acknowledging the proof-surface change';

/** The line on top of a review request sent again because an approval lacked the proof-surface acknowledgement. */
export const SURFACE_ASK_AGAIN =
  'Asked again: you approved without "proofSurfaceReviewed": true, but this change touches the proof surface (listed below). Check those files, then approve with "proofSurfaceReviewed": true, or request changes.';

const fileList = (files: readonly string[], total: number, shown = 5) => {
  const rest = total - Math.min(files.length, shown);
  return `${files.slice(0, shown).join(', ')}${rest > 0 ? `, +${rest} more` : ''}`;
};
const title = (text: string) => (text.length > 200 ? `${text.slice(0, 199)}…` : text);

/** loop's finding for the worker when the tree changed during the review and loop put the reviewed tree back. */
export function treeChangedFinding(files: readonly string[], total: number, patch: string): Finding {
  return {
    severity: 'medium',
    title: title(`the tree changed during the review (files: ${fileList(files, total)})`),
    body: `loop restored the reviewed tree and saved the change as ${patch}; apply it if you agree: git apply ${patch}`,
  };
}

/** loop's finding for the worker when the reviewer approved a proof-surface change twice without acknowledging it. */
export function surfaceFinding(surface: SurfaceState): Finding {
  return {
    severity: 'high',
    title: title(`the reviewer did not acknowledge the proof-surface change (files: ${fileList(surface.files.map((f) => f.file), surface.total)})`),
    body: 'these files can weaken the proof; the reviewer approved twice without "proofSurfaceReviewed": true, so loop counts the review as changes. Revert those changes, or explain in your done summary why they are needed.',
  };
}
