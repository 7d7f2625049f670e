import { chmodSync, existsSync, lstatSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { extract } from 'tar';
import { LoopError, ExitCode } from '../errors.js';
import { DIR_MODE, ensureDir, FILE_MODE } from '../run/fs-atomic.js';
import { RUN_ID_PATTERN } from '../run/ids.js';
import { readManifest } from '../run/manifest.js';
import type { RunRef } from '../run/store.js';
import { BUNDLE_LIMITS, entryRefusal } from './bundle-entry.js';

const REPO_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

const refuse = (bundle: string, why: string) => new LoopError('bad-bundle', `${bundle}: refused: ${why}`, { exitCode: ExitCode.usage });

/** Unpack a bundle into `staging`, refusing it whole at its first entry out of bounds; returns its top folder. */
async function unpack(bundle: string, staging: string): Promise<string> {
  let top: string | undefined;
  let refusal: string | undefined;
  let entries = 0;
  let bytes = 0;
  try {
    await extract({
      file: bundle, cwd: staging, strict: true, preservePaths: false, noChmod: true,
      filter: (path, entry) => {
        if (refusal) return false;
        const size = 'size' in entry ? Number(entry.size) : 0;
        const type = 'type' in entry ? String(entry.type) : 'File';
        entries++;
        bytes += size;
        refusal = entryRefusal({ path, type, size }, top)
          ?? (entries > BUNDLE_LIMITS.entries ? `more than ${BUNDLE_LIMITS.entries} entries` : undefined)
          ?? (bytes > BUNDLE_LIMITS.totalBytes ? `more than ${BUNDLE_LIMITS.totalBytes} bytes in all` : undefined);
        top ??= path.split('/')[0];
        return refusal === undefined;
      },
    });
  } catch (error) {
    throw refuse(bundle, `not a readable tar.gz (${(error as Error).message.replace(/\s+/g, ' ').trim()})`);
  }
  if (refusal) throw refuse(bundle, refusal);
  if (!top) throw refuse(bundle, 'it holds no run');
  return top;
}

/** Folders 0700 and files 0600, as in a run directory made by loop. */
function tighten(dir: string): void {
  chmodSync(dir, DIR_MODE);
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (lstatSync(path).isDirectory()) tighten(path);
    else chmodSync(path, FILE_MODE);
  }
}

/**
 * Import a bundle written by `loop export` into `$LOOP_HOME/runs/<repo-id>/<run-id>/`: unpacked into a scratch
 * folder in LOOP_HOME, checked (a run's manifest and journal, names as a run has them), then moved into place.
 * An existing run of that id is never overwritten.
 */
export async function importBundle(bundle: string, home: string): Promise<RunRef> {
  if (!lstatSync(bundle, { throwIfNoEntry: false })?.isFile()) throw new LoopError('bad-bundle', `${bundle}: no such file`, { exitCode: ExitCode.usage });
  ensureDir(home);
  const staging = mkdtempSync(join(home, '.import-'));
  try {
    const top = await unpack(bundle, staging);
    const unpacked = join(staging, top);
    if (!existsSync(join(unpacked, 'events.jsonl'))) throw refuse(bundle, 'it has no events.jsonl');
    let manifest;
    try {
      manifest = readManifest(unpacked);
    } catch (error) {
      throw refuse(bundle, `its manifest is unreadable (${(error as Error).message.replace(`${unpacked}/`, '')})`);
    }
    if (manifest.id !== top || !RUN_ID_PATTERN.test(manifest.id)) throw refuse(bundle, `its manifest names run '${manifest.id}', but its folder is '${top}'`);
    if (!REPO_ID.test(manifest.repoId)) throw refuse(bundle, `its manifest's repoId '${manifest.repoId}' is not a folder name`);
    tighten(unpacked);
    const repoDir = join(home, 'runs', manifest.repoId);
    const target = join(repoDir, manifest.id);
    const exists = () => new LoopError('run-exists', `run ${manifest.id} is already in ${target}; nothing was imported`, {
      exitCode: ExitCode.usage, hint: 'import into another LOOP_HOME, or remove that run first',
    });
    if (existsSync(target)) throw exists();
    ensureDir(join(home, 'runs'));
    ensureDir(repoDir);
    try {
      renameSync(unpacked, target);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' || code === 'ENOTEMPTY') throw exists();
      throw error;
    }
    return { id: manifest.id, repoId: manifest.repoId, dir: target };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
