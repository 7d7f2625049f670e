import { join } from 'node:path';
import { appendFileSync } from 'node:fs';
import { execa } from 'execa';
import type { ProofStep, Receipt } from '../bus/message.js';
import { ensureDir, FILE_MODE } from '../run/fs-atomic.js';
import { treeHash } from './tree-hash.js';

export interface ProofOptions {
  commands: string[];
  cwd: string;
  timeoutMs: number;
  /** Directory for the full output logs (`proof/<n>.log`). */
  logDir: string;
  /** Sequence number of this proof run in the run (names the log file). */
  index: number;
  env?: Record<string, string | undefined>;
  /** Called as each command starts (for progress). */
  onStep?: (command: string, position: number) => void;
}

const TAIL_CHARS = 2000;
const tail = (text: string) => (text.length > TAIL_CHARS ? `…${text.slice(-TAIL_CHARS)}` : text);

/**
 * Run the proof commands in order through the shell (stopping at the first failure), save their output,
 * and return a receipt bound to the tree hash the commands left behind.
 */
export async function runProof(options: ProofOptions): Promise<Receipt> {
  const startedAt = new Date();
  ensureDir(options.logDir);
  const logFile = join(options.logDir, `${String(options.index).padStart(3, '0')}.log`);
  appendFileSync(logFile, '', { mode: FILE_MODE });
  const steps: ProofStep[] = [];
  for (const [position, command] of options.commands.entries()) {
    options.onStep?.(command, position);
    const started = Date.now();
    const result = await execa(command, {
      shell: true,
      cwd: options.cwd,
      all: true,
      reject: false,
      timeout: options.timeoutMs,
      stdin: 'ignore',
      env: { ...options.env, CI: options.env?.CI ?? 'true' },
      forceKillAfterDelay: 2000,
      cleanup: true,
    });
    const output = result.all ?? '';
    appendFileSync(logFile, `$ ${command}\n${output}\n[exit ${result.exitCode ?? 'none'}${result.timedOut ? ', timed out' : ''}]\n\n`);
    const step: ProofStep = {
      command,
      exitCode: result.exitCode ?? null,
      durationMs: Date.now() - started,
      outputTail: tail(output),
      ...(result.timedOut ? { timedOut: true } : {}),
    };
    steps.push(step);
    if (step.exitCode !== 0) break;
  }
  return {
    passed: steps.every((s) => s.exitCode === 0),
    steps,
    treeHash: await treeHash(options.cwd),
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    logFile,
  };
}
