// Running `loop` with its output going into a pipe whose reader is gone (as with `| head`), for real.
import { spawn } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';
import { join } from 'node:path';
import { after } from 'node:test';
import { execa } from 'execa';
import { LOOP_BIN, type World } from './helpers.js';

export interface Finished {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

const children = new Set<ReturnType<typeof spawn>>();
after(() => children.forEach((child) => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL')));

function collect(child: ReturnType<typeof spawn>, stdout: () => string): Promise<Finished> {
  children.add(child);
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += String(chunk)));
  return new Promise((resolve) => child.once('close', (exitCode) => resolve({ exitCode, stdout: stdout(), stderr })));
}

/**
 * `loop <args>` with stdout a named pipe whose reader closed before loop started: its very first write gets
 * EPIPE (no race with the reader).
 */
export async function loopIntoClosedPipe(w: World, args: string[], fifoName = 'closed.fifo'): Promise<Finished> {
  const fifo = join(w.base, fifoName);
  await execa('mkfifo', [fifo]);
  const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  const writer = openSync(fifo, constants.O_WRONLY);
  closeSync(reader);
  const child = spawn(process.execPath, [LOOP_BIN, ...args], { cwd: w.repo, env: { ...process.env, ...w.env() }, stdio: ['ignore', writer, 'pipe'] });
  closeSync(writer);
  return collect(child, () => '');
}

/** `loop <args> | head -n 1`: the reader takes the first line and closes the pipe; returns that line. */
export function loopIntoHead(w: World, args: string[]): Promise<Finished> {
  const child = spawn(process.execPath, [LOOP_BIN, ...args], { cwd: w.repo, env: { ...process.env, ...w.env() }, stdio: ['ignore', 'pipe', 'pipe'] });
  let head = '';
  child.stdout!.on('data', (chunk) => {
    head += String(chunk);
    if (head.includes('\n')) child.stdout!.destroy();
  });
  return collect(child, () => head.split('\n')[0]!);
}
