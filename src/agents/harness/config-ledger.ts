import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../run/fs-atomic.js';

/** One key loop set in a harness's own config file, recorded so it can be undone (`loop doctor --revert`). */
export interface ConfigChange {
  at: string;
  file: string;
  path: string[];
  /** The value before; absent when the key did not exist. */
  before?: unknown;
  after: unknown;
  reason: string;
}

export interface ConfigEdit {
  path: string[];
  value: unknown;
  reason: string;
}

export const LEDGER_NAME = 'agent-config-changes.jsonl';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const getPath = (root: Json, path: string[]): unknown =>
  path.reduce<unknown>((node, key) => (isObject(node) ? node[key] : undefined), root);

function setPath(root: Json, path: string[], value: unknown): void {
  let node = root;
  for (const key of path.slice(0, -1)) {
    if (!isObject(node[key])) node[key] = {};
    node = node[key] as Json;
  }
  const last = path[path.length - 1]!;
  if (value === undefined) delete node[last];
  else node[last] = value;
}

/**
 * Set keys in a JSON config file that are not already set to the wanted value, atomically, and append each
 * change to the run's ledger. Returns the changes made (none when everything was already in place).
 */
export function applyJsonEdits(file: string, edits: ConfigEdit[], ledgerDir: string): ConfigChange[] {
  let root: Json = {};
  if (existsSync(file)) {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (!isObject(parsed)) throw new Error(`${file}: expected a JSON object`);
    root = parsed;
  }
  const changes: ConfigChange[] = [];
  for (const edit of edits) {
    const before = getPath(root, edit.path);
    if (JSON.stringify(before) === JSON.stringify(edit.value)) continue;
    setPath(root, edit.path, edit.value);
    changes.push({ at: new Date().toISOString(), file, path: edit.path, ...(before === undefined ? {} : { before }), after: edit.value, reason: edit.reason });
  }
  if (changes.length === 0) return changes;
  writeFileAtomic(file, `${JSON.stringify(root, null, 2)}\n`);
  for (const change of changes) appendFileSync(join(ledgerDir, LEDGER_NAME), `${JSON.stringify(change)}\n`, { mode: 0o600 });
  return changes;
}

/** Undo recorded changes, newest first, where the key still holds the value loop wrote. */
export function revertChanges(changes: ConfigChange[]): { reverted: ConfigChange[]; kept: ConfigChange[] } {
  const reverted: ConfigChange[] = [];
  const kept: ConfigChange[] = [];
  for (const change of [...changes].sort((a, b) => b.at.localeCompare(a.at))) {
    if (!existsSync(change.file)) {
      kept.push(change);
      continue;
    }
    const root = JSON.parse(readFileSync(change.file, 'utf8')) as Json;
    if (JSON.stringify(getPath(root, change.path)) !== JSON.stringify(change.after)) {
      kept.push(change);
      continue;
    }
    setPath(root, change.path, change.before);
    writeFileAtomic(change.file, `${JSON.stringify(root, null, 2)}\n`);
    reverted.push(change);
  }
  return { reverted, kept };
}

/** Read a run's ledger (missing: none). */
export function readLedger(runDir: string): ConfigChange[] {
  const path = join(runDir, LEDGER_NAME);
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').filter(Boolean).flatMap((line) => {
    try {
      return [JSON.parse(line) as ConfigChange];
    } catch {
      return [];
    }
  });
}
