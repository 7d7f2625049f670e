import { fileURLToPath } from 'node:url';
import type { AgentConfig, Config } from '../config/schema.js';
import { usageError } from '../errors.js';
import type { AgentAdapter } from './card.js';
import { commandAgent } from './command-agent.js';

const demoScript = (name: string) => fileURLToPath(new URL(`./demo/${name}.js`, import.meta.url));

/** The scripted demo pair shipped with loop (clearly labelled: it only shows how a run flows). */
export const DEMO_AGENTS: Record<string, AgentConfig> = {
  'demo-worker': { command: process.execPath, args: [demoScript('demo-worker')], idlePattern: '^demo-worker>$' },
  'demo-reviewer': { command: process.execPath, args: [demoScript('demo-reviewer')], idlePattern: '^demo-reviewer>$' },
};

/** Built-in harness names (adapters arrive with the real-agent support). */
export const BUILTIN_HARNESSES = ['claude', 'codex', 'gemini'] as const;

/** The adapter for an agent name: a configured command agent, a built-in, or the demo pair. */
export function resolveAgent(name: string, config: Config, key: 'worker' | 'reviewer'): AgentAdapter {
  const configured = config.agents[name];
  if (configured?.command) return commandAgent(name, configured);
  if (name in DEMO_AGENTS) return commandAgent(name, { ...DEMO_AGENTS[name], ...configured }, 'demo');
  if ((BUILTIN_HARNESSES as readonly string[]).includes(name)) {
    throw usageError(
      `${key}: the built-in '${name}' adapter is not available in this version`,
      `define a command agent: "agents": {"${name}": {"command": "…"}} in .loop.json, or try: loop demo`,
    );
  }
  if (configured) return commandAgent(name, configured);
  const known = [...Object.keys(config.agents), ...Object.keys(DEMO_AGENTS)].join(', ');
  throw usageError(`${key}: unknown agent '${name}' (known: ${known || 'none'})`, `define it under "agents" in .loop.json`);
}
