import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { create } from 'tar';
import { LoopError, ExitCode } from '../errors.js';
import { DIR_MODE, FILE_MODE } from '../run/fs-atomic.js';
import { manifestText, readManifest } from '../run/manifest.js';
import type { RunRef } from '../run/store.js';
import { runMarkdown } from '../report/run-markdown.js';
import { runResult } from '../report/run-result.js';
import { isCopiedFile, redactManifest } from './bundle-files.js';

const isPlainFile = (path: string) => {
  const stat = lstatSync(path, { throwIfNoEntry: false });
  return stat?.isFile() === true;
};

/** The run's files a bundle copies as they are: the journal, the recordings, the proof logs (plain files only). */
function copiedFiles(runDir: string): string[] {
  const top = readdirSync(runDir).filter((name) => isCopiedFile(name) && isPlainFile(join(runDir, name)));
  const proofDir = join(runDir, 'proof');
  const logs = lstatSync(proofDir, { throwIfNoEntry: false })?.isDirectory()
    ? readdirSync(proofDir).map((name) => `proof/${name}`).filter((name) => isCopiedFile(name) && isPlainFile(join(runDir, name)))
    : [];
  return [...top, ...logs].sort();
}

/**
 * Write a tar.gz of a run: `<run-id>/` holding the manifest (agents' env values left out), the journal, the
 * recordings, the proof logs, `summary.md` and `result.json`. Written beside `out` and renamed over it.
 */
export async function exportBundle(ref: RunRef, out: string, options: { bundleHint?: string } = {}): Promise<{ file: string; files: string[] }> {
  const manifest = readManifest(ref.dir);
  if (!existsSync(dirname(out))) throw new LoopError('export-target', `cannot write ${out}: the folder ${dirname(out)} does not exist`, { exitCode: ExitCode.usage });
  const staging = mkdtempSync(join(tmpdir(), 'loop-export-'));
  const partial = `${out}.partial-${process.pid}`;
  try {
    const top = join(staging, ref.id);
    mkdirSync(join(top, 'proof'), { recursive: true, mode: DIR_MODE });
    const copied = copiedFiles(ref.dir);
    for (const name of copied) copyFileSync(join(ref.dir, name), join(top, name));
    writeFileSync(join(top, 'manifest.json'), manifestText(redactManifest(manifest)), { mode: FILE_MODE });
    writeFileSync(join(top, 'summary.md'), runMarkdown(ref, options), { mode: FILE_MODE });
    writeFileSync(join(top, 'result.json'), `${JSON.stringify(runResult(ref), null, 2)}\n`, { mode: FILE_MODE });
    await create({ gzip: true, file: partial, cwd: staging, portable: true, mode: FILE_MODE }, [ref.id]);
    renameSync(partial, out);
    return { file: out, files: ['manifest.json', 'summary.md', 'result.json', ...copied].sort() };
  } catch (error) {
    rmSync(partial, { force: true });
    if (error instanceof LoopError) throw error;
    throw new LoopError('export', `cannot write the bundle ${out}: ${(error as Error).message}`, { exitCode: ExitCode.couldNotRun, cause: error });
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
