import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { exportBundle } from '../../bundle/export-bundle.js';
import { errorMessage } from '../../errors.js';
import { DIR_MODE } from '../../run/fs-atomic.js';
import { readManifest } from '../../run/manifest.js';
import type { RunRef } from '../../run/store.js';
import { runHistory } from '../../report/run-iterations.js';
import { runMarkdown } from '../../report/run-markdown.js';
import { runResult, type RunResultRecord } from '../../report/run-result.js';
import { details } from '../../report/summary.js';
import { findingAnnotations } from './annotations.js';
import type { GithubEnv } from './github-env.js';
import { outputLines } from './outputs.js';
import { workflowCommand } from './workflow-commands.js';

/** Where a CI run's bundle goes: `$RUNNER_TEMP/loop/<run-id>.tar.gz`, else `$LOOP_HOME/bundles/<run-id>.tar.gz`. */
export const bundlePath = (ref: RunRef, env: GithubEnv, home: string): string =>
  env.runnerTemp ? join(env.runnerTemp, 'loop', `${ref.id}.tar.gz`) : join(home, 'bundles', `${ref.id}.tar.gz`);

/** How to fetch the bundle, when the job's ids are known. */
const fetchHint = (env: GithubEnv): string | undefined =>
  env.runId && env.repository
    ? `fetch the bundle (when the workflow uploads it as an artifact): gh run download ${env.runId} --repo ${env.repository}`
    : undefined;

/**
 * The end of a run on GitHub Actions: write its bundle, append its Markdown to the job summary, print an
 * annotation per open finding, and append the step's outputs. A file GitHub gave that cannot be written is a
 * warning (the run's own result stands). Returns the run's result, with the bundle's path.
 */
export async function githubRunEnd(ref: RunRef, env: GithubEnv, home: string, write: (text: string) => void): Promise<RunResultRecord & { bundle: string | null }> {
  const warn = (title: string, error: unknown) => write(`${workflowCommand('warning', { title }, errorMessage(error))}\n`);
  let bundle: string | null = bundlePath(ref, env, home);
  try {
    mkdirSync(join(bundle, '..'), { recursive: true, mode: DIR_MODE });
    await exportBundle(ref, bundle);
  } catch (error) {
    warn('loop: no bundle', error);
    bundle = null;
  }
  if (env.stepSummary) {
    const hint = fetchHint(env);
    try {
      appendFileSync(env.stepSummary, runMarkdown(ref, { ...(bundle ? { bundle } : {}), ...(hint ? { bundleHint: hint } : {}) }));
    } catch (error) {
      warn('loop: no job summary', error);
    }
  }
  const manifest = readManifest(ref.dir);
  const findings = runHistory(details(ref).events).openFindings;
  for (const line of findingAnnotations(findings, { cwd: manifest.cwd, runId: ref.id, ...(env.workspace ? { workspace: env.workspace } : {}) })) write(`${line}\n`);
  const record = { ...runResult(ref), bundle };
  if (env.output) {
    try {
      appendFileSync(env.output, outputLines({
        'run-id': record.runId, 'exit-code': record.exitCode, status: record.status, 'tree-hash': record.treeHash, iterations: record.iterations, bundle: record.bundle,
      }));
    } catch (error) {
      warn('loop: no step outputs', error);
    }
  }
  return record;
}
