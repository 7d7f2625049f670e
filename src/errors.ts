/** Exit codes of the `loop` CLI (contract: DESIGN.md "commands and exit codes"). */
export const ExitCode = {
  completed: 0,
  notProven: 1,
  usage: 2,
  stalled: 3,
  budget: 4,
  couldNotRun: 5,
  cancelled: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** An expected failure: printed as one line (no stack) by the CLI, which exits with `exitCode`. */
export class LoopError extends Error {
  readonly code: string;
  readonly exitCode: number;
  readonly hint?: string;

  constructor(code: string, message: string, options: { exitCode?: number; hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LoopError';
    this.code = code;
    this.exitCode = options.exitCode ?? ExitCode.usage;
    this.hint = options.hint;
  }
}

/** A usage or configuration error: nothing was started (exit 2). */
export const usageError = (message: string, hint?: string): LoopError =>
  new LoopError('usage', message, { exitCode: ExitCode.usage, hint });

/** Infrastructure failure: an agent could not start, a file could not be written (exit 5). */
export const infraError = (message: string, cause?: unknown): LoopError =>
  new LoopError('infra', message, { exitCode: ExitCode.couldNotRun, cause });

export const isLoopError = (error: unknown): error is LoopError => error instanceof LoopError;

/** The message of any thrown value. */
export const errorMessage = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);
