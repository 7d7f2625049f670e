import { join } from 'node:path';
import { macOf } from '../isolation/role-keys.js';
import { ensureDir, writeFileAtomic } from '../run/fs-atomic.js';
import type { SpoolRecord } from './spool.js';

/**
 * Write one record into a drop-box atomically (temp file + rename, so the watcher never sees half a file).
 * With a role key, the record carries `mac`, the HMAC of its body: its proof of origin where there is no sandbox.
 * (Apart from spool.ts so that `loop msg` writes without loading zod.)
 */
export function writeSpoolRecord(dir: string, id: string, record: SpoolRecord, key?: string): string {
  ensureDir(dir);
  const path = join(dir, `${id}.json`);
  const body = JSON.stringify(record);
  writeFileAtomic(path, key ? JSON.stringify({ ...record, mac: macOf(key, body) }) : body);
  return path;
}
