import { join } from 'node:path';
import { appendFileSync } from 'node:fs';
import { execa } from 'execa';
import type { ProofStep, Receipt } from '../bus/message.js';
import { ensureDir, FILE_MODE } from '../run/fs-atomic.js';
import { cachedTreeHash } from './tree-hash-cache.js';
import { killProcessGroup, signalGroup } from '../pty/process-tree.js';

export interface ProofOptions {
  commands: string[];
  cwd: string;
  timeoutMs: number;
  /** Directory for the full output logs (`proof/<n>.log`). */
  logDir: string;
  /** Sequence number of this proof run in the run (names the log file). */
  index: number;
  env?: Record<string, string | undefined>;
  /** Where the temporary git index of the tree hash goes (default: the temp folder). */
  scratchDir?: string;
  /** Called as each command starts (for progress). */
  onStep?: (command: string, position: number) => void;
  /** Cancels the proof: the running command's process group is stopped, and runProof throws ProofCancelled. */
  signal?: AbortSignal;
}

/** Thrown by runProof when its signal aborted it: there is no receipt for a cancelled proof. */
export class ProofCancelled extends Error {
  constructor(readonly steps: ProofStep[]) {
    super('the proof was cancelled');
  }
}

const TAIL_CHARS = 2000;
const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** While a detached proof runs, a signal to loop stops it too (Ctrl-C no longer reaches its group); returns the undo. */
function forwardSignals(pid: number): () => void {
  const offs = FORWARDED.map((signal) => {
    const handler = () => {
      signalGroup(pid, 'SIGTERM');
      if (process.listenerCount(signal) === 1) {
        // Nobody else handles it: keep the default behaviour (exit by that signal).
        process.off(signal, handler);
        process.kill(process.pid, signal);
      }
    };
    process.on(signal, handler);
    return () => process.off(signal, handler);
  });
  return () => offs.forEach((off) => off());
}

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
  const { signal } = options;
  for (const [position, command] of options.commands.entries()) {
    if (signal?.aborted) throw new ProofCancelled(steps);
    options.onStep?.(command, position);
    const started = Date.now();
    // Own process group (detached), stopped as a whole on timeout: dash does not exec `sh -c` commands,
    // so killing only the shell left its children (e.g. the node under `npm test`) running and holding
    // the output pipe open, and the timeout never took effect.
    const subprocess = execa(command, {
      shell: true,
      cwd: options.cwd,
      all: true,
      reject: false,
      stdin: 'ignore',
      env: { ...options.env, CI: options.env?.CI ?? 'true' },
      detached: true,
    });
    const pid = subprocess.pid;
    const killNow = () => (pid ? signalGroup(pid, 'SIGKILL') : undefined);
    process.once('exit', killNow); // detached children are not cleaned up by execa when loop exits
    const unforward = pid ? forwardSignals(pid) : () => undefined;
    let timedOut = false;
    let stopping: Promise<void> | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      if (pid) stopping ??= killProcessGroup(pid, 2000);
    }, options.timeoutMs);
    const cancel = () => {
      if (pid) stopping ??= killProcessGroup(pid, 2000);
    };
    signal?.addEventListener('abort', cancel, { once: true });
    if (signal?.aborted) cancel();
    const result = await subprocess;
    clearTimeout(timer);
    signal?.removeEventListener('abort', cancel);
    await stopping; // the whole group is gone before the proof is over
    process.off('exit', killNow);
    unforward();
    const output = result.all ?? '';
    appendFileSync(logFile, `$ ${command}\n${output}\n[exit ${result.exitCode ?? 'none'}${timedOut ? ', timed out' : ''}]\n\n`);
    const step: ProofStep = {
      command,
      exitCode: result.exitCode ?? null,
      durationMs: Date.now() - started,
      outputTail: tail(output),
      ...(timedOut ? { timedOut: true } : {}),
    };
    steps.push(step);
    if (signal?.aborted) throw new ProofCancelled(steps);
    if (step.exitCode !== 0) break;
  }
  return {
    passed: steps.every((s) => s.exitCode === 0),
    steps,
    treeHash: await cachedTreeHash(options.cwd, options.scratchDir),
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    logFile,
  };
}
