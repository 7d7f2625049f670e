import { join } from 'node:path';
import { envelopesOf } from '../bus/envelopes.js';
import { isReviewer, rolesIn, type Envelope, type Receipt, type ReviewerRole } from '../bus/message.js';
import { PanelPolicySchema, type PanelPolicy } from '../config/schema.js';
import { readJournal, type JournalEvent } from '../run/journal.js';
import { liveLock } from '../run/lock.js';
import { readManifest, type Manifest } from '../run/manifest.js';
import type { RunRef } from '../run/store.js';
import { chainSummary, checkIntegrity, type ChainSummary } from './integrity.js';
import { panelRounds, type PanelRound } from './panel-rounds.js';
import { usageTotals, type UsageTotal } from './usage-totals.js';

/** A run as `loop ls` and `loop show` describe it. */
export interface RunSummary {
  id: string;
  repoId: string;
  dir: string;
  /**
   * Manifest status; `interrupted` when it says running but no loop process holds it; `tampered` when the
   * journal's chain is broken or the manifest claims an end the journal does not record.
   */
  status: Manifest['status'] | 'interrupted' | 'unreadable' | 'tampered';
  phase: string;
  iteration: number;
  maxIterations: number;
  worker: string;
  /** The (first) reviewer's agent. */
  reviewer: string;
  /** With a panel: its policy, and every reviewer in role order (`reviewer`, `reviewer-2`, …). */
  panel?: { policy: PanelPolicy; reviewers: Array<{ role: ReviewerRole; agent: string; sessionId: string | null }> };
  /** Each role's own session id (`reviewer-2`… with a panel). */
  sessions: { worker: string | null; reviewer: string | null } & Partial<Record<ReviewerRole, string | null>>;
  task: string;
  createdAt: string;
  updatedAt: string;
  result?: { exitCode: number; reason: string };
  lastProof?: { passed: boolean; treeHash: string } | null;
  lastVerdict?: string | null;
  /** The isolation the agents ran under. */
  isolation?: Manifest['isolation'];
  proofSurface?: Manifest['proofSurface'];
  /** PLAN.md's checklist as of the last plan or done claim. */
  plan?: Manifest['plan'];
  error?: string;
  chain?: ChainSummary;
  tampered?: true;
  tamperReason?: string;
  /** Worktree runs: the worktree, its branch and base commit; a completed run's commit of its approved tree. */
  worktree?: string;
  branch?: string;
  baseCommit?: string;
  commit?: string;
  /** What the manifest of a tampered run says its status is. */
  claimedStatus?: Manifest['status'];
  /** What the agents spent, from the journal's usage lines. */
  spent?: UsageTotal;
  /** The run's budgets. */
  budget?: Manifest['budget'];
}

/** The flag of a run whose proof surface changed: `proof surface changed (3 files), acknowledged by the reviewer`. */
export function proofSurfaceFlag(surface: Manifest['proofSurface']): string | undefined {
  if (!surface || surface.count === 0) return undefined;
  const files = `${surface.count} file${surface.count === 1 ? '' : 's'}`;
  return `proof surface changed (${files}), ${surface.acknowledged ? 'acknowledged' : 'NOT acknowledged'} by the reviewer`;
}

/** The flag of a run approved while PLAN.md still had unchecked items: `approved with 2 of 5 plan items unchecked`. */
export function planFlag(status: string, plan: Manifest['plan']): string | undefined {
  if (status !== 'completed' || !plan || plan.done >= plan.total) return undefined;
  return `approved with ${plan.total - plan.done} of ${plan.total} plan item${plan.total === 1 ? '' : 's'} unchecked`;
}

/** Summarise one run from its manifest, checked against its journal (and lock liveness). A broken manifest is reported, not thrown. */
export function summarize(ref: RunRef): RunSummary {
  try {
    const m = readManifest(ref.dir);
    const { chain, events, tampered } = checkIntegrity(ref.dir, m); // one read of the journal serves both
    const interrupted = m.status === 'running' && !liveLock(ref.dir);
    const reviewers = rolesIn(m.roles).filter(isReviewer);
    return {
      id: m.id, repoId: m.repoId, dir: ref.dir, status: tampered ? 'tampered' : interrupted ? 'interrupted' : m.status, phase: m.phase,
      iteration: m.iteration, maxIterations: m.maxIterations, worker: m.roles.worker.agent, reviewer: m.roles.reviewer.agent,
      ...(reviewers.length > 1 ? {
        panel: {
          policy: PanelPolicySchema.safeParse(m.config.panel).data ?? 'all',
          reviewers: reviewers.map((role) => ({ role, agent: m.roles[role]!.agent, sessionId: m.roles[role]!.sessionId })),
        },
      } : {}),
      sessions: Object.fromEntries(rolesIn(m.roles).map((role) => [role, m.roles[role]!.sessionId])) as RunSummary['sessions'],
      task: m.task, createdAt: m.createdAt, updatedAt: m.updatedAt, result: m.result, lastProof: m.lastProof, lastVerdict: m.lastVerdict, isolation: m.isolation,
      chain: chainSummary(chain), spent: usageTotals(events).total, ...(m.budget ? { budget: m.budget } : {}),
      ...(m.proofSurface ? { proofSurface: m.proofSurface } : {}), ...(m.plan ? { plan: m.plan } : {}),
      ...(m.worktree ? { worktree: m.worktree } : {}), ...(m.branch ? { branch: m.branch } : {}), ...(m.baseCommit ? { baseCommit: m.baseCommit } : {}), ...(m.commit ? { commit: m.commit } : {}),
      ...(tampered ? { tampered: true as const, tamperReason: tampered, claimedStatus: m.status } : {}),
    };
  } catch (error) {
    return {
      id: ref.id, repoId: ref.repoId, dir: ref.dir, status: 'unreadable', phase: '?', iteration: 0, maxIterations: 0,
      worker: '?', reviewer: '?', sessions: { worker: null, reviewer: null }, task: '', createdAt: '', updatedAt: '', error: (error as Error).message,
    };
  }
}

/** Journal events that record something loop refused: bad messages, forgeries, writes to the run's records. */
const REFUSALS = new Set(['message.refused', 'message.forged', 'tamper.refused']);

/** The journal-derived details of a run: its messages, proof receipts, refusals. */
export interface RunDetails {
  events: JournalEvent[];
  messages: Envelope[];
  receipts: Receipt[];
  refusals: JournalEvent[];
  /** A panel's review rounds: who approved, each verdict, the agreed findings (empty without a panel). */
  panel: PanelRound[];
  skippedLines: number;
}

export function details(ref: RunRef): RunDetails {
  const { events, skipped } = readJournal(join(ref.dir, 'events.jsonl'));
  return {
    events,
    messages: envelopesOf(events),
    receipts: events.filter((e) => e.type === 'proof.receipt').map((e) => e.receipt as Receipt),
    refusals: events.filter((e) => REFUSALS.has(e.type)),
    panel: panelRounds(events),
    skippedLines: skipped,
  };
}
