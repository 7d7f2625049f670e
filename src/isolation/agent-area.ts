import { join } from 'node:path';
import type { Role } from '../bus/message.js';
import { ensureDir } from '../run/fs-atomic.js';

/**
 * Each agent's own corner of the run directory, `<run>/agents/<role>/`: its drop-box for outgoing messages,
 * its turn-end signals and its inbox cursor. Under the sandbox it is the only part of the run it can write,
 * and every path that leads to the other agent's corner leads back to its own.
 */
export const agentAreaDir = (runDir: string, role: Role) => join(runDir, 'agents', role);

/** Where an agent's outgoing messages land (its drop-box). */
export const dropBoxDir = (runDir: string, role: Role) => join(agentAreaDir(runDir, role), 'spool');

/**
 * What a sandboxed agent sees at the run directory's path: a folder of its own holding copies of the journal
 * and manifest (kept in step by loop, watched for writes), with the parts it needs bound in read-only.
 */
export const viewDir = (runDir: string, role: Role) => join(runDir, 'views', role);

/** The shared spool of the contract (`<run>/spool/`): under the sandbox each agent sees its own drop-box there. */
export const sharedSpoolDir = (runDir: string) => join(runDir, 'spool');

/** What only loop may read: role keys (never shown to an agent under the sandbox). */
export const privateDir = (runDir: string) => join(runDir, 'private');

/** Create each agent's area (0700) and the other directories a sandbox view binds. */
export function prepareAgentAreas(runDir: string, roles: readonly Role[]): void {
  for (const role of roles) {
    ensureDir(dropBoxDir(runDir, role));
    ensureDir(viewDir(runDir, role));
  }
  ensureDir(sharedSpoolDir(runDir));
  ensureDir(privateDir(runDir));
  ensureDir(join(runDir, 'proof'));
  ensureDir(join(runDir, 'bin'));
}
