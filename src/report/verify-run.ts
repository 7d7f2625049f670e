import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { envelopesOf } from '../bus/envelopes.js';
import { isReviewer, ReceiptSchema, type Receipt } from '../bus/message.js';
import { DEFAULT_CONFIG } from '../config/schema.js';
import { rerunTree } from '../proof/rerun-tree.js';
import { describeChain, readChain, type ChainReport } from '../run/chain.js';
import type { JournalEvent } from '../run/journal.js';
import { readManifest, type Manifest } from '../run/manifest.js';
import type { RunRef } from '../run/store.js';
import { checkIntegrity } from './integrity.js';

/** One check of `loop verify`. */
export interface VerifyCheck {
  name: string;
  ok: boolean;
  detail: string;
  /** The check does not apply to this run (it counts as holding). */
  skipped?: true;
}

export interface VerifyReport {
  ok: boolean;
  checks: VerifyCheck[];
}

export interface VerifyOptions {
  /** Rerun the frozen proof commands on the approved tree in a temporary worktree. */
  rerun: boolean;
  env: Record<string, string>;
  /** Called as each check is made (for progress). */
  onCheck?: (check: VerifyCheck) => void;
}

const chainCheck = (chain: ChainReport): VerifyCheck =>
  chain.ok && !chain.chained
    ? { name: 'journal chain', ok: false, detail: `${describeChain(chain)}: it cannot be verified` }
    : { name: 'journal chain', ok: chain.ok, detail: describeChain(chain) };

/** The tree the reviewer approved, if the last approval and the last passing proof name the same one. */
function approvalCheck(events: JournalEvent[]): { check: VerifyCheck; tree?: string } {
  const fail = (detail: string) => ({ check: { name: 'approval', ok: false, detail } });
  const approval = envelopesOf(events).filter((e) => e.kind === 'review' && isReviewer(e.from) && e.payload.verdict === 'approve').pop();
  const receipt = events.filter((e) => e.type === 'proof.receipt')
    .map((e) => ReceiptSchema.safeParse(e.receipt)).flatMap((r): Receipt[] => (r.success && r.data.passed ? [r.data] : [])).pop();
  if (!approval) return fail('the journal records no approval from the reviewer');
  if (!approval.treeHash) return fail(`the approval ${approval.id} names no tree`);
  if (!receipt) return fail('the journal records no passing proof receipt');
  if (receipt.treeHash !== approval.treeHash) return fail(`the approval names tree ${approval.treeHash}, but the passing proof ran on tree ${receipt.treeHash}`);
  return { check: { name: 'approval', ok: true, detail: `the ${approval.from} approved, and the proof passed, on tree ${approval.treeHash}` }, tree: approval.treeHash };
}

async function treeObjectCheck(cwd: string, tree: string): Promise<VerifyCheck> {
  const name = 'tree object';
  if (tree.startsWith('sha256-')) return { name, ok: true, skipped: true, detail: 'does not apply: the run was not in a git repository' };
  if (!existsSync(cwd)) return { name, ok: false, detail: `the repository ${cwd} no longer exists` };
  const type = await execa('git', ['cat-file', '-t', tree], { cwd, reject: false });
  return type.exitCode === 0 && type.stdout.trim() === 'tree'
    ? { name, ok: true, detail: `tree ${tree} is in the repository at ${cwd}` }
    : { name, ok: false, detail: `tree ${tree} is not in the repository at ${cwd}` };
}

/** A checkout of the run's repository: its own (a worktree removed by loop clean leaves the one it came from). */
const repoOf = (m: Manifest): string => (m.worktree && !existsSync(m.cwd) && m.checkout ? m.checkout : m.cwd);

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const lastLine = (text: string) => text.trim().split('\n').pop()?.slice(0, 120) ?? '';

/** Rerun the frozen proof on the approved tree: one check per command, and one for the tree it left. */
async function rerunChecks(manifest: Manifest, tree: string, env: Record<string, string>): Promise<VerifyCheck[]> {
  const frozen = manifest.config.proofTimeoutSeconds;
  const timeoutMs = (typeof frozen === 'number' ? frozen : DEFAULT_CONFIG.proofTimeoutSeconds) * 1000;
  let receipt: Receipt;
  try {
    receipt = await rerunTree({ repo: repoOf(manifest), tree, commands: manifest.proof, timeoutMs, env, message: `loop verify ${manifest.id}` });
  } catch (error) {
    return [{ name: 'rerun', ok: false, detail: `could not check out tree ${tree}: ${lastLine((error as Error).message)}` }];
  }
  const n = manifest.proof.length;
  const steps = manifest.proof.map((command, i): VerifyCheck => {
    const step = receipt.steps[i];
    const name = `rerun ${i + 1}/${n}`;
    if (!step) return { name, ok: false, detail: `${command}: not run (an earlier command failed)` };
    const how = step.timedOut ? `timed out after ${seconds(step.durationMs)}` : `exit ${step.exitCode} in ${seconds(step.durationMs)}`;
    const tail = step.exitCode === 0 ? '' : lastLine(step.outputTail);
    return { name, ok: step.exitCode === 0, detail: `${command}: ${how}${tail ? ` (${tail})` : ''}` };
  });
  const same = receipt.treeHash === tree;
  return [...steps, {
    name: 'rerun tree', ok: same,
    detail: same ? 'the rerun left the approved tree' : `the rerun left tree ${receipt.treeHash}, not the approved tree ${tree}`,
  }];
}

/**
 * Check a run's records: the journal's chain, the manifest against the journal, and for a completed run that
 * the approval and the passing proof name one tree that is in the repository (and, with `rerun`, still passes).
 */
export async function verifyRun(ref: RunRef, options: VerifyOptions): Promise<VerifyReport> {
  const checks: VerifyCheck[] = [];
  const add = (...made: VerifyCheck[]) => made.forEach((check) => {
    checks.push(check);
    options.onCheck?.(check);
  });
  const result = (): VerifyReport => ({ ok: checks.every((c) => c.ok), checks });
  let manifest: Manifest;
  try {
    manifest = readManifest(ref.dir);
  } catch (error) {
    add(chainCheck(readChain(join(ref.dir, 'events.jsonl'))), { name: 'manifest', ok: false, detail: (error as Error).message });
    return result();
  }
  const integrity = checkIntegrity(ref.dir, manifest);
  add(chainCheck(integrity.chain), { name: 'manifest', ok: integrity.agreement.ok, detail: integrity.agreement.detail });
  if (manifest.status !== 'completed') {
    add({ name: 'approval', ok: true, skipped: true, detail: `does not apply: the run is ${manifest.status}, not completed` });
    return result();
  }
  const approval = approvalCheck(integrity.events);
  add(approval.check);
  if (!approval.tree) return result();
  const object = await treeObjectCheck(repoOf(manifest), approval.tree);
  add(object);
  if (options.rerun && object.ok && !object.skipped) add(...await rerunChecks(manifest, approval.tree, options.env));
  return result();
}
