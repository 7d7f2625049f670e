// Isolated homes for the real agent CLIs: writes the config seeds that remove first-run dialogs and point each CLI
// at the fake model server, and returns the binary, environment and arguments to start it (TUI or headless).
// Facts behind every seed: test/e2e/FINDINGS.md and /work/shared/research/agent-clis.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** Installed by install-harnesses.sh (pins: harnesses/package.json). */
export const HARNESS_BIN = join(here, '..', '..', '.harnesses', 'node_modules', '.bin');
export const ECHO_MCP = join(here, 'model-server', 'echo-mcp.mjs');
export const FAKE_ANTHROPIC_KEY = 'sk-ant-fake-e2e-key-0123456789abcdef';

const q = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;
const write = (path, text) => {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
};
/** A shell command that appends its stdin (the hook's JSON) plus a newline to `file` and prints nothing. */
const appendStdin = (file) => `cat >> ${q(file)}; echo >> ${q(file)}`;
/** TOML basic string. */
const t = (s) => JSON.stringify(String(s));

/**
 * Environment every CLI gets: nothing inherited except PATH and locale. TMPDIR is private because Claude writes
 * `$TMPDIR/claude-<uid>/<cwd-slug>/` and Codex `$TMPDIR/codex-bwrap-synthetic-mount-targets-<uid>` and `codex-daemon-<uid>`.
 */
function baseEnv(home, dir) {
  const tmp = join(dir, 'tmp');
  mkdirSync(tmp, { recursive: true });
  mkdirSync(home, { recursive: true });
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LANG: process.env.LANG ?? 'C.UTF-8',
    TERM: 'xterm-256color',
    HOME: home,
    TMPDIR: tmp,
  };
}

/**
 * Prepares one harness under `root/<agent>`.
 * opts: {root, cwd, baseUrl (fake server origin), mcp?: {name, file, tools?}, turnEndFile?: hook/notify output}
 * Returns {agent, bin, env, tuiArgs(prompt?), headlessArgs(prompt), idleMarker, busyMarker, exitCommand, files}.
 * Idle on screen = idleMarker present and busyMarker absent; the turn-end hook is the firmer signal.
 */
export function prepareHarness(agent, opts) {
  const prep = { claude: prepareClaude, codex: prepareCodex, gemini: prepareGemini }[agent];
  if (!prep) throw new TypeError(`unknown agent "${agent}" (expected claude, codex or gemini)`);
  return prep({ ...opts, dir: join(opts.root, agent) });
}

function mcpServer(mcp) {
  const env = mcp.tools ? { ECHO_MCP_TOOLS: mcp.tools.join(',') } : undefined;
  return { command: process.execPath, args: [ECHO_MCP, mcp.file], env };
}

function prepareClaude({ dir, cwd, baseUrl, mcp, turnEndFile }) {
  const configDir = join(dir, '.claude');
  // Pre-accepts onboarding, the custom API key (by its last 20 chars), the bypass-mode warning and the folder trust.
  write(join(configDir, '.claude.json'), JSON.stringify({
    hasCompletedOnboarding: true,
    theme: 'dark',
    bypassPermissionsModeAccepted: true,
    customApiKeyResponses: { approved: [FAKE_ANTHROPIC_KEY.slice(-20)], rejected: [] },
    projects: { [cwd]: { hasTrustDialogAccepted: true } },
  }, null, 2));
  const settings = join(dir, 'settings.json');
  const hooks = turnEndFile ? { Stop: [{ hooks: [{ type: 'command', command: appendStdin(turnEndFile) }] }] } : {};
  write(settings, JSON.stringify({ hooks }, null, 2));
  const flags = ['--settings', settings];
  if (mcp) {
    const mcpConfig = join(dir, 'mcp.json');
    write(mcpConfig, JSON.stringify({ mcpServers: { [mcp.name]: { type: 'stdio', ...mcpServer(mcp) } } }, null, 2));
    flags.push('--mcp-config', mcpConfig, '--strict-mcp-config');
  }
  // As root, --dangerously-skip-permissions is refused unless IS_SANDBOX=1.
  flags.push('--dangerously-skip-permissions');
  const env = {
    ...baseEnv(join(dir, 'home'), dir),
    CLAUDE_CONFIG_DIR: configDir,
    ANTHROPIC_BASE_URL: baseUrl,
    ANTHROPIC_API_KEY: FAKE_ANTHROPIC_KEY,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
    CLAUDE_CODE_DISABLE_OFFICIAL_MARKETPLACE_AUTOINSTALL: '1',
    CLAUDE_CODE_MAX_RETRIES: '0',
    IS_SANDBOX: '1',
  };
  return {
    agent: 'claude',
    bin: join(HARNESS_BIN, 'claude'),
    env,
    tuiArgs: (prompt) => [...flags, ...(prompt ? [prompt] : [])],
    headlessArgs: (prompt) => ['-p', prompt, '--output-format', 'json', ...flags],
    // The composer line is "❯" + U+00A0 (no-break space) when empty.
    idleMarker: /^❯\s*$/m,
    // The empty composer is also on screen while a turn runs: busy shows a spinner line "✶ Blanching…" and the
    // footer "esc to interrupt" (the footer hint disappears while the composer holds text).
    busyMarker: /esc to interrupt|^\S [A-Z][a-z]+…/m,
    exitCommand: '/exit',
    files: { configDir, settings },
  };
}

