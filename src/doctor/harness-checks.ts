import { execa } from 'execa';
import type { HarnessDoctor } from '../agents/card.js';
import type { CheckResult } from './check.js';

/** Is the harness installed (and which version), and can it authenticate? */
export async function checkHarness(name: string, info: HarnessDoctor, command: string, env: Record<string, string | undefined>, used: boolean): Promise<CheckResult[]> {
  const version = await execa(command, ['--version'], { env, reject: false, timeout: 20_000, stdin: 'ignore' });
  if (version.failed || version.exitCode !== 0) {
    const missing = (version as { code?: string }).code === 'ENOENT' || version.exitCode === 127;
    return [{
      name, ok: false, optional: !used,
      detail: missing ? `not installed (no \`${command}\` on PATH)` : `\`${command} --version\` failed: ${String(version.stderr || version.stdout || version.shortMessage).split('\n')[0]}`,
      fix: `npm install -g ${info.package}`,
    }];
  }
  const auth = info.auth(env);
  return [
    { name: name, ok: true, detail: `${version.stdout.trim().split('\n')[0]} (${command})` },
    { name: `${name} login`, ok: Boolean(auth), optional: !used, detail: auth ?? 'no credentials found', ...(auth ? {} : { fix: info.loginFix }) },
  ];
}
