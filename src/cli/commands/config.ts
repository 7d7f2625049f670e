import { loadConfig } from '../../config/load.js';
import { configJsonSchema } from '../../config/schema.js';
import { resolveRepo } from '../../run/repo-id.js';
import { home } from '../env.js';

/** `loop config`: the effective configuration (or its JSON Schema). */
export async function configCommand(options: { schema?: boolean }): Promise<number> {
  if (options.schema) {
    process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
    return 0;
  }
  const cwd = process.cwd();
  const repo = await resolveRepo(cwd);
  const { config, sources } = loadConfig({ cwd, repoRoot: repo.root, home: home() });
  process.stdout.write(`${JSON.stringify(config, null, 2)}\n`);
  process.stderr.write(sources.length > 0 ? `(from defaults + ${sources.join(' + ')})\n` : '(defaults only: no .loop.json or user config found)\n');
  return 0;
}
