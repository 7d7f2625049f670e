// Benchmark: bus latency, from an agent's send to the bytes arriving in the idle peer's terminal, through
// `loop msg` and through `loop mcp`, in one real `loop run` with two command agents (bench/fixtures/stamp-agent.mjs).
// Messages go one at a time (the next only once the peer is idle again), so no latency is queueing. Floors
// beside them: a bare `node -e 0` start and an fs.watch notification. Prints tables; asserts nothing.
// Run: npm run bench:bus   (BENCH_MESSAGES=200 per path, BENCH_RUNS=30 start-time runs)
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/loop.js', import.meta.url));
const stampAgent = fileURLToPath(new URL('./fixtures/stamp-agent.mjs', import.meta.url));
const messages = Number(process.env.BENCH_MESSAGES ?? 200);
const runs = Number(process.env.BENCH_RUNS ?? 30);
const QUIET_MS = 100; // the agents' quietMs: how long loop waits for quiet output before it calls them idle

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const pct = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
};
const fmt = (n) => (n === undefined ? '-' : n.toFixed(1));
async function waitFor(what, check, timeoutMs = 30_000) {
  const started = Date.now();
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`bench: timed out waiting for ${what}`);
    await sleep(5);
  }
}
function printTable(header, rows) {
  const table = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...table.map((row) => String(row[i]).length)));
  for (const row of table) console.log(row.map((cell, i) => String(cell).padEnd(widths[i])).join('  '));
}

