import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The repository's plan file, at its root. */
export const PLAN_FILE = 'PLAN.md';

/** A PLAN.md larger than this is not read (an agent could write any size). */
export const PLAN_MAX_BYTES = 1024 * 1024;

/** PLAN.md as loop read it: its text and the sha256 of its bytes; or why it could not be used. */
export type PlanFile = { text: string; bytes: number; hash: string } | { problem: string };

/** Read `<root>/PLAN.md`. Never throws: what is wrong with it is the answer. */
export function readPlanFile(root: string): PlanFile {
  const path = join(root, PLAN_FILE);
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) return { problem: `${PLAN_FILE} at the repository root is not a file` };
    size = stat.size;
  } catch {
    return { problem: `there is no ${PLAN_FILE} at the repository root` };
  }
  if (size > PLAN_MAX_BYTES) return { problem: `${PLAN_FILE} is ${size} bytes; keep it under ${PLAN_MAX_BYTES} bytes` };
  try {
    const bytes = readFileSync(path);
    return { text: bytes.toString('utf8'), bytes: bytes.length, hash: createHash('sha256').update(bytes).digest('hex') };
  } catch (error) {
    return { problem: `${PLAN_FILE} could not be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` };
  }
}
