import type { Role } from '../bus/message.js';
import type { Arrival } from '../bus/intake.js';
import type { Isolation } from './isolation.js';
import { macMatches, type RoleKeys } from './role-keys.js';

/** Whose a record really is, or why it is a forgery. */
export type Provenance = { ok: true; role: Role } | { ok: false; claimed: string; reason: string };

const claimedRole = (arrival: Arrival): string =>
  arrival.record.type === 'submission' ? arrival.record.submission.from : arrival.record.refusal.from;

/**
 * Establish a record's role from where it came, never from what it claims. Under the sandbox, an agent can
 * write only into its own drop-box (every other drop-box path in its view leads there too), so the box is the
 * origin. Without one, the record must carry the MAC of its claimed role's key, which only that agent holds.
 */
export function establishRole(arrival: Arrival, isolation: Isolation, keys: RoleKeys): Provenance {
  const claimed = claimedRole(arrival);
  if (isolation.mode === 'sandbox') {
    if (arrival.box === 'shared') return { ok: false, claimed, reason: `written into spool/ outside any agent's drop-box (claims to be from the ${claimed})` };
    if (claimed !== arrival.box) return { ok: false, claimed, reason: `claims to be from the ${claimed}, but came from the ${arrival.box}'s drop-box` };
    return { ok: true, role: arrival.box };
  }
  const role = claimed as Role;
  if (!arrival.mac) return { ok: false, claimed, reason: `claims to be from the ${claimed}, but carries no role signature (LOOP_TOKEN)` };
  const key = keys[role];
  if (key === undefined) return { ok: false, claimed, reason: `claims to be from the ${claimed}, a role this run does not have` };
  if (!macMatches(key, arrival.body, arrival.mac)) return { ok: false, claimed, reason: `claims to be from the ${claimed}, but its signature is not the ${claimed}'s` };
  if (arrival.box !== 'shared' && arrival.box !== role) return { ok: false, claimed, reason: `signed by the ${claimed}, but found in the ${arrival.box}'s drop-box` };
  return { ok: true, role };
}
