import { ExitCode, isLoopError } from '../errors.js';

/** Print a failure (an expected one as one line, with its hint; anything else as a bug, with its stack) and return the exit code. */
export function reportError(error: unknown): number {
  if (isLoopError(error)) {
    process.stderr.write(`loop: ${error.message}\n${error.hint ? `  hint: ${error.hint}\n` : ''}`);
    return error.exitCode;
  }
  process.stderr.write(`loop: unexpected error (this is a bug, please report it)\n${(error as Error)?.stack ?? String(error)}\n`);
  return ExitCode.couldNotRun;
}
