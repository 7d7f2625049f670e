import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import type { CheckResult } from './check.js';

interface HarnessInfo {
  name: 'claude' | 'codex' | 'gemini';
  package: string;
  /** How the harness can be authenticated, from the environment and its config home. */
  auth(env: Record<string, string | undefined>): string | undefined;
  loginFix: string;
}

const home = (env: Record<string, string | undefined>) => env.HOME ?? '/root';
const read = (path: string) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
};

export const HARNESSES: HarnessInfo[] = [
  {
    name: 'claude',
    package: '@anthropic-ai/claude-code',
    auth(env) {
      if (env.ANTHROPIC_API_KEY) return 'ANTHROPIC_API_KEY is set';
      if (env.ANTHROPIC_AUTH_TOKEN) return 'ANTHROPIC_AUTH_TOKEN is set';
      const dir = env.CLAUDE_CONFIG_DIR ?? join(home(env), '.claude');
      if (existsSync(join(dir, '.credentials.json'))) return `logged in (${join(dir, '.credentials.json')})`;
      const state = env.CLAUDE_CONFIG_DIR ? join(dir, '.claude.json') : join(home(env), '.claude.json');
      if (read(state).includes('"oauthAccount"')) return `logged in (${state})`;
      return undefined;
    },
    loginFix: 'run `claude` once and log in, or set ANTHROPIC_API_KEY',
  },
  {
    name: 'codex',
    package: '@openai/codex',
    auth(env) {
      const dir = env.CODEX_HOME ?? join(home(env), '.codex');
      if (existsSync(join(dir, 'auth.json'))) return `logged in (${join(dir, 'auth.json')})`;
      if (env.OPENAI_API_KEY) return 'OPENAI_API_KEY is set';
      const config = read(join(dir, 'config.toml'));
      if (/^\s*model_provider\s*=/m.test(config) && /\[model_providers\./.test(config)) return `custom model provider in ${join(dir, 'config.toml')}`;
      return undefined;
    },
    loginFix: 'run `codex login`, or set OPENAI_API_KEY',
  },
  {
    name: 'gemini',
    package: '@google/gemini-cli',
    auth(env) {
      const dir = join(env.GEMINI_CLI_HOME ?? home(env), '.gemini');
      const settings = read(join(dir, 'settings.json'));
      if (env.GEMINI_API_KEY || env.GOOGLE_API_KEY) {
        return /"selectedType"/.test(settings) ? 'GEMINI_API_KEY is set' : undefined;
      }
      if (existsSync(join(dir, 'oauth_creds.json'))) return `signed in (${join(dir, 'oauth_creds.json')})`;
      if (env.GOOGLE_GENAI_USE_VERTEXAI) return 'Vertex AI configured';
      return undefined;
    },
    loginFix: 'run `gemini` once and sign in, or set GEMINI_API_KEY and "security": {"auth": {"selectedType": "gemini-api-key"}} in ~/.gemini/settings.json',
  },
];

/** Is the harness installed (and which version), and can it authenticate? */
export async function checkHarness(info: HarnessInfo, command: string, env: Record<string, string | undefined>, used: boolean): Promise<CheckResult[]> {
  const version = await execa(command, ['--version'], { env, reject: false, timeout: 20_000, stdin: 'ignore' });
  if (version.failed || version.exitCode !== 0) {
    const missing = (version as { code?: string }).code === 'ENOENT' || version.exitCode === 127;
    return [{
      name: info.name, ok: false, optional: !used,
      detail: missing ? `not installed (no \`${command}\` on PATH)` : `\`${command} --version\` failed: ${String(version.stderr || version.stdout || version.shortMessage).split('\n')[0]}`,
      fix: `npm install -g ${info.package}`,
    }];
  }
  const auth = info.auth(env);
  return [
    { name: info.name, ok: true, detail: `${version.stdout.trim().split('\n')[0]} (${command})` },
    { name: `${info.name} login`, ok: Boolean(auth), optional: !used, detail: auth ?? 'no credentials found', ...(auth ? {} : { fix: info.loginFix }) },
  ];
}
