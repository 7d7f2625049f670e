import { fileURLToPath } from 'node:url';
import type { AgentConfig, Config } from '../config/schema.js';
import { usageError } from '../errors.js';
import type { AgentAdapter } from './card.js';
import { commandAgent } from './command-agent.js';
import { claudeAdapter } from './harness/claude.js';
import { codexAdapter } from './harness/codex.js';
import { geminiAdapter } from './harness/gemini.js';

const demoScript = (name: string) => fileURLToPath(new URL(`./demo/${name}.js`, import.meta.url));

/** The scripted demo pair shipped with loop (clearly labelled: it only shows how a run flows). */
export const DEMO_AGENTS: Record<string, AgentConfig> = {
  'demo-worker': { command: process.execPath, args: [demoScript('demo-worker')], idlePattern: '^demo-worker>$' },
  'demo-reviewer': { command: process.execPath, args: [demoScript('demo-reviewer')], idlePattern: '^demo-reviewer>$' },
};

/** The built-in harness adapters; `agents.<name>` in the config overrides command, args, env and model. */
export const BUILTIN_HARNESSES = { claude: claudeAdapter, codex: codexAdapter, gemini: geminiAdapter } as const;
export type BuiltinName = keyof typeof BUILTIN_HARNESSES;
export const isBuiltin = (name: string): name is BuiltinName => Object.hasOwn(BUILTIN_HARNESSES, name);

/** The adapter for an agent name: a configured command agent, a built-in, or the demo pair. */
export function resolveAgent(name: string, config: Config, key: string): AgentAdapter {
  const configured = config.agents[name];
  if (isBuiltin(name)) return BUILTIN_HARNESSES[name](configured);
  if (name in DEMO_AGENTS) return commandAgent(name, { ...DEMO_AGENTS[name], ...configured }, 'demo');
  if (configured) return commandAgent(name, configured);
  const known = [...Object.keys(BUILTIN_HARNESSES), ...Object.keys(config.agents), ...Object.keys(DEMO_AGENTS)].join(', ');
  throw usageError(`${key}: unknown agent '${name}' (known: ${known || 'none'})`, `define it under "agents" in .loop.json`);
}
