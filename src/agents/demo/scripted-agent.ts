import { execFileSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Envelope } from '../../bus/message.js';

/**
 * The shell of the demo agents: print a prompt, read a line, fetch new messages with `loop inbox --json`,
 * handle each one, print the prompt again. DEMO ONLY: scripted, no model behind it.
 */
export function runScriptedAgent(name: string, handle: (message: Envelope, say: (text: string) => void) => Promise<void>): void {
  const prompt = `${name}> `;
  const say = (text: string) => process.stdout.write(`  [${name}] ${text}\n`);
  const rl = createInterface({ input: process.stdin, terminal: false });
  let busy: Promise<void> = Promise.resolve();
  process.stdout.write(`${name}: scripted demo agent (no model). Waiting for messages from loop.\n${prompt}`);
  rl.on('line', () => {
    busy = busy.then(async () => {
      const messages = JSON.parse(execFileSync('loop', ['inbox', '--json'], { encoding: 'utf8' })) as Envelope[];
      for (const message of messages) await handle(message, say);
      process.stdout.write(prompt);
    }).catch((error: unknown) => {
      say(`error: ${(error as Error).message}`);
      process.stdout.write(prompt);
    });
  });
  rl.on('close', () => process.exit(0));
}

/** Run `loop <args>` the way an agent would from its shell tool. */
export function loop(args: string[]): string {
  return execFileSync('loop', args, { encoding: 'utf8' }).trim();
}

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
