import type { Receipt } from '../bus/message.js';
import type { MergedFinding } from '../loop/panel-findings.js';
import type { RunRef } from '../run/store.js';
import { cell, code, codeCell, fenced, inline, table } from './markdown.js';
import { panelRoundLine, type PanelRound } from './panel-rounds.js';
import { runHistory, type IterationRecord, type ReviewEntry, type RunHistory } from './run-iterations.js';
import { details, planFlag, proofSurfaceFlag, summarize, type RunSummary } from './summary.js';
import { usageSection } from './usage-markdown.js';
import { usageTotals } from './usage-totals.js';

const EXIT_WORDS: Record<number, string> = { 0: 'completed', 1: 'not proven', 2: 'usage error', 3: 'stalled', 4: 'budget exhausted', 5: 'could not run', 130: 'stopped' };
const seconds = (ms: number) => (ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);
const short = (hash: string) => hash.slice(0, 12);

/** `## loop run <id>: completed`, then the exit code and the reason (or the state of a run still going). */
export function resultSection(summary: RunSummary): string {
  const result = summary.result;
  const mark = summary.tampered ? '⚠️' : result ? (result.exitCode === 0 ? '✅' : '❌') : '⏳';
  const word = summary.tampered ? 'tampered' : result ? EXIT_WORDS[result.exitCode] ?? summary.status : summary.status;
  const lines = [`## ${mark} loop run ${code(summary.id)}: ${word}`, ''];
  if (result) lines.push(`**Exit code ${result.exitCode}**: ${inline(result.reason, 1000)}`);
  else lines.push(`Status **${summary.status}**, phase ${summary.phase}, iteration ${summary.iteration}/${summary.maxIterations}.`);
  if (summary.tampered) lines.push('', `> The run's records do not hold together: ${inline(summary.tamperReason ?? '', 500)}. Check them with \`loop verify ${summary.id}\`.`);
  return lines.join('\n');
}

/** The task, as given (long tasks are cut at 3000 characters). */
export function taskSection(summary: RunSummary): string {
  const task = summary.task.length > 3000 ? `${summary.task.slice(0, 2999)}…` : summary.task;
  return `### Task\n\n${fenced(task)}`;
}

/** Each role, its agent and its own session id (what `loop resume` accepts too). */
export function agentsSection(summary: RunSummary): string {
  const reviewers = summary.panel?.reviewers ?? [{ role: 'reviewer' as const, agent: summary.reviewer }];
  const rows = [{ role: 'worker', agent: summary.worker }, ...reviewers].map(({ role, agent }) => {
    const session = summary.sessions[role as keyof RunSummary['sessions']];
    return [role, codeCell(agent), session ? codeCell(session) : '—'];
  });
  return `### Agents\n\n${table(['role', 'agent', 'session'], rows)}`;
}

/** A proof receipt as a table: command, exit, duration. */
export function proofTable(receipt: Receipt): string {
  const rows = receipt.steps.map((step) => [codeCell(step.command), step.timedOut ? 'timeout' : String(step.exitCode ?? '—'), seconds(step.durationMs)]);
  if (rows.length === 0) return '_no proof commands configured_';
  return table(['command', 'exit', 'duration'], rows);
}

const reviewLine = (review: ReviewEntry, agents: Map<string, string>): string =>
  `- ${review.role}${agents.get(review.role) ? ` (${code(agents.get(review.role)!)})` : ''}: **${review.verdict}**` +
  `${review.findings > 0 ? `, ${review.findings} finding${review.findings === 1 ? '' : 's'}` : ''} — ${inline(review.summary, 300)}`;

const agentsByRole = (summary: RunSummary) =>
  new Map<string, string>([['worker', summary.worker], ...(summary.panel?.reviewers ?? [{ role: 'reviewer', agent: summary.reviewer }]).map((r): [string, string] => [r.role, r.agent])]);

/** One iteration: each proof run (a table) and each reviewer's verdict. */
export function iterationSection(record: IterationRecord, summary: RunSummary, panel: PanelRound[] = []): string {
  const agents = agentsByRole(summary);
  const lines = [`### Iteration ${record.iteration}`];
  if (record.receipts.length === 0) lines.push('', '_no proof run in this iteration_');
  for (const receipt of record.receipts) {
    lines.push('', `Proof **${receipt.passed ? 'passed' : 'failed'}** in ${seconds(receipt.durationMs)} on tree ${code(short(receipt.treeHash))}`, '', proofTable(receipt));
  }
  lines.push('', record.reviews.length > 0 ? '**Reviews**' : '_no review in this iteration_');
  if (record.reviews.length > 0) lines.push('', ...record.reviews.map((review) => reviewLine(review, agents)));
  for (const round of panel.filter((r) => r.iteration === record.iteration)) lines.push(`- panel: ${inline(panelRoundLine(round), 600)}`);
  return lines.join('\n');
}

