import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentAdapter } from '../agents/card.js';
import type { Role, RoleMap } from '../bus/message.js';
import type { Config } from '../config/schema.js';
import { ensureDir } from '../run/fs-atomic.js';
import { loopLauncher } from './launcher.js';
import type { Journal } from '../run/journal.js';
import type { RunLock } from '../run/lock.js';
import type { CheckoutLock } from '../run/checkout-lock.js';
import { manifestText, type Manifest } from '../run/manifest.js';
import type { ManifestWriter } from '../run/manifest-writer.js';
import type { RunRef } from '../run/store.js';
import type { Isolation } from '../isolation/isolation.js';
import type { RecordMirrors } from '../isolation/record-mirrors.js';
import type { RoleKeys } from '../isolation/role-keys.js';

/** Everything a driven run holds: where it lives, what it runs, and its open journal and lock. */
export interface RunContext {
  ref: RunRef;
  config: Config;
  root: string;
  journal: Journal;
  lock: RunLock;
  /** The checkout lock: this run is the only live run in its working tree. */
  checkoutLock?: CheckoutLock;
  manifest: Manifest;
  /** Writes `manifest` (with the journal's head), refusing versions loop did not write. */
  manifestFile: ManifestWriter;
  /** The run's roles: the worker, then its reviewers (`reviewer`, `reviewer-2`, … with a panel). */
  roles: Role[];
  agents: RoleMap<AgentAdapter>;
  /** Tree hash when the run started: the base of the diff shown to the reviewer. */
  baseTree: string;
  ci: boolean;
  /** The user's environment, passed through to agents and proof commands. */
  env: Record<string, string>;
  /** How the agents are isolated from each other and from the run's records. */
  isolation: Isolation;
  /** Role keys: a message's proof of origin where there is no sandbox. */
  keys: RoleKeys;
  /** `$LOOP_HOME`: every run's records (hidden from sandboxed agents but for their own run's). */
  home: string;
  /** Under the sandbox: the agents' copies of the journal and manifest, kept in step and watched. */
  mirrors?: RecordMirrors;
}


/** Write `<runDir>/bin/loop`, a shim that runs this very loop with this node. */
export function writeLoopShim(runDir: string): string {
  const dir = join(runDir, 'bin');
  ensureDir(dir);
  const shim = join(dir, 'loop');
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  writeFileSync(shim, `#!/bin/sh\nexec ${quote(process.execPath)} ${quote(loopLauncher())} "$@"\n`, { mode: 0o700 });
  chmodSync(shim, 0o700);
  return dir;
}

/** Update the manifest from a patch, stamping `updatedAt` and the journal's head. */
export function saveManifest(context: RunContext, patch: Partial<Manifest>): void {
  context.manifest = context.manifestFile.write({ ...context.manifest, ...patch, updatedAt: new Date().toISOString() });
  context.mirrors?.writeManifest(manifestText(context.manifest));
}

/** The adapter of one of the run's roles. */
export function agentOf(context: Pick<RunContext, 'agents'>, role: Role): AgentAdapter {
  const adapter = context.agents[role];
  if (!adapter) throw new Error(`this run has no ${role}`);
  return adapter;
}

/** Record an agent's current session id (kept when unknown) and pid in the manifest. */
export function saveRoleInfo(context: RunContext, role: Role, sessionId: string | null, pid: number | null): void {
  const roles = context.manifest.roles;
  saveManifest(context, { roles: { ...roles, [role]: { agent: agentOf(context, role).card.name, sessionId: sessionId ?? roles[role]?.sessionId ?? null, pid } } });
}
