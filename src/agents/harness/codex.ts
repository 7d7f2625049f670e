import { join } from 'node:path';
import type { AgentConfig } from '../../config/schema.js';
import type { AgentAdapter, AgentCard, LaunchContext, LaunchPlan } from '../card.js';
import { loopCommand, mcpServerEntry } from './bridge-files.js';
import { tomlArray, tomlString, tomlTable } from './toml.js';

export const CODEX_CARD: AgentCard = {
  name: 'codex',
  kind: 'builtin',
  description: 'OpenAI Codex CLI (codex)',
  sessionId: 'captured',
  resume: true,
  initialPromptOnCommandLine: true,
  turnEnd: ['notify', 'screen'],
  mcp: true,
};

/**
 * The built-in Codex adapter. Everything is passed as `-c` overrides for this process only: the bridge MCP
 * server (auto-approved), the `notify` turn-end program, and trust for this folder. The user's
 * config.toml is never written. The thread id is captured from the first `notify`.
 */
export function codexAdapter(config: AgentConfig = {}): AgentAdapter {
  return {
    card: CODEX_CARD,
    command: config.command ?? 'codex',
    installHint: 'npm install -g @openai/codex',
    protectedPaths({ cwd, env }) {
      return [join(env.CODEX_HOME ?? join(env.HOME ?? '/root', '.codex'), 'config.toml'), join(cwd, '.codex', 'config.toml')];
    },
    async plan(context: LaunchContext): Promise<LaunchPlan> {
      const mcp = mcpServerEntry(context);
      const overrides = [
        `notify=${tomlArray(loopCommand('hook', 'codex-notify'))}`,
        `mcp_servers.loop.command=${tomlString(mcp.command)}`,
        `mcp_servers.loop.args=${tomlArray(mcp.args)}`,
        `mcp_servers.loop.env=${tomlTable(mcp.env)}`,
        'mcp_servers.loop.default_tools_approval_mode="approve"',
        // Why: a git repo shows "Trust this folder?" until projects.<path>.trust_level is set (codex 0.169).
        `projects={${tomlString(context.cwd)}={trust_level="trusted"}}`,
        'tui.screen_reader_detection_done=true',
        // Why: the shell tool runs `bash -lc` by default, and a login shell's /etc/profile resets PATH, which
        // hides loop's `loop` from the agent (codex 0.169 on Debian).
        'allow_login_shell=false',
      ];
      const flags = [
        // Why: plain `codex` starts a shared app-server daemon that outlives the TUI (codex 0.169); never leave one.
        '--no-daemon',
        ...overrides.flatMap((o) => ['-c', o]),
        ...(context.ci ? ['--dangerously-bypass-approvals-and-sandbox'] : []),
        ...(config.model ? ['-m', config.model] : []),
      ];
      const args = context.resumeSessionId
        ? [...(config.args ?? []), 'resume', ...flags, context.resumeSessionId]
        : [...(config.args ?? []), ...flags, ...(context.initialPrompt ? [context.initialPrompt] : [])];
      return {
        command: config.command ?? 'codex',
        args,
        env: { ...context.env, ...config.env },
        // Why: the composer line "› …" stays on screen while Codex works; "esc to interrupt" marks a turn.
        idle: { pattern: /^›(\s|$)/, matchScreen: true, busyPattern: /esc to interrupt/, attentionPattern: /Would you like to run the following command|Allow the \S+ MCP server to run tool|Trust this folder\?|Allow command\?/, quietMs: config.quietMs ?? 600 },
        sessionId: context.resumeSessionId ?? null,
        initialPromptOnCommandLine: Boolean(context.initialPrompt) && !context.resumeSessionId,
      };
    },
  };
}
