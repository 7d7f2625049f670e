import { resumeRun } from '../../loop/resume-run.js';
import { drive } from '../drive.js';
import { githubEnv, home, userEnv } from '../env.js';

/** `loop resume <id>`: continue from the journal; undelivered messages are delivered exactly once. */
export async function resumeCommand(query: string, options: { maxIterations?: number; isolation?: 'auto' | 'sandbox' | 'none'; ci?: boolean; github?: boolean; json?: boolean }): Promise<number> {
  const ci = Boolean(options.ci);
  const prepared = await resumeRun({ query, home: home('write'), env: userEnv(), ci, maxIterations: options.maxIterations, isolation: options.isolation });
  return drive(prepared, { ci, github: githubEnv(options), json: Boolean(options.json) });
}
