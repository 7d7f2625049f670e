import { join } from 'node:path';
import { ExitCode, LoopError } from '../../errors.js';
import { Journal } from '../../run/journal.js';
import { liveLock, RunLock } from '../../run/lock.js';
import { readManifest } from '../../run/manifest.js';
import { ManifestWriter } from '../../run/manifest-writer.js';
import { RunStore } from '../../run/store.js';
import { home } from '../env.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `loop stop <id>`: ask the driving loop process to stop (exit 130, resumable); mark a dead run stopped. */
export async function stopCommand(query: string): Promise<number> {
  const ref = new RunStore(home('write')).resolve(query);
  const manifest = readManifest(ref.dir);
  if (manifest.status !== 'running') {
    process.stdout.write(`run ${ref.id} is not running (${manifest.status})\n`);
    return 0;
  }
  const holder = liveLock(ref.dir);
  if (holder) {
    try {
      process.kill(holder.pid, 'SIGTERM');
    } catch (error) {
      throw new LoopError('stop', `could not signal loop process ${holder.pid}: ${(error as Error).message}`, { exitCode: ExitCode.couldNotRun });
    }
    for (let waited = 0; waited < 15_000 && liveLock(ref.dir); waited += 100) await sleep(100);
    if (liveLock(ref.dir)) throw new LoopError('stop', `loop process ${holder.pid} did not stop within 15 s`, { exitCode: ExitCode.couldNotRun });
    process.stdout.write(`stopped run ${ref.id}; continue it with: loop resume ${ref.id}\n`);
    return 0;
  }
  const lock = RunLock.acquire(ref.dir, ref.id);
  const journal = Journal.open(join(ref.dir, 'events.jsonl'));
  const reason = 'stopped by loop stop (no loop process was driving it)';
  const manifestFile = ManifestWriter.adopt(ref.dir, journal);
  journal.append('run.finished', { exitCode: ExitCode.cancelled, reason, status: 'stopped' });
  manifestFile.write({ ...manifest, status: 'stopped', updatedAt: new Date().toISOString(), result: { exitCode: ExitCode.cancelled, reason } });
  journal.close();
  lock.release();
  process.stdout.write(`marked run ${ref.id} stopped; continue it with: loop resume ${ref.id}\n`);
  return 0;
}
