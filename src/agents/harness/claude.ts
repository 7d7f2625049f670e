import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentConfig } from '../../config/schema.js';
import type { AgentAdapter, AgentCard, HarnessDoctor, HarnessSignals, LaunchContext, LaunchPlan } from '../card.js';
import { hookSignal } from '../signals.js';
import { hookShellCommand, mcpServerEntry, writeRunFile } from './bridge-files.js';
import { applyJsonEdits, type ConfigEdit } from './config-ledger.js';
import { backspaces, contentText, fileText, recordHolds } from './session-files.js';
import { claudeNotional, claudeUsage } from './claude-usage.js';

export const CLAUDE_CARD: AgentCard = {
  name: 'claude',
  kind: 'builtin',
  description: 'Claude Code (claude)',
  sessionId: 'assigned',
  resume: true,
  initialPromptOnCommandLine: true,
  turnEnd: ['hook', 'screen'],
  turnStart: ['hook'],
  mcp: true,
};

/** `UserPromptSubmit` says a prompt was submitted (the turn started), `Stop` that the turn ended (claude-code 2.1.x). */
export const CLAUDE_SIGNALS: HarnessSignals = {
  events: ['claude-prompt', 'claude-stop'],
  parse: (event, payload) => hookSignal(event, event === 'claude-prompt' ? 'turn-start' : 'turn-end', payload, payload.last_assistant_message),
};

export const CLAUDE_DOCTOR: HarnessDoctor = {
  package: '@anthropic-ai/claude-code',
  auth(env) {
    if (env.ANTHROPIC_API_KEY) return 'ANTHROPIC_API_KEY is set';
    if (env.ANTHROPIC_AUTH_TOKEN) return 'ANTHROPIC_AUTH_TOKEN is set';
    const home = env.HOME ?? '/root';
    const dir = env.CLAUDE_CONFIG_DIR ?? join(home, '.claude');
    if (existsSync(join(dir, '.credentials.json'))) return `logged in (${join(dir, '.credentials.json')})`;
    const state = env.CLAUDE_CONFIG_DIR ? join(dir, '.claude.json') : join(home, '.claude.json');
    if (fileText(state).includes('"oauthAccount"')) return `logged in (${state})`;
    return undefined;
  },
  loginFix: 'run `claude` once and log in, or set ANTHROPIC_API_KEY',
};

const projectsDir = (env: Record<string, string>) => join(env.CLAUDE_CONFIG_DIR ?? join(env.HOME ?? '/root', '.claude'), 'projects');

/** A prompt line of a Claude transcript: `{"type":"user","message":{"role":"user","content":…}}` without tool results. */
const claudePrompt = (line: Record<string, unknown>): string | undefined => {
  const message = line.message as { role?: unknown; content?: unknown } | undefined;
  return line.type === 'user' && message?.role === 'user' ? contentText(message.content) : undefined;
};

/**
 * Dialog answers that Claude Code keeps in its `.claude.json` ($CLAUDE_CONFIG_DIR, else $HOME): folder trust,
 * onboarding, the "use this API key?" question (whose default is No) and the bypass-mode warning. Only missing
 * answers are added; each is recorded in the run's ledger and undone by `loop doctor --revert`.
 */
function dialogEdits(context: LaunchContext, env: Record<string, string>): { file: string; edits: ConfigEdit[] } {
  const dir = env.CLAUDE_CONFIG_DIR;
  const file = dir ? join(dir, '.claude.json') : join(env.HOME ?? '/root', '.claude.json');
  const edits: ConfigEdit[] = [{ path: ['projects', context.cwd, 'hasTrustDialogAccepted'], value: true, reason: 'folder trust dialog' }];
  const key = env.ANTHROPIC_API_KEY;
  if (key || env.ANTHROPIC_AUTH_TOKEN) edits.push({ path: ['hasCompletedOnboarding'], value: true, reason: 'first-run onboarding (an API key is set)' });
  if (key) {
    const approved = currentApproved(file);
    const suffix = key.slice(-20);
    if (!approved.includes(suffix)) edits.push({ path: ['customApiKeyResponses', 'approved'], value: [...approved, suffix], reason: 'custom API key dialog' });
  }
  if (context.ci) edits.push({ path: ['bypassPermissionsModeAccepted'], value: true, reason: 'bypass-permissions warning (--ci)' });
  return { file, edits };
}

