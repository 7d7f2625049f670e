import { findingLine } from '../bus/render.js';
import { isReviewer, type Envelope, type Finding } from '../bus/message.js';
import type { Manifest } from '../run/manifest.js';
import type { RunDetails } from './summary.js';
import { proofSurfaceFlag } from './summary.js';

type Review = Extract<Envelope, { kind: 'review' }>;

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim();
const TASK_LINES = 30;

function taskSection(task: string): string[] {
  const lines = task.trim().split('\n');
  return ['## Task', '', ...lines.slice(0, TASK_LINES), ...(lines.length > TASK_LINES ? [`… (${lines.length - TASK_LINES} more lines)`] : [])];
}

function planSection(plan: Manifest['plan']): string[] {
  if (!plan) return ['## Plan', '', 'No PLAN.md checklist was recorded.'];
  const more = plan.total - plan.items.length;
  return ['## Plan', '', `${plan.done}/${plan.total} items checked`, '', ...plan.items.map((i) => `- [${i.done ? 'x' : ' '}] ${i.text}`), ...(more > 0 ? [`- … ${more} more`] : [])];
}

function proofSection(d: RunDetails, commands: string[]): string[] {
  const last = d.receipts.at(-1);
  if (!last) return ['## Proof', '', commands.length === 0 ? 'No proof commands were configured.' : 'The proof never ran.'];
  const rows = last.steps.map((s) => `| \`${cell(s.command)}\` | ${s.timedOut ? 'timed out' : s.exitCode} | ${(s.durationMs / 1000).toFixed(1)} s |`);
  return [
    '## Proof', '', `Run by loop on tree \`${last.treeHash}\`: **${last.passed ? 'passed' : 'failed'}**.`, '',
    '| command | exit | duration |', '|---|---|---|', ...(rows.length > 0 ? rows : ['| (no commands) | | |']),
  ];
}

/** The last change review of each reviewer (a plan review comes before it, so the last one is of the change). */
function lastReviews(reviews: Review[]): Review[] {
  const byRole = new Map<string, Review>();
  for (const review of reviews) byRole.set(review.from, review);
  return [...byRole.values()];
}

function reviewSection(last: Review[], agentOf: (role: string) => string): string[] {
  if (last.length === 0) return ['## Reviews', '', 'No review was given.'];
  return ['## Reviews', '', ...last.map((r) => `- **${r.from}** (${agentOf(r.from)}): **${r.payload.verdict}**: ${r.payload.summary.replace(/\s+/g, ' ').trim()}`)];
}

const key = (f: Finding) => `${f.file ?? ''}|${f.title}`;

function findingsSection(reviews: Review[], last: Review[]): string[] {
  const open = last.flatMap((r) => r.payload.findings ?? []);
  const openKeys = new Set(open.map(key));
  const resolved = new Map<string, Finding>();
  for (const r of reviews) for (const f of r.payload.findings ?? []) if (!openKeys.has(key(f))) resolved.set(key(f), f);
  return [
    '## Findings', '',
    `Resolved (${resolved.size}):`, ...(resolved.size > 0 ? [...resolved.values()].map(findingLine) : ['- none']), '',
    `Still open (${open.length}):`, ...(open.length > 0 ? open.map(findingLine) : ['- none']),
  ];
}

function surfaceSection(surface: Manifest['proofSurface']): string[] {
  const flag = proofSurfaceFlag(surface);
  if (!flag || !surface) return ['## Proof surface', '', 'No file that can weaken the proof changed.'];
  const more = surface.count - surface.changed.length;
  return ['## Proof surface', '', `⚠ ${flag}:`, ...surface.changed.map((f) => `- \`${f}\``), ...(more > 0 ? [`- … ${more} more`] : [])];
}

/**
 * A pull request's body for a run: the task, the plan's progress, the proof table, each reviewer's verdict and
 * summary, the findings resolved and still open, proof-surface warnings, and the run id.
 */
export function prBody(manifest: Manifest, d: RunDetails): string {
  const reviews = d.messages.filter((m): m is Review => m.kind === 'review' && isReviewer(m.from));
  const last = lastReviews(reviews);
  const agentOf = (role: string) => manifest.roles[role as keyof Manifest['roles']]?.agent ?? '?';
  return [
    ...taskSection(manifest.task), '',
    ...planSection(manifest.plan), '',
    ...proofSection(d, manifest.proof), '',
    ...reviewSection(last, agentOf), '',
    ...findingsSection(reviews, last), '',
    ...surfaceSection(manifest.proofSurface), '',
    '---',
    `loop run \`${manifest.id}\`${manifest.commit ? ` · commit \`${manifest.commit}\`` : ''} · details: \`loop show ${manifest.id}\``,
  ].join('\n');
}