/** The plan reviews (a run with a reviewed plan), in order. */
export function planReviewsSection(history: RunHistory, summary: RunSummary): string | undefined {
  if (history.planReviews.length === 0) return undefined;
  const agents = agentsByRole(summary);
  return `### Plan reviews\n\n${history.planReviews.map((review) => reviewLine(review, agents)).join('\n')}`;
}

/** Where a finding points: `file:line` or `file:line-end`, or `—`. */
export const findingPlace = (finding: MergedFinding): string =>
  finding.file ? `${finding.file}${finding.line ? `:${finding.line}${finding.endLine && finding.endLine !== finding.line ? `-${finding.endLine}` : ''}` : ''}` : '—';

/** The findings still open at the end, as a table: severity, file:line, title (and who raised it, with a panel). */
export function openFindings(findings: readonly MergedFinding[]): string {
  if (findings.length === 0) return '### Open findings\n\nNone.';
  const panel = findings.some((f) => f.raisedBy);
  const rows = findings.map((f) => [f.severity, f.file ? codeCell(findingPlace(f)) : '—', cell(f.title), ...(panel ? [cell((f.raisedBy ?? []).join(', '))] : [])]);
  return `### Open findings\n\n${table(['severity', 'file:line', 'title', ...(panel ? ['raised by'] : [])], rows)}`;
}

/** PLAN.md's checklist as of the last plan or done claim, or undefined without a plan. */
export function planSection(summary: RunSummary): string | undefined {
  const plan = summary.plan;
  if (!plan) return undefined;
  const flag = planFlag(summary.status, plan);
  const more = plan.total - plan.items.length;
  return [
    `### Plan: ${plan.done}/${plan.total} items checked`, '',
    ...(flag ? [`> ⚠️ ${inline(flag)}`, ''] : []),
    ...plan.items.map((item) => `- [${item.done ? 'x' : ' '}] ${inline(item.text, 200)}`),
    ...(more > 0 ? [`- … and ${more} more`] : []),
  ].join('\n');
}

/** The proof-surface warning (files that can weaken the proof changed), or undefined when none changed. */
export function proofSurfaceSection(summary: RunSummary): string | undefined {
  const flag = proofSurfaceFlag(summary.proofSurface);
  if (!flag || !summary.proofSurface) return undefined;
  const more = summary.proofSurface.count - summary.proofSurface.changed.length;
  return [`### ⚠️ Proof surface`, '', `${inline(flag)}:`, '', ...summary.proofSurface.changed.map((file) => `- ${code(file)}`), ...(more > 0 ? [`- … and ${more} more`] : [])].join('\n');
}

/** The run id, and how to look at it: locally, or from an exported bundle. */
export function runIdSection(summary: RunSummary, options: { bundle?: string; bundleHint?: string } = {}): string {
  const lines = [`### Run ${code(summary.id)}`, '', `- details: ${code(`loop show ${summary.id}`)}`];
  if (options.bundle) lines.push(`- bundle: ${code(options.bundle)}`);
  if (options.bundleHint) lines.push(`- ${inline(options.bundleHint, 500)}`);
  lines.push(`- inspect a bundle elsewhere: ${code('loop import <bundle.tar.gz>')}, then ${code(`loop show ${summary.id}`)} and ${code(`loop verify ${summary.id}`)}`);
  return lines.join('\n');
}

/** A run as Markdown: the result, the task, the agents, the plan reviews, each iteration, open findings, usage, plan, proof surface, the run id. */
export function runMarkdown(ref: RunRef, options: { bundle?: string; bundleHint?: string } = {}): string {
  const summary = summarize(ref);
  const d = details(ref);
  const history = runHistory(d.events);
  const sections = [
    resultSection(summary), taskSection(summary), agentsSection(summary), planReviewsSection(history, summary),
    ...history.iterations.map((record) => iterationSection(record, summary, d.panel)),
    openFindings(history.openFindings), usageSection(usageTotals(d.events), summary.budget), planSection(summary), proofSurfaceSection(summary), runIdSection(summary, options),
  ];
  return `${sections.filter((s): s is string => Boolean(s)).join('\n\n')}\n`;
}
