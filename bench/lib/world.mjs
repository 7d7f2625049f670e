// Shared by the benchmarks: a scratch git repository with two instant agents, `loop` runs in it, and its journal.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const LOOP_BIN = fileURLToPath(new URL('../../bin/loop.js', import.meta.url));
const AGENT = fileURLToPath(new URL('../fixtures/instant-agent.mjs', import.meta.url));

/** A temp git repo whose .loop.json pairs two instant agents; the reviewer approves at iteration `approveAt`. */
export function makeWorld({ approveAt, proof = ['true'], maxIterations = approveAt + 1, extra = {} }) {
  const base = mkdtempSync(join(tmpdir(), 'loop-bench-'));
  const repo = join(base, 'repo');
  const home = join(base, 'home');
  const log = join(base, 'agents.jsonl');
  mkdirSync(repo);
  writeFileSync(join(repo, 'README.md'), '# bench\n');
  const git = (...args) => execFileSync('git', ['-c', 'user.name=b', '-c', 'user.email=b@b.invalid', ...args], { cwd: repo, stdio: 'pipe' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'init');
  const agent = (role) => ({
    command: process.execPath, args: [AGENT], idlePattern: `^${role}>$`,
    env: { BENCH_LOG: log, BENCH_APPROVE_AT: String(approveAt) }, ...(extra.quietMs ? { quietMs: extra.quietMs } : {}),
  });
  // plan off: the bench measures loop's own time per iteration of the work, not the plan phase.
  const config = { worker: 'bench-worker', reviewer: 'bench-reviewer', proof, maxIterations, plan: 'off', agents: { 'bench-worker': agent('worker'), 'bench-reviewer': agent('reviewer') } };
  writeFileSync(join(repo, '.loop.json'), JSON.stringify(config, null, 2));
  const env = { ...process.env, LOOP_HOME: home, NO_COLOR: '1', CI: '1', LOOP_IDLE_GRACE_MS: '1500' };
  return {
    base, repo, home, log, env,
    /** Start `loop <args>`; resolves to {code, output} when it exits; `.child` to kill it. */
    loop(args) {
      const child = spawn(process.execPath, [LOOP_BIN, ...args], { cwd: repo, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
      const done = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, output })));
      return Object.assign(done, { child });
    },
    runDir() {
      const runs = join(home, 'runs');
      if (!existsSync(runs)) return undefined;
      for (const r of readdirSync(runs)) for (const id of readdirSync(join(runs, r))) return join(runs, r, id);
      return undefined;
    },
    events() {
      const dir = this.runDir();
      if (!dir || !existsSync(join(dir, 'events.jsonl'))) return [];
      return readFileSync(join(dir, 'events.jsonl'), 'utf8').split('\n').filter(Boolean).flatMap((l) => { try { return [JSON.parse(l)]; } catch { return []; } });
    },
    hasManifest() {
      const dir = this.runDir();
      return Boolean(dir && existsSync(join(dir, 'manifest.json')));
    },
    manifest() {
      return JSON.parse(readFileSync(join(this.runDir(), 'manifest.json'), 'utf8'));
    },
    agentLog() {
      if (!existsSync(log)) return [];
      return readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    },
    cleanup() {
      for (const e of this.events()) {
        if (e.type !== 'agent.started') continue;
        try { process.kill(-e.pid, 'SIGKILL'); } catch { /* gone */ }
      }
      rmSync(base, { recursive: true, force: true });
    },
  };
}

/** Every envelope in a journal, agent messages and loop's own. */
export const envelopesOf = (events) => events.flatMap((e) => (e.type === 'message' ? [e.envelope] : e.type === 'transition' ? e.messages ?? [] : []));

/** Print rows (arrays of strings) as an aligned table. */
export function printTable(header, rows) {
  const table = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...table.map((row) => row[i].length)));
  for (const row of table) console.log(row.map((cell, i) => cell.padEnd(widths[i])).join('  '));
}

export const median = (values) => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
