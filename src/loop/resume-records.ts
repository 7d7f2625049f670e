import { join } from 'node:path';
import { mergeConfig } from '../config/load.js';
import { ConfigSchema, DEFAULT_CONFIG, type Config } from '../config/schema.js';
import { ExitCode, LoopError } from '../errors.js';
import type { JournalEvent } from '../run/journal.js';
import { manifestPath, type Manifest } from '../run/manifest.js';
import { z } from 'zod';
import { LoopStateSchema, type LoopState } from './state.js';

/** A record a run cannot be resumed from: one line naming the file, the place and what is wrong. */
const unreadable = (where: string, issue: { path: PropertyKey[]; message: string } | undefined, runId: string) =>
  new LoopError('resume-corrupt', `${where}: ${issue?.path.map(String).join('.') || '(top level)'}: ${issue?.message.replace(/^Invalid (input|option): /, '') ?? 'invalid'}; not resumed — nothing was changed`, {
    exitCode: ExitCode.usage,
    hint: `see: loop verify ${runId}`,
  });

/** The config frozen into the manifest at the run's start, checked against the config schema (keys added since get their defaults). */
export function frozenConfig(manifest: Manifest, runDir: string): Config {
  const parsed = ConfigSchema.safeParse(manifest.config);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw unreadable(manifestPath(runDir), issue && { ...issue, path: ['config', ...issue.path] }, manifest.id);
  }
  return mergeConfig(DEFAULT_CONFIG, parsed.data);
}

/** The machine states journaled with each transition, in order, each checked against the state schema. */
export function journaledStates(events: readonly JournalEvent[], runDir: string, runId: string): { seq: number; state: LoopState }[] {
  return events.filter((e) => e.type === 'transition').map((event) => {
    const parsed = LoopStateSchema.safeParse(event.state);
    if (!parsed.success) throw unreadable(`${join(runDir, 'events.jsonl')} (seq ${event.seq})`, parsed.error.issues[0] && { ...parsed.error.issues[0], path: ['state', ...parsed.error.issues[0].path] }, runId);
    return { seq: event.seq, state: parsed.data };
  });
}

const RunStartedSchema = z.object({ seq: z.number(), root: z.string().min(1), baseTree: z.string() });

/** Where the run started: the repository root and the tree at the start, from its `run.started` line. */
export function runStart(events: readonly JournalEvent[], runDir: string, runId: string): { root: string; baseTree: string } {
  const started = events.find((e) => e.type === 'run.started');
  const where = join(runDir, 'events.jsonl');
  if (!started) throw unreadable(where, { path: [], message: 'no run.started line' }, runId);
  const parsed = RunStartedSchema.safeParse(started);
  if (!parsed.success) throw unreadable(`${where} (seq ${started.seq})`, parsed.error.issues[0] && { ...parsed.error.issues[0], path: ['run.started', ...parsed.error.issues[0].path] }, runId);
  return { root: parsed.data.root, baseTree: parsed.data.baseTree };
}
