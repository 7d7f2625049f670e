import type { AgentAdapter } from '../agents/card.js';
import { resolveAgent } from '../agents/registry.js';
import type { Role, RoleMap } from '../bus/message.js';
import type { Config } from '../config/schema.js';
import type { Manifest } from '../run/manifest.js';

/** The adapter of each role of a run, from the agent name each role is given. */
export function runAgents(config: Config, roles: readonly Role[], agentName: (role: Role) => string): RoleMap<AgentAdapter> {
  const resolve = (role: Role) => resolveAgent(agentName(role), config, role);
  const agents: RoleMap<AgentAdapter> = { worker: resolve('worker'), reviewer: resolve('reviewer') };
  for (const role of roles) if (role !== 'worker' && role !== 'reviewer') agents[role] = resolve(role);
  return agents;
}

/** A new run's `roles` in the manifest: each role's agent name, no session yet. */
export function roleInfos(roles: readonly Role[], agentName: (role: Role) => string): Manifest['roles'] {
  const info = (role: Role) => ({ agent: agentName(role), sessionId: null });
  const result: Manifest['roles'] = { worker: info('worker'), reviewer: info('reviewer') };
  for (const role of roles) if (role !== 'worker' && role !== 'reviewer') result[role] = info(role);
  return result;
}
