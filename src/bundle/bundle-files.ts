import type { Manifest } from '../run/manifest.js';

/**
 * What a bundle holds, by name inside the run's folder: an allowlist, so anything a run directory gains later
 * (sockets, locks, role keys, agent homes and spools, the agents' views, the `loop` shim) stays out unless added here.
 */
export const BUNDLE_FILE = /^(?:manifest\.json|events\.jsonl|summary\.md|result\.json|(?:worker|reviewer(?:-[2-9])?)(?:\.\d{1,3})?\.cast|proof\/\d{1,6}\.log)$/;

/** The one folder inside a bundle besides the run's top folder. */
export const BUNDLE_DIRS = new Set(['proof']);

/** Files copied from the run directory as they are (the manifest is redacted; summary.md and result.json are made). */
export const isCopiedFile = (name: string): boolean => BUNDLE_FILE.test(name) && name !== 'manifest.json' && name !== 'summary.md' && name !== 'result.json';

/** Shown instead of a value a bundle leaves out. */
export const REDACTED = '(left out by loop export)';

/**
 * The manifest as a bundle carries it: the environment of each configured agent is where users put API keys,
 * so its values are replaced (the names stay, to tell what was set).
 */
export function redactManifest(manifest: Manifest): Manifest {
  const agents = manifest.config.agents;
  if (!agents || typeof agents !== 'object') return manifest;
  const redacted = Object.fromEntries(Object.entries(agents as Record<string, unknown>).map(([name, agent]) => {
    if (!agent || typeof agent !== 'object' || !('env' in agent) || !agent.env || typeof agent.env !== 'object') return [name, agent];
    const env = Object.fromEntries(Object.keys(agent.env).map((key) => [key, REDACTED]));
    return [name, { ...agent, env }];
  }));
  return { ...manifest, config: { ...manifest.config, agents: redacted } };
}
