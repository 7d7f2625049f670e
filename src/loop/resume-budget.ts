import { ExitCode, LoopError } from '../errors.js';
import type { Manifest } from '../run/manifest.js';

/**
 * A run stopped by its cost or token budget is resumed only with that budget raised: it would stop again at the
 * next turn. The hint gives the flag, and a figure above the old budget.
 */
export function refuseExhaustedBudget(runId: string, manifest: Manifest, options: { maxCostUsd?: number; maxTokens?: number }): void {
  const result = manifest.result;
  if (manifest.status !== 'failed' || result?.exitCode !== ExitCode.budget) return;
  const budget = manifest.budget ?? {};
  if (/^cost budget exhausted/.test(result.reason) && (options.maxCostUsd === undefined || options.maxCostUsd <= (budget.maxCostUsd ?? 0))) {
    throw new LoopError('finished', `run ${runId} stopped at its cost budget (${result.reason.replace(/; raise it.*$/, '')})`, {
      exitCode: ExitCode.usage,
      hint: `raise it: loop resume ${runId} --max-cost ${Math.ceil((budget.maxCostUsd ?? 1) * 2 * 100) / 100}`,
    });
  }
  if (/^token budget exhausted/.test(result.reason) && (options.maxTokens === undefined || options.maxTokens <= (budget.maxTokens ?? 0))) {
    throw new LoopError('finished', `run ${runId} stopped at its token budget (${result.reason.replace(/; raise it.*$/, '')})`, {
      exitCode: ExitCode.usage,
      hint: `raise it: loop resume ${runId} --max-tokens ${(budget.maxTokens ?? 1) * 2}`,
    });
  }
}
