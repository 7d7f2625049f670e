import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LoopError, ExitCode } from '../errors.js';
import { DIR_MODE, ensureDir } from './fs-atomic.js';
import { newRunId, RUN_ID_PATTERN } from './ids.js';
import { tryReadManifest } from './manifest.js';

/** A run's location in the store. */
export interface RunRef {
  id: string;
  repoId: string;
  dir: string;
}

const isDir = (path: string) => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

/** Errors that mean LOOP_HOME is set up wrong (permissions, a file in the way): the user's to fix, exit 2. */
const SETUP_ERRORS = new Set(['EACCES', 'EPERM', 'EEXIST', 'ENOTDIR', 'EROFS']);

/** A file-system error in the store as one line naming the path: exit 2 for a setup problem, else 5 (e.g. a full disk). */
function storeError(what: string, home: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (typeof code !== 'string') return error;
  return new LoopError('store', `${what} (${(error as Error).message})`, {
    exitCode: SETUP_ERRORS.has(code) ? ExitCode.usage : ExitCode.couldNotRun,
    hint: `check that LOOP_HOME (${home}) is a folder you can write, or point LOOP_HOME elsewhere`, cause: error,
  });
}

/** `$LOOP_HOME/runs/<repo-id>/<run-id>/` (contract: run directory). */
export class RunStore {
  constructor(readonly home: string) {}

  get runsDir(): string {
    return join(this.home, 'runs');
  }

  /** Create a fresh run directory (0700) with a new, unique run id. */
  create(repoId: string, now = new Date()): RunRef {
    try {
      ensureDir(this.home);
      ensureDir(this.runsDir);
      ensureDir(join(this.runsDir, repoId));
    } catch (error) {
      throw storeError(`cannot create the run folder under ${join(this.runsDir, repoId)}`, this.home, error);
    }
    for (let attempt = 0; attempt < 10; attempt++) {
      const id = newRunId(now);
      const dir = join(this.runsDir, repoId, id);
      try {
        mkdirSync(dir, { mode: DIR_MODE });
        return { id, repoId, dir };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw storeError(`cannot create the run folder ${dir}`, this.home, error);
      }
    }
    throw new LoopError('run-id', 'could not allocate a unique run id', { exitCode: ExitCode.couldNotRun });
  }

  /** Every run in the store, oldest first. */
  list(): RunRef[] {
    if (!isDir(this.runsDir)) return [];
    const runs: RunRef[] = [];
    const read = (dir: string) => {
      try {
        return readdirSync(dir);
      } catch (error) {
        throw storeError(`cannot read the runs in ${dir}`, this.home, error);
      }
    };
    for (const repoId of read(this.runsDir)) {
      const repoDir = join(this.runsDir, repoId);
      if (!isDir(repoDir)) continue;
      for (const id of read(repoDir)) {
        const dir = join(repoDir, id);
        if (RUN_ID_PATTERN.test(id) && isDir(dir)) runs.push({ id, repoId, dir });
      }
    }
    return runs.sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Find a run by id, unique id prefix, or an agent's session id recorded in a manifest. */
  resolve(query: string): RunRef {
    const runs = this.list();
    const exact = runs.filter((run) => run.id === query);
    if (exact.length === 1) return exact[0]!;
    const prefixed = runs.filter((run) => run.id.startsWith(query));
    if (prefixed.length === 1) return prefixed[0]!;
    if (prefixed.length > 1) {
      const shown = prefixed.slice(-5).map((run) => run.id).join(', ');
      throw new LoopError('ambiguous-id', `'${query}' matches ${prefixed.length} runs (${shown}); give more characters`, {
        exitCode: ExitCode.usage,
      });
    }
    const bySession = runs.filter((run) => {
      const manifest = tryReadManifest(run.dir);
      return manifest !== undefined && Object.values(manifest.roles).some((role) => role?.sessionId === query);
    });
    if (bySession.length >= 1) return bySession[bySession.length - 1]!;
    throw new LoopError('unknown-id', `no run matches '${query}' (by run id, id prefix or agent session id)`, {
      exitCode: ExitCode.usage,
      hint: existsSync(this.runsDir) ? 'list runs with: loop ls' : `no runs are stored under ${this.runsDir} yet`,
    });
  }
}
