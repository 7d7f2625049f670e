import { resolve } from 'node:path';
import { exportBundle } from '../../bundle/export-bundle.js';
import { RunStore } from '../../run/store.js';
import { home } from '../env.js';

/** `loop export <id> [-o file.tar.gz]`: a bundle of the run's records for someone else to inspect. */
export async function exportCommand(query: string, options: { output?: string }): Promise<number> {
  const ref = new RunStore(home()).resolve(query);
  const out = resolve(options.output ?? `${ref.id}.tar.gz`);
  const { files } = await exportBundle(ref, out);
  process.stdout.write(`exported run ${ref.id} (${files.length} files) to ${out}\nopen it elsewhere with: loop import ${out}\n`);
  return 0;
}