/** The built-in Claude Code adapter: `Stop` hook via --settings, bridge via --mcp-config, assigned session ids. */
export function claudeAdapter(config: AgentConfig = {}): AgentAdapter {
  return {
    card: CLAUDE_CARD,
    command: config.command ?? 'claude',
    installHint: 'npm install -g @anthropic-ai/claude-code',
    signals: CLAUDE_SIGNALS,
    doctor: CLAUDE_DOCTOR,
    // Why: one Backspace per typed character empties the composer whether it shows the text or a placeholder
    // ("[Pasted text #1 +9 lines]" goes with one); Ctrl-U clears one line only, Esc and Ctrl-C would interrupt a
    // turn or quit (claude 2.1.197, codex 0.169, gemini 0.61; test/e2e/FINDINGS.md §7).
    clearInput: backspaces,
    // Why: an Enter within ~100 ms of a paste is sometimes lost, or submits the text and also leaves it in the
    // composer (claude 2.1.197 on a loaded 2-core machine: 3 of 11 wrong at 0 ms, 0 of 6 at 300 ms; test/e2e/FINDINGS.md §7).
    enterDelayMs: 300,
    sessionHolds(sessionId, messageId, { env }) {
      return transcriptPaths(projectsDir(env), sessionId).some((path) => recordHolds(path, messageId, claudePrompt));
    },
    protectedPaths({ cwd, env }) {
      const home = env.HOME ?? '/root';
      const dir = env.CLAUDE_CONFIG_DIR ?? join(home, '.claude');
      return [join(dir, 'settings.json'), join(home, '.claude', 'settings.json'), join(cwd, '.claude', 'settings.json'), join(cwd, '.claude', 'settings.local.json'), join(cwd, '.mcp.json')];
    },
    usage: { read: (sessionId, { env }) => claudeUsage(transcriptPaths(projectsDir(env), sessionId)), notional: claudeNotional },
    hasSession(sessionId, { env }) {
      return transcriptPaths(projectsDir(env), sessionId).some((path) => fileText(path).includes('"type":"user"'));
    },
    async plan(context: LaunchContext): Promise<LaunchPlan> {
      const env: Record<string, string> = { ...context.env, DISABLE_AUTOUPDATER: '1', ...config.env };
      // Why: the binary refuses --dangerously-skip-permissions as root unless IS_SANDBOX=1 (claude-code 2.1.x).
      if (context.ci && process.getuid?.() === 0) env.IS_SANDBOX = '1';
      const { file, edits } = dialogEdits(context, env);
      const changes = applyJsonEdits(file, edits, context.runDir);
      const settings = writeRunFile(context, 'claude-settings.json', {
        hooks: {
          Stop: [{ hooks: [{ type: 'command', command: hookShellCommand('claude-stop') }] }],
          UserPromptSubmit: [{ hooks: [{ type: 'command', command: hookShellCommand('claude-prompt') }] }],
        },
      });
      const mcp = writeRunFile(context, 'claude-mcp.json', { mcpServers: { loop: { type: 'stdio', ...mcpServerEntry(context) } } });
      const sessionId = context.resumeSessionId ?? randomUUID();
      const args = [
        ...(config.args ?? []),
        ...(context.resumeSessionId ? ['--resume', sessionId] : ['--session-id', sessionId]),
        // Why: --mcp-config and --allowedTools take several values; a single-valued option must come
        // between them and the positional prompt, or the prompt is read as one more value.
        '--mcp-config', mcp,
        ...(context.ci ? ['--dangerously-skip-permissions'] : ['--allowedTools', 'mcp__loop,Bash(loop msg:*),Bash(loop inbox:*)']),
        ...(config.model ? ['--model', config.model] : []),
        '--settings', settings,
        ...(context.initialPrompt ? [context.initialPrompt] : []),
      ];
      return {
        command: config.command ?? 'claude',
        args,
        env,
        // Why: the empty composer (❯ + U+00A0) stays on screen while Claude works; "esc to interrupt" and the
        // spinner line tell the two apart (claude-code 2.1.197, test/e2e/FINDINGS.md §2).
        idle: { pattern: /^❯\s*$/, matchScreen: true, busyPattern: /esc to interrupt|^\S [A-Z][a-z]+…/m, attentionPattern: /Do you want to proceed\?|Do you trust the files in this folder|Do you want to use this API key/, quietMs: config.quietMs ?? 600 },
        sessionId,
        initialPromptOnCommandLine: Boolean(context.initialPrompt),
        notices: changes.map((c) => `set ${c.path.join('.')} in ${c.file} (${c.reason}); undo with: loop doctor --revert`),
      };
    },
  };
}

/**
 * Claude keeps a session as `projects/<folder>/<id>.jsonl`; `--resume` finds it only once it holds a user
 * message. Why: claude 2.1.197 killed in the first seconds of its first turn has written only a title line,
 * and then exits with "No conversation found with session ID" on --resume.
 */
function transcriptPaths(projects: string, sessionId: string): string[] {
  try {
    return readdirSync(projects).map((folder) => join(projects, folder, `${sessionId}.jsonl`)).filter((path) => existsSync(path));
  } catch {
    return []; // no projects folder yet: no session saved
  }
}

/** The API-key suffixes Claude already approved. */
function currentApproved(file: string): string[] {
  if (!existsSync(file)) return [];
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as { customApiKeyResponses?: { approved?: unknown } };
    const approved = data.customApiKeyResponses?.approved;
    return Array.isArray(approved) ? approved.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}
