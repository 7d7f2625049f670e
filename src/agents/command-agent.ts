import type { AgentConfig } from '../config/schema.js';
import { usageError } from '../errors.js';
import type { AgentAdapter, AgentCard, LaunchContext, LaunchPlan } from './card.js';

/** Idle pattern for command agents that do not set one: a line ending in a common prompt character. */
export const DEFAULT_IDLE_PATTERN = '[>$%#❯›]$';
export const DEFAULT_QUIET_MS = 200;

/** A custom agent: any program that reads prompts from its terminal (contract: config `agents`). */
export function commandAgent(name: string, config: AgentConfig, kind: AgentCard['kind'] = 'command'): AgentAdapter {
  if (!config.command) {
    throw usageError(`agents.${name}.command: required for a custom agent`, `add "command" to agents.${name} in .loop.json`);
  }
  const card: AgentCard = {
    name,
    kind,
    description: kind === 'demo' ? `scripted demo agent (${name})` : `custom command: ${config.command}`,
    sessionId: 'none',
    resume: false,
    initialPromptOnCommandLine: false,
    turnEnd: ['screen'],
    turnStart: ['screen'],
    mcp: false,
  };
  return {
    card,
    command: config.command,
    async plan(context: LaunchContext): Promise<LaunchPlan> {
      return {
        command: config.command!,
        args: config.args ?? [],
        env: { ...context.env, ...config.env },
        idle: { pattern: new RegExp(config.idlePattern ?? DEFAULT_IDLE_PATTERN), quietMs: config.quietMs ?? DEFAULT_QUIET_MS },
        sessionId: null,
      };
    },
  };
}
