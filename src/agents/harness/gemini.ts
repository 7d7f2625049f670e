import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import type { AgentConfig } from '../../config/schema.js';
import type { AgentAdapter, AgentCard, HarnessDoctor, HarnessSignals, LaunchContext, LaunchPlan, SessionWhere } from '../card.js';
import { hookSignal } from '../signals.js';
import { hookShellCommand, mcpServerEntry } from './bridge-files.js';
import { chatMessages, isResumable, promptText } from './gemini-chat.js';
import { geminiNotional, geminiUsage } from './gemini-usage.js';
import { backspaces, fileText, listFiles, readTail } from './session-files.js';

export const GEMINI_CARD: AgentCard = {
  name: 'gemini',
  kind: 'builtin',
  description: 'Google Gemini CLI (gemini)',
  sessionId: 'assigned',
  resume: true,
  initialPromptOnCommandLine: true,
  turnEnd: ['hook', 'screen'],
  turnStart: ['hook'],
  mcp: true,
};

/** `BeforeAgent` says a prompt was submitted (the turn started), `AfterAgent` that the turn ended (gemini-cli 0.61). */
export const GEMINI_SIGNALS: HarnessSignals = {
  events: ['gemini-before-agent', 'gemini-after-agent'],
  parse: (event, payload) => hookSignal(event, event === 'gemini-before-agent' ? 'turn-start' : 'turn-end', payload, payload.prompt_response),
};

export const GEMINI_DOCTOR: HarnessDoctor = {
  package: '@google/gemini-cli',
  auth(env) {
    const dir = join(env.GEMINI_CLI_HOME ?? env.HOME ?? '/root', '.gemini');
    const settings = fileText(join(dir, 'settings.json'));
    if (env.GEMINI_API_KEY || env.GOOGLE_API_KEY) return /"selectedType"/.test(settings) ? 'GEMINI_API_KEY is set' : undefined;
    if (existsSync(join(dir, 'oauth_creds.json'))) return `signed in (${join(dir, 'oauth_creds.json')})`;
    if (env.GOOGLE_GENAI_USE_VERTEXAI) return 'Vertex AI configured';
    return undefined;
  },
  loginFix: 'run `gemini` once and sign in, or set GEMINI_API_KEY and "security": {"auth": {"selectedType": "gemini-api-key"}} in ~/.gemini/settings.json',
};

/**
 * Gemini keeps a session as `.gemini/tmp/<project>/chats/session-<time>-<first 8 of the id>.jsonl`, whose first
 * line names the whole id (gemini-cli 0.61).
 */
function chatFiles({ env }: SessionWhere, sessionId: string): string[] {
  const tmp = join(env.GEMINI_CLI_HOME ?? env.HOME ?? '/root', '.gemini', 'tmp');
  return listFiles(tmp).flatMap((project) => listFiles(join(project, 'chats')))
    .filter((path) => path.endsWith(`${sessionId.slice(0, 8)}.jsonl`) && readTail(path).includes(sessionId));
}


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
 * Write the run-local system settings: in the run directory, or, when one of its parents is writable by others
 * (Gemini then refuses the file, e.g. LOOP_HOME under /tmp), in a private directory under the user's home.
 */
function writeSettings(context: LaunchContext, env: Record<string, string>, settings: Record<string, unknown>): string {
  const name = `${context.role}-gemini-system-settings.json`;
  const fallbacks = [env.HOME, userInfo().homedir]
    .filter((home): home is string => Boolean(home))
    .map((home) => join(home, '.cache', 'loop', 'gemini', context.runId));
  const dir = [context.runDir, ...fallbacks].find((candidate) => !insecureParent(join(candidate, name))) ?? context.runDir;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, name);
  writeFileSync(path, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
  return path;
}

/**
 * The built-in Gemini CLI adapter. The bridge MCP server and the AfterAgent turn-end hook go into a run-local
 * *system* settings file (GEMINI_CLI_SYSTEM_SETTINGS_PATH), merged over any existing one; folder trust comes
 * from GEMINI_CLI_TRUST_WORKSPACE. The user's own ~/.gemini/settings.json is never written.
 */
export function geminiAdapter(config: AgentConfig = {}): AgentAdapter {
  return {
    card: GEMINI_CARD,
    command: config.command ?? 'gemini',
    installHint: 'npm install -g @google/gemini-cli',
    signals: GEMINI_SIGNALS,
    doctor: GEMINI_DOCTOR,
    // Why: one Backspace per typed character empties the composer whether it shows the text or a placeholder
    // ("[Pasted text #1 +9 lines]" goes with one); Ctrl-U clears one line only, Esc and Ctrl-C would interrupt a
    // turn or quit (claude 2.1.197, codex 0.169, gemini 0.61; test/e2e/FINDINGS.md §7).
    clearInput: backspaces,
    // Why: gemini 0.61 drops an Enter that follows a paste within ~300 ms (0 of 5 submitted at 0 ms, 4 of 5 at
    // 100 ms, 5 of 5 at 300 ms, under load; test/e2e/FINDINGS.md §7).
    enterDelayMs: 400,
    // Why: gemini 0.61 writes its chat file at launch, with a `<session_context>` user message of its own; a
    // session with nothing gemini counts as conversation cannot be resumed (`--resume` exits 42), so it is started
    // afresh with its task instead. The rule is gemini's own (gemini-chat.ts).
    hasSession(sessionId, where) {
      return chatFiles(where, sessionId).some((path) => chatMessages(path).some(isResumable));
    },
    sessionHolds(sessionId, messageId, where) {
      return chatFiles(where, sessionId).some((path) => chatMessages(path).some((m) => promptText(m)?.includes(messageId)));
    },
    usage: { read: (sessionId, where) => geminiUsage(chatFiles(where, sessionId)), notional: geminiNotional },
    protectedPaths({ cwd, env }) {
      const home = env.HOME ?? '/root';
      return [join(home, '.gemini', 'settings.json'), join(cwd, '.gemini', 'settings.json'), join(home, '.cache', 'loop', 'gemini')];
    },
    async plan(context: LaunchContext): Promise<LaunchPlan> {
      const base = { ...context.env, ...config.env };
      const current = systemSettings(base);
      const settingsPath = writeSettings(context, base, {
        ...current,
        mcpServers: { ...(current.mcpServers as object | undefined), loop: { ...mcpServerEntry(context), trust: true } },
        hooks: {
          ...(current.hooks as object | undefined),
          AfterAgent: [{ hooks: [{ name: 'loop-turn-end', type: 'command', command: hookShellCommand('gemini-after-agent') }] }],
          BeforeAgent: [{ hooks: [{ name: 'loop-turn-start', type: 'command', command: hookShellCommand('gemini-before-agent') }] }],
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
        : settingsPath.startsWith(context.runDir) ? [] : [`gemini settings written to ${settingsPath} (the run directory is under a directory others can write to)`];
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
        idle: { pattern: /Type your message or @path\/to\/file/, matchScreen: true, busyPattern: /esc to cancel/, attentionPattern: /Allow execution of|Action Required|Do you trust the files in this folder/, quietMs: config.quietMs ?? 800 },
        sessionId,
        initialPromptOnCommandLine: Boolean(context.initialPrompt),
        notices,
        signals: !insecure,
      };
    },
  };
}
