import { accessSync, constants, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { usageError } from '../errors.js';
import { loopHome } from './paths.js';

/** What a command needs of loop's home: to read the runs stored there, or also to store runs. */
export type HomeUse = 'read' | 'write';

const can = (path: string, mode: number) => {
  try {
    accessSync(path, mode);
    return true;
  } catch {
    return false;
  }
};

/** The nearest existing folder at or above `path` (or a file in the way), where `path` would be created. */
function nearestExisting(path: string): { path: string; isDir: boolean } {
  for (let at = path; ; at = dirname(at)) {
    try {
      return { path: at, isDir: statSync(at).isDirectory() };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // ENOENT: not there yet; ENOTDIR: a file higher up is in the way (found on the way up). Anything else: cannot look.
      if (code !== 'ENOENT' && code !== 'ENOTDIR') return { path: at, isDir: true };
      if (dirname(at) === at) return { path: at, isDir: false };
    }
  }
}

/**
 * `$LOOP_HOME` (default `~/.loop`), checked before any run is read or written there: a file, or a folder loop
 * may not read (or, to store runs, write), is a usage error naming LOOP_HOME and the path.
 */
export function usableHome(env: NodeJS.ProcessEnv, use: HomeUse): string {
  const home = loopHome(env);
  const set = Boolean(env.LOOP_HOME?.trim());
  const name = set ? `LOOP_HOME (${home})` : `loop's home ${home} (LOOP_HOME is not set)`;
  const fix = set ? 'point LOOP_HOME at a folder you can write (or unset it to use ~/.loop)' : 'set LOOP_HOME to a folder you can write';
  const at = nearestExisting(home);
  if (at.path === home) {
    if (!at.isDir) throw usageError(`${name} is a file, not a folder: loop keeps its runs there`, `${fix}, or move the file away`);
    const mode = use === 'write' ? constants.R_OK | constants.W_OK | constants.X_OK : constants.R_OK | constants.X_OK;
    if (!can(home, mode)) throw usageError(`${name} is not ${use === 'write' ? 'writable' : 'readable'} by you: loop keeps its runs there`, `${fix}, or give yourself read, write and search permission on it`);
    return home;
  }
  if (!at.isDir) throw usageError(`${name} cannot be created: ${at.path} is a file, not a folder`, fix);
  if (use === 'write' && !can(at.path, constants.W_OK | constants.X_OK)) throw usageError(`${name} cannot be created: ${at.path} is not writable by you`, fix);
  return home;
}
