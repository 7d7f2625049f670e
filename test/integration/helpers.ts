import { execa, type ResultPromise } from 'execa';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after } from 'node:test';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const LOOP_BIN = join(ROOT, 'bin', 'loop.js');
export const FAKE_AGENT = join(ROOT, 'test', 'fixtures', 'fake-agent.mjs');

export type Action = Record<string, unknown>;
export interface AgentScript {
  on: Record<string, Action[][]>;
  prompt?: string;
  bracketedPaste?: boolean;
  startDelay?: number;
  /** A file to wait for before the first prompt (see gatePath). */
  startGate?: string;
}

/** A scratch world: a git repository, a LOOP_HOME, and scripts for the two fake agents. */
export class World {
  readonly base = mkdtempSync(join(tmpdir(), 'loop-it-'));
  readonly repo = join(this.base, 'repo');
  readonly home = join(this.base, 'home');
  readonly log = join(this.base, 'agents.log');

  constructor(files: Record<string, string> = { 'README.md': '# scratch\n' }) {
    mkdirSync(this.repo);
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(dirname(join(this.repo, name)), { recursive: true });
      writeFileSync(join(this.repo, name), content);
    }
  }

  async init(): Promise<this> {
    const git = (...args: string[]) => execa('git', ['-c', 'user.name=t', '-c', 'user.email=t@t.invalid', ...args], { cwd: this.repo });
    await git('init', '-q', '-b', 'main');
    await git('add', '-A');
    await git('commit', '-q', '-m', 'init');
    return this;
  }

  /** Write `.loop.json` with two fake agents following the given scripts. */
  configure(worker: AgentScript, reviewer: AgentScript, extra: Record<string, unknown> = {}): void {
    const agent = (role: string, script: AgentScript) => {
      const path = join(this.base, `${role}.json`);
      writeFileSync(path, JSON.stringify({ log: this.log, ...script }));
      return { command: process.execPath, args: [FAKE_AGENT], env: { FAKE_SCRIPT: path }, idlePattern: `^${role}>$` };
    };
    const config = {
      worker: 'fake-worker',
      reviewer: 'fake-reviewer',
      proof: ['test -f work.txt'],
      maxIterations: 3,
      agents: { 'fake-worker': agent('worker', worker), 'fake-reviewer': agent('reviewer', reviewer) },
      ...extra,
    };
    writeFileSync(join(this.repo, '.loop.json'), JSON.stringify(config, null, 2));
  }

  env(): Record<string, string> {
    return { LOOP_HOME: this.home, LOOP_IDLE_GRACE_MS: '1500', NO_COLOR: '1', CI: '1' };
  }

  /** Run `loop …` in the repository. */
  loop(args: string[], options: { timeout?: number; env?: Record<string, string> } = {}): ResultPromise<{ reject: false; all: true }> {
    return execa(process.execPath, [LOOP_BIN, ...args], {
      cwd: this.repo, env: { ...this.env(), ...options.env }, reject: false, all: true, timeout: options.timeout ?? 90_000, stdin: 'ignore',
    }) as unknown as ResultPromise<{ reject: false; all: true }>;
  }

  runDirs(): string[] {
    const runs = join(this.home, 'runs');
    try {
      return readdirSync(runs).flatMap((repo) => readdirSync(join(runs, repo)).map((id) => join(runs, repo, id)));
    } catch {
      return [];
    }
  }

  onlyRun(): { dir: string; manifest: Record<string, any>; events: Record<string, any>[] } {
    const dirs = this.runDirs();
    if (dirs.length !== 1) throw new Error(`expected one run, found ${dirs.length}`);
    return readRun(dirs[0]!);
  }

  agentLog(): string[] {
    try {
      return readFileSync(this.log, 'utf8').trim().split('\n');
    } catch {
      return [];
    }
  }

  cleanup(): void {
    for (const dir of this.runDirs()) {
      let events: Record<string, any>[] = [];
      try {
        events = readRun(dir).events;
      } catch {
        continue; // a test damaged the run's records on purpose
      }
      for (const pid of agentPids(events)) {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    // Retried and never thrown: a throwing clean-up would skip the next worlds' (their agents would outlive the file).
    try {
      rmSync(this.base, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
    } catch (error) {
      process.stderr.write(`warning: could not remove ${this.base}: ${String(error)}\n`);
    }
  }
}

export function readRun(dir: string) {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  const events = readFileSync(join(dir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  return { dir, manifest, events };
}

export const agentPids = (events: Record<string, any>[]): number[] =>
  events.filter((e) => e.type === 'agent.started').map((e) => e.pid as number);

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** All envelopes in a journal (agent messages and loop's own). */
export const envelopes = (events: Record<string, any>[]) =>
  events.flatMap((e) => (e.type === 'message' ? [e.envelope] : e.type === 'transition' ? e.messages : []));

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Fresh initialised worlds (optionally with committed files) for a test file, all cleaned up (processes killed, dirs removed) after it. */
export function useWorlds(): (files?: Record<string, string>) => Promise<World> {
  const worlds: World[] = [];
  after(() => worlds.forEach((w) => w.cleanup()));
  return async (files) => {
    const w = await new World(files).init();
    worlds.push(w);
    return w;
  };
}

/** Wait until the run's journal satisfies `predicate` (a torn last line is skipped); returns the run directory. */
export async function waitForJournal(w: World, predicate: (events: Record<string, any>[]) => boolean, timeoutMs = 30_000): Promise<string> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const dir = w.runDirs()[0];
    if (dir && existsSync(join(dir, 'events.jsonl'))) {
      const events = readFileSync(join(dir, 'events.jsonl'), 'utf8').split('\n').filter((l) => l.trim()).flatMap((l) => { try { return [JSON.parse(l)]; } catch { return []; } });
      if (predicate(events)) return dir;
    }
    await sleep(50);
  }
  throw new Error('timed out waiting for the journal');
}

/** loop's tasks of the work phase (with the plan phase, the plan tasks come first). */
export const workTasks = (events: Record<string, any>[]) => envelopes(events).filter((e) => e.kind === 'task' && e.payload.phase !== 'plan');

/** The review requests of a change (not of the plan). */
export const changeRequests = (events: Record<string, any>[]) => envelopes(events).filter((e) => e.kind === 'review-request' && e.payload.subject !== 'plan');

/** Has a review request of the change been delivered to the reviewer? */
export const reviewRequested = (events: Record<string, any>[]) =>
  events.some((e) => e.type === 'message.delivered' && changeRequests(events).some((m) => m.id === e.id));

/** SIGKILL a running `loop run` once the journal satisfies `predicate`; returns the run as the dead process left it. */
export async function killLoopWhen(w: World, running: ReturnType<World['loop']>, predicate: (events: Record<string, any>[]) => boolean) {
  const dir = await waitForJournal(w, predicate);
  running.kill('SIGKILL');
  await running;
  return readRun(dir);
}

/** A fake-agent action that waits until the test calls `openGate(w, name)`: a condition, never a fixed sleep. */
export const gate = (w: World, name: string): Action => ({ sh: `while [ ! -e '${gatePath(w, name)}' ]; do sleep 0.05; done` });

/** The file behind a gate (for the fake agent's `startGate`: it shows its first prompt only once the gate is open). */
export const gatePath = (w: World, name: string): string => join(w.base, `gate-${name}`);

/** Let every agent waiting at `gate(w, name)` go on. */
export const openGate = (w: World, name: string): void => writeFileSync(gatePath(w, name), '');

/** Wait until `condition()` holds (polled); fails after `timeoutMs` naming `what`. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}
