import { isolationStatement, resolveIsolation, type IsolationSetting } from '../isolation/isolation.js';
import { errorMessage } from '../errors.js';
import type { CheckResult } from './check.js';

/** The isolation a run would get with this config here, and in plain words what it does and does not protect. */
export async function checkIsolation(setting: IsolationSetting, path: string): Promise<CheckResult> {
  try {
    const isolation = await resolveIsolation(setting, path);
    const statement = isolationStatement(isolation);
    const notes = [...statement.protects.map((p) => `protected: ${p}`), ...statement.exposes.map((e) => `not protected: ${e}`)];
    if (isolation.mode === 'sandbox') return { name: 'isolation', ok: true, detail: statement.summary, notes };
    return {
      name: 'isolation', ok: false, optional: true, detail: statement.summary, notes,
      ...(setting === 'auto' ? { fix: 'install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap) to isolate the agents' } : {}),
    };
  } catch (error) {
    return { name: 'isolation', ok: false, detail: errorMessage(error), fix: 'install bubblewrap, or set "isolation": "none" (agents are then not isolated)' };
  }
}
