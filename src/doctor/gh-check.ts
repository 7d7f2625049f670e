import { isLoopError } from '../errors.js';
import { requireGh } from '../pr/gh.js';
import type { CheckResult } from './check.js';

/** The GitHub CLI, installed and logged in: optional, only `loop pr` and `loop run --pr` need it. */
export async function checkGh(env: Record<string, string>, cwd: string): Promise<CheckResult> {
  try {
    const gh = await requireGh(env, cwd);
    return { name: 'gh (for loop pr)', ok: true, optional: true, detail: `${gh}, logged in` };
  } catch (error) {
    if (!isLoopError(error)) throw error;
    return { name: 'gh (for loop pr)', ok: false, optional: true, detail: error.message, ...(error.hint ? { fix: error.hint } : {}) };
  }
}
