import { existsSync } from 'node:fs';
import { renderBody } from '../../bus/render.js';
import { RunStore } from '../../run/store.js';
import { details, planFlag, proofSurfaceFlag, summarize, type RunSummary } from '../../report/summary.js';
import { panelRoundLine } from '../../report/panel-rounds.js';
import { policyText } from '../../loop/panel-rules.js';
import { firstLine } from '../../report/format.js';
import type { ChainSummary } from '../../report/integrity.js';
import { home } from '../env.js';
import type { JournalEvent } from '../../run/journal.js';
import { usageTotals } from '../../report/usage-totals.js';
import { usageTable } from '../../report/usage-table.js';

/** One refusal, in words: a refused message, a forgery (with the role it claimed), or a write to the records. */
function refusalLine(r: JournalEvent): string {
  if (r.type === 'message.forged') return `FORGED ${String(r.kind)} claiming to be from the ${String(r.claimed)} (${String(r.origin)}): ${(r.reasons as string[]).join('; ')}`;
  if (r.type === 'tamper.refused') return `TAMPERING with ${String(r.file)}${r.role ? ` by the ${String(r.role)}` : ''}: ${String(r.reason)}${r.savedTo ? ` (kept as ${String(r.savedTo)})` : ''}`;
  return `${String(r.from ?? '?')} ${String(r.kind ?? '?')}: ${((r.reasons as string[] | undefined) ?? []).join('; ')}`;
}

/** Each role's agent, with its session: `worker codex (session …) · reviewer claude · reviewer-2 gemini (session …)`. */
function agentsLine(summary: RunSummary): string {
  const agents = [{ role: 'worker', agent: summary.worker }, ...(summary.panel?.reviewers ?? [{ role: 'reviewer', agent: summary.reviewer }])];
  return agents.map(({ role, agent }) => {
    const session = summary.sessions[role as keyof RunSummary['sessions']];
    return `${role} ${agent}${session ? ` (session ${session})` : ''}`;
  }).join(' · ');
}

/** Where the run worked (its worktree and branch, from which commit) and the commit of its approved tree. */
function checkoutLines(s: RunSummary): string[] {
  const lines: string[] = [];
  if (s.worktree) lines.push(`worktree  ${s.worktree}${existsSync(s.worktree) ? '' : ' (removed)'} · branch ${s.branch ?? '?'} from ${s.baseCommit?.slice(0, 12) ?? '?'}`);
  if (s.commit) lines.push(`commit    ${s.commit}${s.branch ? ` on ${s.branch}` : ''}${s.worktree ? ` (open a pull request: loop pr ${s.id})` : ''}`);
  return lines;
}

const journalLine = (chain: ChainSummary, id: string): string =>
  !chain.ok ? `CHAIN BROKEN at line ${chain.brokenAt}: ${chain.reason} — see loop verify ${id}`
    : chain.chained ? `chain intact (${chain.events} events)` : `unchained (written before hash chains; ${chain.events} events)`;

/** `loop show <id>`: one run, with its messages and proof receipts. */
export async function showCommand(query: string, options: { json?: boolean }): Promise<number> {
  const ref = new RunStore(home()).resolve(query);
  const summary = summarize(ref);
  const d = details(ref);
  const usage = usageTotals(d.events);
  if (options.json) {
    const panel = summary.panel ? { panel: { ...summary.panel, rounds: d.panel } } : {};
    process.stdout.write(`${JSON.stringify({ ...summary, ...panel, usage, messages: d.messages, receipts: d.receipts, refusals: d.refusals }, null, 2)}\n`);
    return 0;
  }
  const lines = [
    `run       ${summary.id}`,
    summary.tampered
      ? `status    tampered${summary.chain?.ok === false ? ` (the manifest says ${summary.claimedStatus}${summary.result ? `, exit ${summary.result.exitCode}` : ''})` : `: ${summary.tamperReason} — see loop verify ${summary.id}`}`
      : `status    ${summary.status}${summary.result ? ` (exit ${summary.result.exitCode}): ${summary.result.reason}` : ''}`,
    `phase     ${summary.phase}, iteration ${summary.iteration}/${summary.maxIterations}`,
    `agents    ${agentsLine(summary)}`,
    ...(summary.panel ? [`panel     ${policyText(summary.panel.policy, summary.panel.reviewers.length)}`] : []),
    ...(summary.isolation ? [`isolation ${summary.isolation.mode}${summary.isolation.tool ? ` (${summary.isolation.tool})` : ''}${summary.isolation.why ? `: ${summary.isolation.why}` : ''}`] : []),
    `created   ${summary.createdAt}   updated ${summary.updatedAt}`,
    `stored in ${summary.dir}`,
    ...checkoutLines(summary),
    ...(summary.chain ? [`journal   ${journalLine(summary.chain, summary.id)}`] : []),
    `task      ${firstLine(summary.task, 100)}`,
  ];
  const flag = proofSurfaceFlag(summary.proofSurface);
  if (flag && summary.proofSurface) {
    const more = summary.proofSurface.count - summary.proofSurface.changed.length;
    lines.push(`surface   ${flag}`, `          ${summary.proofSurface.changed.join(', ')}${more > 0 ? `, +${more} more` : ''}`);
  }
  if (summary.plan) {
    const flag = planFlag(summary.status, summary.plan);
    lines.push(`plan      ${summary.plan.done}/${summary.plan.total} items checked${flag ? ` — ${flag}` : ''}`);
    lines.push(...summary.plan.items.map((item) => `          [${item.done ? 'x' : ' '}] ${item.text}`));
    const more = summary.plan.total - summary.plan.items.length;
    if (more > 0) lines.push(`          +${more} more`);
  }
  if (summary.error) lines.push(`problem   ${summary.error}`);
  if (summary.status === 'interrupted' || summary.status === 'stopped') lines.push(`resume    loop resume ${summary.id}`);
  if (d.panel.length > 0) {
    lines.push('', 'reviews:');
    for (const round of d.panel) lines.push(`  ${panelRoundLine(round)}`);
  }
  lines.push('', ...usageTable(usage, summary.budget));
  if (d.receipts.length > 0) {
    lines.push('', 'proof receipts:');
    for (const r of d.receipts) {
      lines.push(`  ${r.startedAt}  ${r.passed ? 'PASSED' : 'FAILED'}  tree ${r.treeHash.slice(0, 12)}  ${r.steps.map((s) => `${s.command} → ${s.timedOut ? 'timeout' : s.exitCode}`).join(', ') || '(no commands)'}`);
    }
  }
  lines.push('', `messages (${d.messages.length}):`);
  for (const m of d.messages) {
    lines.push(`  #${m.seq} ${m.at.slice(11, 19)} ${m.from} → ${m.to} ${m.kind} (iteration ${m.iteration}) ${m.id}`);
    lines.push(...renderBody(m).split("\n").slice(0, 12).map((l) => `      ${l.slice(0, 140)}`));
  }
  if (d.refusals.length > 0) {
    lines.push('', `refused (${d.refusals.length}):`);
    for (const r of d.refusals) lines.push(`  ${String(r.at).slice(11, 19)} ${refusalLine(r)}`);
  }
  if (d.skippedLines > 0) lines.push('', `note: ${d.skippedLines} unreadable journal line(s) were skipped`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
