import { envelopesOf } from '../bus/envelopes.js';
import { isReviewer, type Envelope } from '../bus/message.js';
import type { MergedFinding } from '../loop/panel-findings.js';
import type { RunRef } from '../run/store.js';
import { cell, code, codeCell, inline, table } from './markdown.js';
import { findingPlace, openFindings, planSection, proofSurfaceSection, proofTable, runIdSection, taskSection } from './run-markdown.js';
import { runHistory, type RunHistory } from './run-iterations.js';
import { details, summarize, type RunSummary } from './summary.js';

type Review = Extract<Envelope, { kind: 'review' }>;
type Finding = Review['payload']['findings'][number];

/** The proof that passed on the approved tree (the last receipt), as a table. */
function proofSection(history: RunHistory): string {
  const last = history.iterations.flatMap((i) => i.receipts).at(-1);
  if (!last) return '### Proof\n\n_the proof never ran_';
  return `### Proof\n\nRun by loop: **${last.passed ? 'passed' : 'failed'}** on tree ${code(last.treeHash)}.\n\n${proofTable(last)}`;
}

/** Each reviewer's last verdict on the change, with its summary. */
function reviewsSection(history: RunHistory, summary: RunSummary): string {
  const agents = new Map<string, string>((summary.panel?.reviewers ?? [{ role: 'reviewer', agent: summary.reviewer }]).map((r) => [r.role, r.agent]));
  const last = new Map<string, { verdict: string; summary: string }>();
  for (const record of history.iterations) for (const review of record.reviews) last.set(review.role, review);
  if (last.size === 0) return '### Reviews\n\n_no review of the change_';
  const lines = [...last].map(([role, r]) => `- ${role}${agents.get(role) ? ` (${code(agents.get(role)!)})` : ''}: **${r.verdict}** — ${inline(r.summary, 600)}`);
  return `### Reviews\n\n${lines.join('\n')}`;
}

const key = (f: { file?: string | undefined; title: string }) => `${f.file ?? ''}|${f.title}`;

/** The findings raised during the run that are not open at its end. */
function resolvedSection(reviews: Review[], open: readonly MergedFinding[]): string {
  const openKeys = new Set(open.map(key));
  const resolved = new Map<string, Finding>();
  for (const review of reviews) for (const f of review.payload.findings) if (!openKeys.has(key(f))) resolved.set(key(f), f);
  if (resolved.size === 0) return '### Resolved findings\n\nNone.';
  const rows = [...resolved.values()].map((f) => [f.severity, f.file ? codeCell(findingPlace(f)) : '—', cell(f.title)]);
  return `### Resolved findings\n\n${table(['severity', 'file:line', 'title'], rows)}`;
}

/**
 * A pull request's body for a run, from the sections of the run's Markdown report: the task, the plan's
 * progress, the proof table, each reviewer's verdict and summary, the findings resolved and still open,
 * proof-surface warnings, and the run id.
 */
export function prBody(ref: RunRef, commit?: string): string {
  const summary = summarize(ref);
  const d = details(ref);
  const history = runHistory(d.events);
  const reviews = envelopesOf(d.events).filter((m): m is Review => m.kind === 'review' && isReviewer(m.from));
  const sections = [
    taskSection(summary),
    planSection(summary) ?? '### Plan\n\n_no PLAN.md checklist was recorded_',
    proofSection(history),
    reviewsSection(history, summary),
    resolvedSection(reviews, history.openFindings),
    openFindings(history.openFindings),
    proofSurfaceSection(summary) ?? '### Proof surface\n\nNo file that can weaken the proof changed.',
    `${runIdSection(summary)}${commit ? `\n- commit: ${code(commit)}` : ''}`,
  ];
  return `${sections.join('\n\n')}\n`;
}
