import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentRole as Role } from '../../bus/roles.js';
import { RunStore } from '../../run/store.js';
import { details } from '../../report/summary.js';
import { castToText } from '../../report/transcript.js';
import { home } from '../env.js';

const brief = (event: Record<string, unknown>) => {
  const { seq: _seq, at: _at, type: _type, prev: _prev, ...rest } = event;
  const text = JSON.stringify(rest);
  return text.length > 160 ? `${text.slice(0, 159)}…` : text;
};

/** `loop logs <id>`: the journal as lines, or with --role an agent's terminal output. */
export async function logsCommand(query: string, options: { role?: Role; json?: boolean }): Promise<number> {
  const ref = new RunStore(home()).resolve(query);
  if (options.role) {
    // worker.cast, then worker.2.cast, worker.3.cast… for each relaunch of the agent.
    const casts = readdirSync(ref.dir)
      .map((name) => ({ name, n: new RegExp(`^${options.role}(?:\\.(\\d+))?\\.cast$`).exec(name) }))
      .filter((c) => c.n)
      .sort((a, b) => Number(a.n![1] ?? 1) - Number(b.n![1] ?? 1));
    if (casts.length === 0) process.stdout.write(`no terminal recording for the ${options.role} of run ${ref.id}\n`);
    for (const [index, cast] of casts.entries()) {
      if (index > 0) process.stdout.write(`\n──── ${options.role} relaunched (${cast.name}) ────\n`);
      const text = await castToText(join(ref.dir, cast.name));
      if (text) process.stdout.write(`${text}\n`);
    }
    return 0;
  }
  const { events } = details(ref);
  for (const event of events) {
    process.stdout.write(options.json ? `${JSON.stringify(event)}\n` : `${String(event.seq).padStart(4)} ${event.at.slice(11, 23)} ${event.type.padEnd(18)} ${brief(event)}\n`);
  }
  return 0;
}
