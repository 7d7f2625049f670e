import { realpathSync } from 'node:fs';
import { delimiter, join, relative } from 'node:path';
import { loopLauncher } from '../loop/launcher.js';

/** The npm package loop is published as (the bin stays `loop`). */
export const PACKAGE_NAME = 'proofloop';

const real = (path: string): string | undefined => {
  try {
    return realpathSync(path);
  } catch {
    return undefined; // no such file on this PATH entry
  }
};

/**
 * How the user can run this loop again, for the hints loop prints (`… show <id>`): `loop` when the `loop` on
 * PATH is this installation (a global install, `npm link`), `npx proofloop` under npx (its PATH entry goes
 * away when npx exits), else `node <path of bin/loop.js>` (a checkout run with `npm run demo`).
 */
export function selfCommand(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  const launcher = loopLauncher();
  const self = real(launcher);
  if (env.npm_command === 'exec' && launcher.split(/[\\/]/).includes('_npx')) return `npx ${PACKAGE_NAME}`;
  const onPath = (env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => real(join(dir, 'loop'))).find(Boolean);
  if (onPath !== undefined && onPath === self) return 'loop';
  return `node ${relative(cwd, launcher) === join('bin', 'loop.js') ? join('bin', 'loop.js') : launcher}`;
}
