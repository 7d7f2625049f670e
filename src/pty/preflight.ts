import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import type { PtySpawnSpec } from './types.js';

const isExecutableFile = (path: string): boolean => {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** Resolves a command as execvp would: a path if it holds a slash, else the first hit on PATH. */
export const findExecutable = (command: string, pathValue: string | undefined, cwd: string): string | undefined => {
  if (command.includes('/')) {
    const path = isAbsolute(command) ? command : resolve(cwd, command);
    return isExecutableFile(path) ? path : undefined;
  }
  for (const dir of (pathValue ?? '').split(delimiter)) {
    if (dir === '') continue;
    const path = join(resolve(cwd, dir), command);
    if (isExecutableFile(path)) return path;
  }
  return undefined;
};

/**
 * Why a spawn would fail, or undefined. node-pty reports these only as exit code 1 plus a line
 * of output ("execvp(3) failed", "chdir(2) failed"), so loop checks first to give a clear error.
 */
export const spawnProblem = (spec: PtySpawnSpec): string | undefined => {
  try {
    if (!statSync(spec.cwd).isDirectory()) return `working directory is not a directory: ${spec.cwd}`;
  } catch {
    return `working directory does not exist: ${spec.cwd}`;
  }
  if (findExecutable(spec.command, spec.env.PATH, spec.cwd) === undefined) {
    return `command not found or not executable: ${spec.command} (PATH of the agent: ${spec.env.PATH ?? '(unset)'})`;
  }
  if (!(spec.cols > 0 && spec.rows > 0 && Number.isInteger(spec.cols) && Number.isInteger(spec.rows))) {
    return `terminal size must be positive integers, got ${spec.cols}x${spec.rows}`;
  }
  return undefined;
};
