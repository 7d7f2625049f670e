import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AgentConfig } from '../../config/schema.js';
import type { AgentAdapter, AgentCard, LaunchContext, LaunchPlan } from '../card.js';
import { hookShellCommand, mcpServerEntry, writeRunFile } from './bridge-files.js';

export const GEMINI_CARD: AgentCard = {
  name: 'gemini',
  kind: 'builtin',
  description: 'Google Gemini CLI (gemini)',
  sessionId: 'assigned',
  resume: true,
  initialPromptOnCommandLine: true,
  turnEnd: ['hook', 'screen'],
  mcp: true,
};

const DEFAULT_SYSTEM_SETTINGS = '/etc/gemini-cli/settings.json';

/** Existing system settings (which our run-local file replaces for this process), so they keep applying. */
function systemSettings(env: Record<string, string>): Record<string, unknown> {
  const path = env.GEMINI_CLI_SYSTEM_SETTINGS_PATH ?? DEFAULT_SYSTEM_SETTINGS;
  if (!existsSync(path)) return {};
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** The first directory above `path` that others may write to; Gemini then ignores a settings file there. */
function insecureParent(path: string): string | undefined {
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    const mode = statSync(dir, { throwIfNoEntry: false })?.mode ?? 0;
    if (mode & 0o022) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * The built-in Gemini CLI adapter. The bridge MCP server and the AfterAgent turn-end hook go into a run-local
 * *system* settings file (GEMINI_CLI_SYSTEM_SETTINGS_PATH), merged over any existing one; folder trust comes
 * from GEMINI_CLI_TRUST_WORKSPACE. The user's own ~/.gemini/settings.json is never written.
 */
export function geminiAdapter(config: AgentConfig = {}): AgentAdapter {
  return {
    card: GEMINI_CARD,
    async plan(context: LaunchContext): Promise<LaunchPlan> {
      const base = { ...context.env, ...config.env };
      const current = systemSettings(base);
      const settingsPath = writeRunFile(context, 'gemini-system-settings.json', {
        ...current,
        mcpServers: { ...(current.mcpServers as object | undefined), loop: { ...mcpServerEntry(context), trust: true } },
        hooks: {
          ...(current.hooks as object | undefined),
          AfterAgent: [{ hooks: [{ name: 'loop-turn-end', type: 'command', command: hookShellCommand('gemini-after-agent') }] }],
        },
      });
      const env = {
        ...base,
        GEMINI_CLI_SYSTEM_SETTINGS_PATH: settingsPath,
        GEMINI_CLI_TRUST_WORKSPACE: 'true',
        // Why: without it the TUI opens with a "True color support not detected" warning (gemini-cli 0.61).
        COLORTERM: base.COLORTERM ?? 'truecolor',
      };
      const insecure = insecureParent(settingsPath);
      const notices = insecure
        ? [`Gemini will ignore ${settingsPath} because ${insecure} is writable by others: no bridge or turn-end hook for it. Put LOOP_HOME in a private directory.`]
        : [];
      const sessionId = context.resumeSessionId ?? randomUUID();
      const args = [
        ...(config.args ?? []),
        ...(context.resumeSessionId ? ['--resume', sessionId] : ['--session-id', sessionId]),
        ...(context.ci ? ['--approval-mode=yolo'] : []),
        ...(config.model ? ['-m', config.model] : []),
        ...(context.initialPrompt ? ['-i', context.initialPrompt] : []),
      ];
      return {
        command: config.command ?? 'gemini',
        args,
        env,
        // Why: the placeholder stays on screen while Gemini works; "esc to cancel" marks a turn (0.61).
        idle: { pattern: /Type your message or @path\/to\/file/, matchScreen: true, busyPattern: /esc to cancel/, quietMs: config.quietMs ?? 800 },
        sessionId,
        initialPromptOnCommandLine: Boolean(context.initialPrompt),
        notices,
      };
    },
  };
}
