import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { LoopError, ExitCode } from '../errors.js';
import { writeFileAtomic } from './fs-atomic.js';

export const RunStatusSchema = z.enum(['running', 'completed', 'failed', 'stopped']);
export type RunStatus = z.infer<typeof RunStatusSchema>;

/** The status a run ends with, from its exit code: the one mapping (0 completed, 130 stopped, anything else failed). */
export const statusOfExit = (exitCode: number): Exclude<RunStatus, 'running'> =>
  exitCode === ExitCode.completed ? 'completed' : exitCode === ExitCode.cancelled ? 'stopped' : 'failed';

export const PhaseSchema = z.enum(['starting', 'planning', 'plan-review', 'working', 'proving', 'reviewing', 'restoring', 'finished']);
export type Phase = z.infer<typeof PhaseSchema>;

const RoleInfoSchema = z.object({
  agent: z.string(),
  sessionId: z.string().nullable(),
  pid: z.number().int().nullable().optional(),
});

export const ResultSchema = z.object({ exitCode: z.number().int(), reason: z.string() });
export type RunResult = z.infer<typeof ResultSchema>;

/** `manifest.json`: a view of the journal, rewritten atomically (contract: run directory). */
export const ManifestSchema = z.object({
  version: z.literal(1),
  id: z.string(),
  repoId: z.string(),
  cwd: z.string(),
  status: RunStatusSchema,
  phase: PhaseSchema,
  iteration: z.number().int().min(0),
  maxIterations: z.number().int().min(1),
  task: z.string(),
  proof: z.array(z.string()),
  /** The worker and the first reviewer always; a panel's other reviewers (`reviewer-2`, …) when it has them. */
  roles: z.object({
    worker: RoleInfoSchema, reviewer: RoleInfoSchema,
    'reviewer-2': RoleInfoSchema.optional(), 'reviewer-3': RoleInfoSchema.optional(), 'reviewer-4': RoleInfoSchema.optional(), 'reviewer-5': RoleInfoSchema.optional(),
  }),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** The run's budgets, frozen at start like the proof (raised by `loop resume --max-cost/--max-tokens`). */
  budget: z.object({ maxCostUsd: z.number().positive().optional(), maxTokens: z.number().int().positive().optional() }).optional(),
  /** The effective configuration frozen at start (proof commands cannot be weakened mid-run). */
  config: z.record(z.string(), z.unknown()),
  lastProof: z.object({ passed: z.boolean(), treeHash: z.string(), at: z.string() }).nullable().optional(),
  lastVerdict: z.string().nullable().optional(),
  /** When files that can weaken the proof changed since the start: which (capped list), how many, and whether the reviewer acknowledged them. */
  proofSurface: z.object({ changed: z.array(z.string()), count: z.number().int().min(0), acknowledged: z.boolean() }).optional(),
  /** PLAN.md's checklist as of the last plan or done claim: items checked, items in all, the items (capped list). */
  plan: z.object({
    done: z.number().int().min(0),
    total: z.number().int().min(0),
    items: z.array(z.object({ text: z.string(), done: z.boolean() })),
  }).optional(),
  result: ResultSchema.optional(),
  /** The isolation in force for the agents (see src/isolation). */
  isolation: z.object({ mode: z.enum(['sandbox', 'none']), tool: z.string().optional(), program: z.string().optional(), why: z.string().optional() }).optional(),
  /** Worktree runs: the run's own git worktree (also its `cwd`), its branch, and the commit it branched from. */
  worktree: z.string().optional(),
  branch: z.string().optional(),
  baseCommit: z.string().optional(),
  /** The checkout `loop run` was started in (a worktree run's source; the user's, never touched by it). */
  checkout: z.string().optional(),
  /** In-place runs started with `--commit`: the approved tree is committed on the current branch at the end. */
  commitAtEnd: z.boolean().optional(),
  /** A completed run's commit of the approved tree (its tree is the approved tree hash). */
  commit: z.string().optional(),
  /** The journal's head when the manifest was written: last seq and the sha256 of that line (absent in older runs). */
  journalHead: z.object({ seq: z.number().int().min(0), hash: z.string() }).optional(),
});
export type Manifest = z.infer<typeof ManifestSchema>;

export const manifestPath = (runDir: string) => join(runDir, 'manifest.json');

/** The manifest's exact text on disk. */
export const manifestText = (manifest: Manifest): string => `${JSON.stringify(manifest, null, 2)}\n`;

/** Write the manifest atomically. */
export function writeManifest(runDir: string, manifest: Manifest): void {
  writeFileAtomic(manifestPath(runDir), manifestText(manifest));
}

/** Read and validate a manifest; a missing or unreadable one is an error naming the file. */
export function readManifest(runDir: string): Manifest {
  const path = manifestPath(runDir);
  if (!existsSync(path)) throw new LoopError('manifest-missing', `${path}: no manifest`, { exitCode: ExitCode.usage });
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new LoopError('manifest-corrupt', `${path}: not valid JSON (${(error as Error).message.replace(/\s+/g, ' ').trim()})`, {
      exitCode: ExitCode.usage,
    });
  }
  const parsed = ManifestSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new LoopError('manifest-corrupt', `${path}: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`, {
      exitCode: ExitCode.usage,
    });
  }
  return parsed.data;
}

/** Read a manifest, or undefined if it is missing or unreadable. */
export function tryReadManifest(runDir: string): Manifest | undefined {
  try {
    return readManifest(runDir);
  } catch {
    return undefined;
  }
}
