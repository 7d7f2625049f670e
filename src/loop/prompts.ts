import { findingLine } from '../bus/render.js';
import type { Finding, ProofStep, Role } from '../bus/message.js';
import type { LoopState } from './state.js';

const proofLine = (proof: string[]) =>
  proof.length > 0 ? `loop will then run the proof itself: ${proof.map((c) => `\`${c}\``).join(', ')}.` : 'No proof commands are configured.';

/** The first task given to the worker. */
export function firstTaskText(state: LoopState): string {
  return [
    state.task,
    '',
    `You are the WORKER of a loop run (iteration 1 of ${state.maxIterations}). Keep PLAN.md at the repository root as a short checklist of the steps and the proof.`,
    `When the work is complete, send: loop msg done --text "<what you changed>". ${proofLine(state.proof)}`,
    'A reviewer then reviews your change. Questions for the reviewer: loop msg question --text "…".',
  ].join('\n');
}

const failingStep = (step: ProofStep) =>
  `- \`${step.command}\` ${step.timedOut ? 'timed out' : `exited ${step.exitCode}`}:\n${step.outputTail.trim().split('\n').slice(-15).map((l) => `    ${l}`).join('\n')}`;

/** The task for the next iteration: what to fix, from the review and the proof. */
export function fixTaskText(state: LoopState, reason: string): string {
  const review = state.lastReview;
  const findings: Finding[] = review?.findings ?? [];
  const failing = state.lastProof?.receipt.steps.filter((s) => s.exitCode !== 0) ?? [];
  const lines = [
    `Iteration ${state.iteration} of ${state.maxIterations}: the previous attempt was not accepted (${reason}).`,
    `Original task: ${state.task.length > 600 ? `${state.task.slice(0, 600)}…` : state.task}`,
  ];
  if (review) lines.push('', `Reviewer verdict: ${review.verdict}. ${review.summary}`);
  if (findings.length > 0) lines.push('Findings:', ...findings.map(findingLine));
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

/** The review request's summary: the task and the worker's claim, never the worker's reasoning. */
export function reviewSummary(state: LoopState): string {
  const task = state.task.length > 1500 ? `${state.task.slice(0, 1500)}…` : state.task;
  return [
    `You are the REVIEWER of a loop run (iteration ${state.iteration} of ${state.maxIterations}). Review the working tree (git diff, git status); do not edit files.`,
    `Task: ${task}`,
    `Worker's summary: ${state.lastDone?.summary ?? '(none)'}`,
  ].join('\n');
}