function prepareCodex({ dir, cwd, baseUrl, mcp, turnEndFile }) {
  const home = join(dir, '.codex');
  const lines = [
    'model = "gpt-fake"',
    'model_provider = "fake"',
  ];
  if (turnEndFile) {
    // notify gets the JSON as its last argv entry, not on stdin.
    const notify = join(dir, 'notify.sh');
    write(notify, `#!/bin/sh\nprintf '%s\\n' "$1" >> ${q(turnEndFile)}\n`);
    lines.push(`notify = ["/bin/sh", ${t(notify)}]`);
  }
  lines.push(
    '',
    '[model_providers.fake]',
    'name = "Fake local"',
    `base_url = ${t(`${baseUrl}/v1`)}`,
    'wire_api = "responses"',
    'request_max_retries = 0',
    'stream_max_retries = 0',
    '',
    '[features]',
    'plugins = false',
    'unbounded_connection_retries = false',
    '',
    '[analytics]',
    'enabled = false',
    '',
    '[tui]',
    'screen_reader_detection_done = true',
    '',
    '[tui.model_availability_nux]',
    '"gpt-6.1-sol" = 1',
    '',
    `[projects.${t(cwd)}]`,
    'trust_level = "trusted"',
  );
  if (mcp) {
    const s = mcpServer(mcp);
    lines.push('', `[mcp_servers.${mcp.name}]`, `command = ${t(s.command)}`, `args = [${s.args.map(t).join(', ')}]`,
      // Without this every MCP call asks "Allow the echo MCP server to run tool …?" (also bypassed by --dangerously-bypass-approvals-and-sandbox).
      'default_tools_approval_mode = "approve"');
    if (s.env) lines.push(`env = { ECHO_MCP_TOOLS = ${t(s.env.ECHO_MCP_TOOLS)} }`);
  }
  write(join(home, 'config.toml'), `${lines.join('\n')}\n`);
  const env = { ...baseEnv(join(dir, 'home'), dir), CODEX_HOME: home };
  const perms = ['--dangerously-bypass-approvals-and-sandbox'];
  return {
    agent: 'codex',
    bin: join(HARNESS_BIN, 'codex'),
    env,
    // --no-daemon: plain `codex` otherwise starts a shared app-server daemon that outlives the TUI.
    tuiArgs: (prompt) => ['--no-daemon', ...perms, ...(prompt ? [prompt] : [])],
    headlessArgs: (prompt) => ['exec', '--json', '--skip-git-repo-check', ...perms, prompt],
    idleMarker: /^› Ask Codex to do anything/m,
    busyMarker: /esc to interrupt/, // "• Working (2s • esc to interrupt)"
    exitCommand: '/exit',
    files: { home },
  };
}

function prepareGemini({ dir, cwd, baseUrl, mcp, turnEndFile }) {
  const settings = {
    security: { auth: { selectedType: 'gemini-api-key' } },
    privacy: { usageStatisticsEnabled: false },
    telemetry: { enabled: false },
    general: { enableAutoUpdate: false, enableAutoUpdateNotification: false },
  };
  if (mcp) settings.mcpServers = { [mcp.name]: { ...mcpServer(mcp), trust: true } };
  if (turnEndFile) settings.hooks = { AfterAgent: [{ hooks: [{ name: 'e2e-after-agent', type: 'command', command: appendStdin(turnEndFile) }] }] };
  write(join(dir, '.gemini', 'settings.json'), JSON.stringify(settings, null, 2));
  write(join(dir, '.gemini', 'trustedFolders.json'), JSON.stringify({ [cwd]: 'TRUST_FOLDER' }, null, 2));
  const env = {
    ...baseEnv(dir, dir),
    GEMINI_CLI_HOME: dir,
    GEMINI_API_KEY: 'fake-gemini-key',
    GOOGLE_GEMINI_BASE_URL: baseUrl,
    GEMINI_CLI_TRUST_WORKSPACE: 'true',
    COLORTERM: 'truecolor', // silences "True color (24-bit) support not detected"
  };
  return {
    agent: 'gemini',
    bin: join(HARNESS_BIN, 'gemini'),
    env,
    tuiArgs: (prompt) => ['--approval-mode=yolo', ...(prompt ? ['-i', prompt] : [])],
    headlessArgs: (prompt) => ['-p', prompt, '--approval-mode=yolo', '-o', 'json'],
    // "> " in default mode, "* " in YOLO mode, before the placeholder.
    idleMarker: /Type your message or @path\/to\/file/,
    busyMarker: /esc to cancel/, // "⠙ Thinking... (esc to cancel, 1s)"
    exitCommand: '/quit',
    files: { settings: join(dir, '.gemini', 'settings.json') },
  };
}
