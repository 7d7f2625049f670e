import { join } from 'node:path';
import { RunStore } from '../../run/store.js';
import { details } from '../../report/summary.js';
import { castToText } from '../../report/transcript.js';
import { home } from '../env.js';

const brief = (event: Record<string, unknown>) => {
  const { seq: _seq, at: _at, type: _type, ...rest } = event;
  const text = JSON.stringify(rest);
  return text.length > 160 ? `${text.slice(0, 159)}…` : text;
};

/** `loop logs <id>`: the journal as lines, or with --role an agent's terminal output. */
export async function logsCommand(query: string, options: { role?: 'worker' | 'reviewer'; json?: boolean }): Promise<number> {
  const ref = new RunStore(home()).resolve(query);
  if (options.role) {
    const text = await castToText(join(ref.dir, `${options.role}.cast`));
    process.stdout.write(text ? `${text}\n` : `no terminal recording for the ${options.role} of run ${ref.id}\n`);
    return 0;
  }
  const { events } = details(ref);
  for (const event of events) {
    process.stdout.write(options.json ? `${JSON.stringify(event)}\n` : `${String(event.seq).padStart(4)} ${event.at.slice(11, 23)} ${event.type.padEnd(18)} ${brief(event)}\n`);
  }
  return 0;
}