/** Start times, interleaved so that both see the same machine: `node -e 0` and `loop msg` into a scratch run directory. */
function startTimes(base) {
  const runDir = join(base, 'scratch-run');
  mkdirSync(join(runDir, 'agents'), { recursive: true });
  writeFileSync(join(runDir, 'manifest.json'), '{}\n');
  const env = { ...process.env, LOOP_RUN_DIR: runDir, LOOP_ROLE: 'worker', LOOP_RUN_ID: 'bench', LOOP_TOKEN: 'k'.repeat(64) };
  const time = (args) => {
    const started = now();
    const result = spawnSync(process.execPath, args, { env, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`bench: ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
    return now() - started;
  };
  const node = [];
  const msg = [];
  time(['-e', '0']);
  time([bin, 'msg', 'note', '--text', 'warm']);
  for (let i = 0; i < runs; i++) {
    node.push(time(['-e', '0']));
    msg.push(time([bin, 'msg', 'note', '--text', `start ${i}`]));
  }
  return { node, msg };
}

/** How long fs.watch takes to report a file written in a watched folder. */
async function watchLatency(base, n) {
  const dir = join(base, 'watched');
  mkdirSync(dir);
  const times = [];
  let waiting;
  const watcher = watch(dir, (_event, name) => waiting?.(name));
  for (let i = 0; i < n; i++) {
    const name = `f${i}.json`;
    const seen = new Promise((resolve) => (waiting = (got) => got === name && resolve(now())));
    const started = now();
    writeFileSync(join(dir, name), '{}');
    times.push((await seen) - started);
  }
  watcher.close();
  return times;
}

/** A git repository with two stamp agents, and `loop run` started in it (isolation none: the bench sends as the worker). */
async function startRun(base) {
  const repo = join(base, 'repo');
  mkdirSync(repo);
  const agent = (role) => ({
    command: process.execPath, args: [stampAgent], idlePattern: `^${role}>$`, quietMs: QUIET_MS,
    env: { STAMP_LOG: join(base, `${role}.stamps`), ...(role === 'worker' ? { STAMP_ENV: join(base, 'worker.env') } : {}) },
  });
  const config = {
    worker: 'stamp-worker', reviewer: 'stamp-reviewer', proof: ['true'], maxMessages: 10_000, maxMinutes: 120, plan: 'off',
    agents: { 'stamp-worker': agent('worker'), 'stamp-reviewer': agent('reviewer') },
  };
  writeFileSync(join(repo, '.loop.json'), JSON.stringify(config, null, 2));
  writeFileSync(join(repo, 'README.md'), '# bench\n');
  const git = (...args) => execFileSync('git', ['-c', 'user.name=b', '-c', 'user.email=b@b.invalid', ...args], { cwd: repo, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'init');
  const env = { ...process.env, LOOP_HOME: join(base, 'home'), LOOP_IDLE_GRACE_MS: String(3_600_000), CI: '1', NO_COLOR: '1' };
  delete env.LOOP_TOKEN;
  const loop = spawn(process.execPath, [bin, 'run', 'bench: stay idle', '--isolation', 'none', '--ci'], { cwd: repo, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  loop.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((resolve) => loop.once('exit', resolve));
  const workerEnv = await waitFor('the worker to start', () => existsSync(join(base, 'worker.env')) && JSON.parse(readFileSync(join(base, 'worker.env'), 'utf8')));
  return { loop, exited, workerEnv, stderr: () => stderr, stamps: join(base, 'reviewer.stamps'), journal: join(workerEnv.LOOP_RUN_DIR, 'events.jsonl') };
}

const readLines = (path) => (existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean).flatMap((l) => { try { return [JSON.parse(l)]; } catch { return []; } }) : []);

/** `loop mcp` as the worker, spoken to in JSON-RPC over stdio. */
async function mcpClient(env) {
  const child = spawn(process.execPath, [bin, 'mcp'], { env, stdio: ['pipe', 'pipe', 'inherit'] });
  const waiting = new Map();
  let buffer = '';
  let nextId = 1;
  child.stdout.on('data', (data) => {
    buffer += data;
    for (let i; (i = buffer.indexOf('\n')) >= 0; buffer = buffer.slice(i + 1)) {
      const reply = JSON.parse(buffer.slice(0, i));
      waiting.get(reply.id)?.(reply);
    }
  });
  const request = (method, params) => new Promise((resolve) => {
    const id = nextId++;
    waiting.set(id, resolve);
    child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
  });
  await request('initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bench', version: '1' } });
  child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
  await request('tools/list', {});
  return { request, close: () => child.kill() };
}

/**
 * Send `n` notes to the reviewer, one at a time: returns per message the send time, when the sender had
 * finished (spool file written), and when the first byte reached the reviewer's terminal.
 */
async function measure(run, n, send) {
  const samples = [];
  for (let i = 0; i < n; i++) {
    const sentAt = now();
    const { id, doneAt } = await send(i);
    const stamp = await waitFor(`note ${id} in the reviewer's terminal`, () => readLines(run.stamps).find((s) => s.ids.includes(id)));
    samples.push({ id, sentAt, doneAt, arrivedAt: stamp.at });
    // Idle again before the next: the delivery is journaled once Enter took, then the screen must be quiet.
    await waitFor(`delivery of ${id}`, () => readLines(run.journal).some((e) => e.type === 'message.delivered' && e.id === id));
    await sleep(QUIET_MS + 100);
  }
  return samples;
}

/**
 * Where the time goes, from the journal (1 ms resolution): the submission's own time (`at`, taken just before
 * the spool write), the `message` event (intake: watch, read, provenance, seal, journal), the `transition`
 * after it (the pair machine, and the forward), and the first byte in the terminal (runner and delivery).
 */
function breakdown(run, samples) {
  const events = readLines(run.journal);
  const times = new Map();
  events.forEach((event, index) => {
    if (event.type !== 'message') return;
    const transition = events.slice(index + 1).find((e) => e.type === 'transition');
    times.set(event.envelope.id, { submitted: Date.parse(event.envelope.at), journaled: Date.parse(event.at), forwarded: Date.parse(transition?.at) });
  });
  const part = (f) => samples.map((s) => f(s, times.get(s.id)));
  return {
    total: part((s) => s.arrivedAt - s.sentAt),
    roundTrip: part((s) => s.doneAt - s.sentAt),
    submit: part((s, t) => t.submitted - s.sentAt),
    reply: part((s, t) => s.doneAt - t.submitted),
    intake: part((s, t) => t.journaled - t.submitted),
    machine: part((s, t) => t.forwarded - t.journaled),
    delivery: part((s, t) => s.arrivedAt - t.forwarded),
  };
}

const base = mkdtempSync(join(tmpdir(), 'loop-bench-bus-'));
let run;
try {
  const starts = startTimes(base);
  const watched = await watchLatency(base, Math.max(messages, 200));
  run = await startRun(base);
  await sleep(1000); // both agents idle
  const shim = join(run.workerEnv.LOOP_RUN_DIR, 'bin', 'loop');
  const viaMsg = await measure(run, messages, async (i) => {
    const result = spawnSync(shim, ['msg', 'note', '--text', `bench msg ${i}`], { env: run.workerEnv, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`bench: loop msg exited ${result.status}: ${result.stderr}`);
    return { id: result.stdout.trim(), doneAt: now() };
  });
  const mcp = await mcpClient(run.workerEnv);
  const viaMcp = await measure(run, messages, async (i) => {
    const reply = await mcp.request('tools/call', { name: 'send_note', arguments: { text: `bench mcp ${i}` } });
    const text = reply.result?.content?.[0]?.text ?? JSON.stringify(reply);
    const id = /sent note (m-[a-z0-9]+)/.exec(text)?.[1];
    if (!id) throw new Error(`bench: send_note failed: ${text}`);
    return { id, doneAt: now() };
  });
  mcp.close();

  const nodeP50 = pct(starts.node, 0.5);
  const watchP50 = pct(watched, 0.5);
  const row = (path, values, floor = '') => [path, values.length, fmt(pct(values, 0.5)), fmt(pct(values, 0.99)), floor];
  const msgParts = breakdown(run, viaMsg);
  const mcpParts = breakdown(run, viaMcp);
  console.log(`bus latency: send → first byte in the idle peer's terminal (${messages} notes per path, one at a time)\n`);
  const parts = (name, p) => [
    row(`  ${name} → sender told (${name === 'loop msg' ? 'process exit' : 'tools/call reply'})`, p.roundTrip),
    row(`  ${name} → submission made`, p.submit, name === 'loop msg' ? `node start ${fmt(nodeP50)}` : ''),
    row('  submission made → sender told (spool write, fsync)', p.reply),
    row('  submission made → journaled (intake)', p.intake, `fs.watch ${fmt(watchP50)}`),
    row('  journaled → transition journaled (machine)', p.machine),
    row('  transition → first byte in terminal (runner, deliver)', p.delivery),
  ];
  printTable(['path', 'n', 'p50 ms', 'p99 ms', 'floor'], [
    row('loop msg → peer terminal', msgParts.total, `node start ${fmt(nodeP50)} + fs.watch ${fmt(watchP50)}`),
    ...parts('loop msg', msgParts),
    row('MCP send_note → peer terminal', mcpParts.total, `fs.watch ${fmt(watchP50)}`),
    ...parts('MCP request', mcpParts),
    row('floor: node -e 0 start', starts.node),
    row('floor: fs.watch notification', watched),
  ]);
  const msgP50 = pct(starts.msg, 0.5);
  console.log(`\nloop msg start p50 ${fmt(msgP50)} ms, node -e 0 p50 ${fmt(nodeP50)} ms: ratio ${(msgP50 / nodeP50).toFixed(2)} (target ≤ 1.5; ${runs} runs each, interleaved)`);
  console.log('the parts come from journal times (1 ms resolution); "sender told" for loop msg includes its process exit');
} finally {
  if (run) {
    run.loop.kill('SIGTERM');
    const code = await Promise.race([run.exited, sleep(20_000).then(() => 'timeout')]);
    if (code === 'timeout') run.loop.kill('SIGKILL');
    else if (code !== 130) console.error(`loop run exited ${code}: ${run.stderr()}`);
  }
  rmSync(base, { recursive: true, force: true });
}
