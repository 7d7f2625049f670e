import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ensureDir, writeFileAtomic } from '../run/fs-atomic.js';
import { RoleSchema, SubmissionSchema } from './message.js';

/** Agents drop messages here as atomic files; the runner picks them up (survives a runner crash). */
export const spoolDir = (runDir: string) => join(runDir, 'spool');

const RefusalSchema = z.object({
  id: z.string(),
  from: RoleSchema,
  kind: z.string(),
  reasons: z.array(z.string()),
  at: z.string(),
  via: z.enum(['cli', 'mcp']),
});
export type Refusal = z.infer<typeof RefusalSchema>;

export const SpoolRecordSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('submission'), submission: SubmissionSchema }),
  z.object({ type: z.literal('refusal'), refusal: RefusalSchema }),
]);
export type SpoolRecord = z.infer<typeof SpoolRecordSchema>;

/** Write one record into the spool atomically (temp file + rename, so the watcher never sees half a file). */
export function writeSpoolRecord(runDir: string, id: string, record: SpoolRecord): string {
  const dir = spoolDir(runDir);
  ensureDir(dir);
  const path = join(dir, `${id}.json`);
  writeFileAtomic(path, JSON.stringify(record));
  return path;
}

export type SpoolRead = { ok: true; record: SpoolRecord } | { ok: false; error: string };

/** Parse one spool file. */
export function readSpoolRecord(path: string): SpoolRead {
  try {
    const parsed = SpoolRecordSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    if (parsed.success) return { ok: true, record: parsed.data };
    const issue = parsed.error.issues[0];
    return { ok: false, error: `${issue?.path.join('.') || '(root)'}: ${issue?.message}` };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

/** Spool files waiting to be taken in, oldest id first (temp files are skipped). */
export function pendingSpoolFiles(runDir: string): string[] {
  const dir = spoolDir(runDir);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json') && !name.startsWith('.'))
    .sort()
    .map((name) => join(dir, name));
}

/** Remove a processed spool file; an unreadable one is moved into `spool/rejected/`, never deleted. */
export function retireSpoolFile(path: string, rejected = false): void {
  if (!rejected) {
    rmSync(path, { force: true });
    return;
  }
  const dir = join(path, '..', 'rejected');
  ensureDir(dir);
  renameSync(path, join(dir, path.split('/').pop()!));
}
