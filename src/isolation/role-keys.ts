import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Role } from '../bus/message.js';
import { writeFileAtomic } from '../run/fs-atomic.js';
import { privateDir } from './agent-area.js';

/** One secret per role and run: without a sandbox, a message proves its role by a MAC made with it. */
export type RoleKeys = Partial<Record<Role, string>>;

const keysPath = (runDir: string) => join(privateDir(runDir), 'role-keys.json');

/** The run's role keys (one per role of the run), made on first use and kept (0600, in `private/`) so a resumed run knows them. */
export function loadRoleKeys(runDir: string, roles: readonly Role[]): RoleKeys {
  const path = keysPath(runDir);
  let kept: RoleKeys = {};
  if (existsSync(path)) {
    try {
      kept = JSON.parse(readFileSync(path, 'utf8')) as RoleKeys;
    } catch {
      // Unreadable: make new keys (the agents are relaunched with them).
    }
  }
  const keys: RoleKeys = {};
  for (const role of roles) {
    const key = kept[role];
    keys[role] = typeof key === 'string' ? key : randomBytes(32).toString('hex');
  }
  if (roles.some((role) => keys[role] !== kept[role])) writeFileAtomic(path, JSON.stringify(keys));
  return keys;
}

/** The MAC of a spool record's body (its JSON text without the `mac` field). */
export const macOf = (key: string, body: string): string => createHmac('sha256', key).update(body).digest('hex');

/** Does `mac` match the body under `key`? */
export function macMatches(key: string, body: string, mac: string): boolean {
  const expected = Buffer.from(macOf(key, body), 'hex');
  const given = Buffer.from(mac, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
