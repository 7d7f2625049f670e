import { resumeRun } from '../../loop/resume-run.js';
import { drive } from '../drive.js';
import { githubEnv, home, userEnv } from '../env.js';

/** `loop resume <id>`: continue from the journal (with budgets raised by --max-cost/--max-tokens); undelivered messages are delivered exactly once. */
export async function resumeCommand(query: string, options: { maxIterations?: number; maxCost?: number; maxTokens?: number; isolation?: 'auto' | 'sandbox' | 'none'; ci?: boolean; github?: boolean; json?: boolean }): Promise<number> {
  const ci = Boolean(options.ci);
  const prepared = await resumeRun({
    query, home: home('write'), env: userEnv(), ci, maxIterations: options.maxIterations, isolation: options.isolation, maxCostUsd: options.maxCost, maxTokens: options.maxTokens,
  });
  return drive(prepared, { ci, github: githubEnv(options), json: Boolean(options.json) });
}
