import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentConfig } from '../../config/schema.js';
import type { AgentAdapter, AgentCard, HarnessDoctor, HarnessSignals, LaunchContext, LaunchPlan, SessionWhere } from '../card.js';
import type { TurnSignal } from '../signals.js';
import { loopCommand, mcpServerEntry } from './bridge-files.js';
import { backspaces, contentText, listFiles, recordHolds } from './session-files.js';
import { codexNotional, codexUsage } from './codex-usage.js';
import { dayDirs, rolloutOf, threadOf } from './codex-sessions.js';
import { tomlArray, tomlString, tomlTable } from './toml.js';

export const CODEX_CARD: AgentCard = {
  name: 'codex',
  kind: 'builtin',
  description: 'OpenAI Codex CLI (codex)',
  sessionId: 'captured',
  resume: true,
  initialPromptOnCommandLine: true,
  turnEnd: ['notify', 'screen'],
  turnStart: ['session-file'],
  mcp: true,
};

const str = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** `notify` runs at the end of each turn with `{type:"agent-turn-complete", "thread-id", …}` (codex 0.169). */
export const CODEX_SIGNALS: HarnessSignals = {
  events: ['codex-notify'],
  parse(event, payload): TurnSignal {
    const inputs = Array.isArray(payload['input-messages']) ? (payload['input-messages'] as unknown[]) : [];
    // Why: codex 0.169 also notifies for its title-generation sub-turn, on another thread (FINDINGS §3).
    const title = typeof inputs[0] === 'string' && inputs[0].startsWith('Generate a concise, single-line task title');
    const sessionId = str(payload['thread-id']);
    const lastMessage = str(payload['last-assistant-message'])?.slice(0, 500);
    return {
      at: new Date().toISOString(), event, kind: 'turn-end',
      ...(sessionId ? { sessionId } : {}), ...(lastMessage ? { lastMessage } : {}), ...(title ? { ignored: 'title sub-turn' } : {}),
    };
  },
};

export const CODEX_DOCTOR: HarnessDoctor = {
  package: '@openai/codex',
  auth(env) {
    const dir = env.CODEX_HOME ?? join(env.HOME ?? '/root', '.codex');
    if (existsSync(join(dir, 'auth.json'))) return `logged in (${join(dir, 'auth.json')})`;
    if (env.OPENAI_API_KEY) return 'OPENAI_API_KEY is set';
    let config = '';
    try {
      config = readFileSync(join(dir, 'config.toml'), 'utf8');
    } catch {
      return undefined; // no config: no custom provider either
    }
    if (/^\s*model_provider\s*=/m.test(config) && /\[model_providers\./.test(config)) return `custom model provider in ${join(dir, 'config.toml')}`;
    return undefined;
  },
  loginFix: 'run `codex login`, or set OPENAI_API_KEY',
};

/**
 * A user prompt in a Codex rollout: `{"type":"response_item","payload":{"type":"message","role":"user","content":[…]}}`
 * or the `{"type":"event_msg","payload":{"type":"user_message","message":…}}` twin (codex 0.169).
 */
const codexPrompt = (line: Record<string, unknown>): string | undefined => {
  const payload = line.payload as Record<string, unknown> | undefined;
  if (!payload) return undefined;
  if (line.type === 'response_item' && payload.type === 'message' && payload.role === 'user') return contentText(payload.content);
  if (line.type === 'event_msg' && payload.type === 'user_message') return str(payload.message);
  return undefined;
};

/** The thread Codex started since `since` whose rollout holds one of the ids as a user prompt. */
function discoverThread(where: SessionWhere & { since: number; messageIds: string[] }): string | null {
  for (const day of dayDirs(where.env, where.since)) {
    for (const path of listFiles(day)) {
      const thread = threadOf(path);
      if (!thread) continue;
      const modified = statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? 0;
      if (modified < where.since - 2000) continue;
      if (where.messageIds.some((id) => recordHolds(path, id, codexPrompt))) return thread;
    }
  }
  return null;
}

/**
 * The built-in Codex adapter. Everything is passed as `-c` overrides for this process only: the bridge MCP
 * server (auto-approved), the `notify` turn-end program, and trust for this folder. The user's
 * config.toml is never written. The thread id is found in the rollout file Codex writes when a prompt is
 * submitted (the first one is on the command line, at launch), and confirmed by each `notify`.
 */
export function codexAdapter(config: AgentConfig = {}): AgentAdapter {
  return {
    card: CODEX_CARD,
    command: config.command ?? 'codex',
    installHint: 'npm install -g @openai/codex',
    signals: CODEX_SIGNALS,
    doctor: CODEX_DOCTOR,
    // Why: one Backspace per typed character empties the composer whether it shows the text or a placeholder
    // ("[Pasted text #1 +9 lines]" goes with one); Ctrl-U clears one line only, Esc and Ctrl-C would interrupt a
    // turn or quit (claude 2.1.197, codex 0.169, gemini 0.61; test/e2e/FINDINGS.md §7).
    clearInput: backspaces,
    sessionHolds(sessionId, messageId, { env }) {
      const path = rolloutOf(env, sessionId);
      return path !== undefined && recordHolds(path, messageId, codexPrompt);
    },
    discoverSession: discoverThread,
    usage: {
      read: (threadId, { env }) => {
        const path = rolloutOf(env, threadId);
        return path ? codexUsage(path) : { ok: false, reason: `no Codex rollout file for thread ${threadId} under ${join(env.CODEX_HOME ?? join(env.HOME ?? '/root', '.codex'), 'sessions')}` };
      },
      notional: codexNotional,
    },
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
