// Shared by the PTY tests: start fixture agents in real PTYs and always clean them up.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { createPtySession, type PtySessionDeps } from '../../src/pty/session.js';
import type { IdleRule, PtySession, PtySpawnSpec } from '../../src/pty/types.js';

export const fixtureDir = new URL('../fixtures/pty/', import.meta.url).pathname;

/** Idle when the cursor sits right after the fixtures' "> " prompt. */
export const promptIdle: IdleRule = { pattern: /^>$/, quietMs: 150 };

/** Generous wait for anything a loaded machine might delay. */
export const LONG_MS = 20_000;

/** Starts test/fixtures/pty/<name> in a PTY; the session is killed when the test ends. */
export const startFixture = async (
  t: TestContext,
  name: string,
  options: { args?: string[]; spec?: Partial<PtySpawnSpec>; idle?: IdleRule; deps?: PtySessionDeps } = {},
): Promise<PtySession> => {
  const session = await createPtySession(
    {
      command: process.execPath,
      args: [join(fixtureDir, name), ...(options.args ?? [])],
      cwd: fixtureDir,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' },
      cols: 120,
      rows: 30,
      ...options.spec,
    },
    options.idle ?? promptIdle,
    options.deps,
  );
  t.after(() => session.kill(500));
  return session;
};

/** A fresh temporary directory, removed when the test ends. */
export const tempDir = (t: TestContext): string => {
  const dir = mkdtempSync(join(tmpdir(), 'loop-pty-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
};

/** Polls until predicate() holds; fails the test with message after timeoutMs. */
export const waitUntil = async (predicate: () => boolean, message: string, timeoutMs = LONG_MS): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${message}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};

/** Dead means ESRCH, or a zombie left for an init that does not reap (some containers). */
export const isDead = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
};
