import { resolveRepo } from '../../run/repo-id.js';
import { RunStore } from '../../run/store.js';
import { formatTable } from '../../report/format.js';
import { summarize } from '../../report/summary.js';
import { home } from '../env.js';

/** `loop ls`: every stored run, oldest first. */
export async function lsCommand(options: { json?: boolean; repo?: boolean }): Promise<number> {
  const store = new RunStore(home());
  let refs = store.list();
  if (options.repo) {
    const { repoId } = await resolveRepo(process.cwd());
    refs = refs.filter((ref) => ref.repoId === repoId);
  }
  const runs = refs.map(summarize);
  if (options.json) process.stdout.write(`${JSON.stringify(runs, null, 2)}\n`);
  else if (runs.length === 0) process.stdout.write(`no runs yet (stored under ${store.runsDir}); start one with: loop run "…" or try: loop demo\n`);
  else process.stdout.write(`${formatTable(runs)}\n`);
  return 0;
}
