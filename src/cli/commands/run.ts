import type { ConfigFile } from '../../config/schema.js';
import { startRun } from '../../loop/start-run.js';
import { drive } from '../drive.js';
import { githubEnv, home, userEnv } from '../env.js';

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
  ci?: boolean;
  github?: boolean;
  json?: boolean;
}

/** `loop run [prompt]`. */
export async function runCommand(prompt: string | undefined, options: RunOptions): Promise<number> {
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
  };
  const ci = Boolean(options.ci);
  const prepared = await startRun({ cwd: process.cwd(), home: home('write'), env: userEnv(), prompt, flags, ci });
  return drive(prepared, { ci, github: githubEnv(options), json: Boolean(options.json) });
}
