import { statSync } from 'node:fs';
import { join } from 'node:path';
import { usageError } from '../errors.js';

const isDir = (path: string) => statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
const isFile = (path: string) => statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;

/** What is wrong with LOOP_RUN_DIR as a run directory (as an agent sees it, sandboxed or not), if anything. */
function runDirProblem(runDir: string): string | undefined {
  const stat = statSync(runDir, { throwIfNoEntry: false });
  if (!stat) return 'no such folder';
  if (!stat.isDirectory()) return 'not a folder';
  if (!isFile(join(runDir, 'manifest.json'))) return 'no manifest.json in it';
  if (!isDir(join(runDir, 'agents'))) return 'no agents/ folder in it';
  return undefined;
}

/** `loop msg` and `loop inbox` refuse a LOOP_RUN_DIR that is not a run directory: one line, exit 2. */
export function requireRunDir(runDir: string): void {
  const problem = runDirProblem(runDir);
  if (problem) {
    throw usageError(`LOOP_RUN_DIR=${runDir} is not a loop run directory (${problem}): this command works inside an agent started by \`loop run\`, which sets it`);
  }
}
