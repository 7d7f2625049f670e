import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { ensureDir } from '../run/fs-atomic.js';
import { RoleSchema, SubmissionSchema } from './message.js';

export { writeSpoolRecord } from './spool-write.js';

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

/** A parsed spool file, with what provenance needs: the MAC it carried and the exact body it covers. */
export type SpoolRead = { ok: true; record: SpoolRecord; mac?: string; body: string } | { ok: false; error: string };

/** Larger spool files are not read at all: `loop msg` never writes one near it (envelopes are ≤ 2 MiB even at the widest limits). */
export const MAX_SPOOL_FILE_BYTES = 4 * 1024 * 1024;

/** Parse one spool file. */
export function readSpoolRecord(path: string): SpoolRead {
  try {
    const size = statSync(path).size;
    if (size > MAX_SPOOL_FILE_BYTES) return { ok: false, error: `the file is ${size} bytes; loop reads at most ${MAX_SPOOL_FILE_BYTES}` };
    const raw: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, error: '(root): expected a JSON object' };
    const { mac, ...rest } = raw as Record<string, unknown>;
    const parsed = SpoolRecordSchema.safeParse(rest);
    if (parsed.success) return { ok: true, record: parsed.data, body: JSON.stringify(rest), ...(typeof mac === 'string' ? { mac } : {}) };
    const issue = parsed.error.issues[0];
    return { ok: false, error: `${issue?.path.join('.') || '(root)'}: ${issue?.message}` };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

/** Spool files waiting in a drop-box (and folders an agent made inside it), oldest name first; temp files skipped. */
export function pendingSpoolFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === 'rejected') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...pendingSpoolFiles(path));
    else if (entry.name.endsWith('.json')) files.push(path);
  }
  return files.sort((a, b) => basename(a).localeCompare(basename(b)));
}

/** Remove a processed spool file; an unreadable one is moved into `spool/rejected/`, never deleted. */
export function retireSpoolFile(path: string, rejected = false): void {
  if (!rejected) {
    rmSync(path, { force: true });
    return;
  }
  const dir = join(dirname(path), 'rejected');
  ensureDir(dir);
  renameSync(path, join(dir, path.split('/').pop()!));
}
