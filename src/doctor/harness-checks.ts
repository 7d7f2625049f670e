import { spawn } from 'node:child_process';
import type { HarnessDoctor } from '../agents/card.js';
import { signalGroup } from '../pty/process-tree.js';
import type { CheckResult } from './check.js';

interface VersionResult {
  exitCode: number | null;
  output: string;
  missing: boolean;
  timedOut: boolean;
}

/**
 * `<command> --version`, done when the command itself exits, not when its output pipes close, then its whole
 * group is ended: a child it leaves behind (gemini 0.61 relaunches itself in a child process) cannot hold the
 * check open. Bounded by 60 s: gemini loads a 96 MB bundle, which takes tens of seconds on a loaded 2-core machine.
 */
function version(command: string, env: Record<string, string | undefined>): Promise<VersionResult> {
  return new Promise((resolve) => {
    const child = spawn(command, ['--version'], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => {
      if (child.pid) signalGroup(child.pid, 'SIGKILL');
      finish(null, true);
    }, 60_000);
    let finished = false;
    function finish(exitCode: number | null, timedOut: boolean, missing = false): void {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      // Let output already written arrive, then end the group (a relaunched child may linger).
      setImmediate(() => {
        if (child.pid) signalGroup(child.pid, 'SIGTERM');
        child.stdout.destroy();
        child.stderr.destroy();
        resolve({ exitCode, output, missing, timedOut });
      });
    }
    child.on('error', (error: NodeJS.ErrnoException) => finish(null, false, error.code === 'ENOENT'));
    child.on('exit', (code) => finish(code, false, code === 127));
  });
}

/** Is the harness installed (and which version), and can it authenticate? */
export async function checkHarness(name: string, info: HarnessDoctor, command: string, env: Record<string, string | undefined>, used: boolean): Promise<CheckResult[]> {
  const result = await version(command, env);
  if (result.exitCode !== 0) {
    const why = result.timedOut ? 'timed out after 60 s' : result.output.trim().split('\n')[0] || `exit code ${result.exitCode}`;
    return [{
      name, ok: false, optional: !used,
      detail: result.missing ? `not installed (no \`${command}\` on PATH)` : `\`${command} --version\` failed: ${why}`,
      fix: `npm install -g ${info.package}`,
    }];
  }
  const auth = info.auth(env);
  return [
    { name, ok: true, detail: `${result.output.trim().split('\n')[0]} (${command})` },
    { name: `${name} login`, ok: Boolean(auth), optional: !used, detail: auth ?? 'no credentials found', ...(auth ? {} : { fix: info.loginFix }) },
  ];
}
