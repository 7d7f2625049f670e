import { resolve } from 'node:path';
import { importBundle } from '../../bundle/import-bundle.js';
import { home } from '../env.js';

/** `loop import <bundle>`: a bundle from `loop export` into LOOP_HOME, for `loop show`, `loop logs`, `loop verify`. */
export async function importCommand(bundle: string): Promise<number> {
  const ref = await importBundle(resolve(bundle), home('write'));
  process.stdout.write(`imported run ${ref.id} into ${ref.dir}\nsee it with: loop show ${ref.id}\n`);
  return 0;
}
