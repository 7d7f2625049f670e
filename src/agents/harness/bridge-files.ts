import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LaunchContext } from '../card.js';
import { loopLauncher } from '../../loop/launcher.js';

/** The command line that runs this loop (node + bin/loop.js), for hooks and the MCP server. */
export const loopCommand = (...args: string[]): string[] => [process.execPath, loopLauncher(), ...args];

/**
 * The LOOP_* variables an agent-side helper (MCP server, hook) needs; LOOP_TOKEN, the role key, only where
 * loop handed one out (no sandbox), since some harnesses do not pass their environment on to MCP servers.
 */
export const bridgeEnv = (context: LaunchContext): Record<string, string> => ({
  LOOP_RUN_ID: context.runId,
  LOOP_RUN_DIR: context.runDir,
  LOOP_ROLE: context.role,
  ...(context.env.LOOP_TOKEN ? { LOOP_TOKEN: context.env.LOOP_TOKEN } : {}),
});

/** Quote one argument for a POSIX shell (hook commands are shell strings in some harnesses). */
export const shellQuote = (value: string) => (/^[A-Za-z0-9_./:=@%+-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`);

/** A hook command string that records a turn-end signal: `node loop.js hook <event>`. */
export const hookShellCommand = (event: string) => loopCommand('hook', event).map(shellQuote).join(' ');

/** Write a JSON file owned by the run (0600) and return its path. */
export function writeRunFile(context: LaunchContext, name: string, data: unknown): string {
  const path = join(context.runDir, `${context.role}-${name}`);
  writeFileSync(path, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
  return path;
}

/** The MCP server entry that registers `loop mcp` for this agent. */
export const mcpServerEntry = (context: LaunchContext) => {
  const [command, ...args] = loopCommand('mcp');
  return { command: command!, args, env: bridgeEnv(context) };
};
