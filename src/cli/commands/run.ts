import type { ConfigFile } from '../../config/schema.js';
import { startRun } from '../../loop/start-run.js';
import { drive } from '../drive.js';
import { githubEnv, home, userEnv } from '../env.js';
import { usageError } from '../../errors.js';
import { requireGh } from '../../pr/gh.js';
import { prCommand } from './pr.js';

interface RunOptions {
  worker?: string;
  /** `--reviewer`, once or (a panel) more. */
  reviewer?: string[];
  panel?: 'all' | 'majority' | 'any';
  proof?: string[];
  maxIterations?: number;
  maxCost?: number;
  maxTokens?: number;
  plan?: 'review' | 'write' | 'off';
  isolation?: 'auto' | 'sandbox' | 'none';
  worktree?: boolean;
  carry?: boolean;
  here?: boolean;
  commit?: boolean;
  pr?: boolean;
  ci?: boolean;
  github?: boolean;
  json?: boolean;
}

/** `loop run [prompt]`. */
export async function runCommand(prompt: string | undefined, options: RunOptions): Promise<number> {
  if (options.here && options.worktree) throw usageError('--here and --worktree contradict each other: give one (--here: this checkout; --worktree: a new one)');
  const flags: ConfigFile = {
    ...(options.worker ? { worker: options.worker } : {}),
    ...(options.reviewer?.length === 1 ? { reviewer: options.reviewer[0] } : {}),
    ...(options.reviewer && options.reviewer.length > 1 ? { reviewers: options.reviewer } : {}),
    ...(options.panel ? { panel: options.panel } : {}),
    ...(options.proof ? { proof: options.proof } : {}),
    ...(options.maxIterations ? { maxIterations: options.maxIterations } : {}),
    ...(options.maxCost ? { maxCostUsd: options.maxCost } : {}),
    ...(options.maxTokens ? { maxTokens: options.maxTokens } : {}),
    ...(options.plan ? { plan: options.plan } : {}),
    ...(options.isolation ? { isolation: options.isolation } : {}),
    ...(options.worktree ? { worktree: true } : {}),
    ...(options.here ? { worktree: false } : {}),
  };
  const ci = Boolean(options.ci);
  const env = userEnv();
  if (options.pr) await requireGh(env, process.cwd()); // before anything starts: a run is not made only to fail at the end
  const prepared = await startRun({
    cwd: process.cwd(), home: home('write'), env, prompt, flags, ci, here: Boolean(options.here), carry: Boolean(options.carry), commit: Boolean(options.commit || options.pr),
  });
  const exitCode = await drive(prepared, { ci, github: githubEnv(options), json: Boolean(options.json) });
  if (exitCode !== 0 || !options.pr) return exitCode;
  return prCommand(prepared.context.ref.id, {});
}
