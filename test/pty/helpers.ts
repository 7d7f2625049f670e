// Shared by the PTY tests: start fixture agents in real PTYs and always clean them up.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, type TestContext } from 'node:test';
import { killAllSessions } from '../../src/pty/process-tree.js';
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

// A safety net for the whole file: if a test's own clean-up failed part way, no PTY session outlives the file
// (a live child keeps the test process, and with it the suite, waiting for good).
after(() => killAllSessions(500));

/**
 * Removes a test's folder, retrying, and never throws: node:test skips a test's later after-hooks once one throws,
 * and a later one may be the one that kills an agent (an agent writing into its folder while it was removed made
 * rmSync fail with ENOTEMPTY; the agent was then never killed and the test file never ended).
 */
export const removeDir = (dir: string): void => {
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
  } catch (error) {
    process.stderr.write(`warning: could not remove ${dir}: ${String(error)}\n`);
  }
};

/** A fresh temporary directory, removed when the test ends (after the hooks registered before this call). */
export const tempDir = (t: TestContext): string => {
  const dir = mkdtempSync(join(tmpdir(), 'loop-pty-test-'));
  t.after(() => removeDir(dir));
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
