// A scratch world for end-to-end runs of loop with the real agent CLIs: a git repository, a fake model server,
// and config homes that only point each CLI at that server, as a user would (no dialog seeds: loop handles those).
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startModelServer } from './model-server/server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = join(here, '..', '..');
export const LOOP_BIN = join(ROOT, 'bin', 'loop.js');
/** Installed by install-harnesses.sh (pins: harnesses/package.json). */
export const HARNESS_BIN = join(here, '..', '..', '.harnesses', 'node_modules', '.bin');
const WORK_DIR = join(ROOT, '.e2e');

export class LoopWorld {
  static async create(script, { files = { 'README.md': '# e2e\n' } } = {}) {
    const world = new LoopWorld();
    world.server = await startModelServer({ script, logFile: join(world.base, 'model.log') });
    world.writeHomes();
    for (const [name, content] of Object.entries(files)) writeFileSync(join(world.repo, name), content);
    const git = (...args) => execFileSync('git', ['-c', 'user.name=e2e', '-c', 'user.email=e2e@loop.invalid', ...args], { cwd: world.repo });
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-q', '-m', 'init');
    return world;
  }

  constructor() {
    // Not under /tmp: Gemini ignores a settings file whose parent directories are writable by others.
    mkdirSync(WORK_DIR, { recursive: true, mode: 0o700 });
    this.base = mkdtempSync(join(WORK_DIR, 'w-'));
    this.repo = join(this.base, 'repo');
    this.home = join(this.base, 'home');
    this.loopHome = join(this.base, 'loop-home');
    mkdirSync(this.repo);
    mkdirSync(join(this.home, 'tmp'), { recursive: true });
  }

  /** Only what points each CLI at the fake server (research/agent-clis.md §2–§4); no dialog answers. */
  writeHomes() {
    const url = this.server.url;
    mkdirSync(join(this.home, '.claude'), { recursive: true });
    mkdirSync(join(this.home, '.codex'), { recursive: true });
    writeFileSync(join(this.home, '.codex', 'config.toml'), [
      'model = "gpt-fake"', 'model_provider = "fake"', '',
      '[model_providers.fake]', 'name = "Fake local"', `base_url = "${this.server.openaiBaseUrl}"`, 'wire_api = "responses"',
      'request_max_retries = 0', 'stream_max_retries = 0', '',
      '[features]', 'plugins = false', 'unbounded_connection_retries = false', '', '[analytics]', 'enabled = false', '',
    ].join('\n'));
    mkdirSync(join(this.home, '.gemini'), { recursive: true });
    writeFileSync(join(this.home, '.gemini', 'settings.json'), JSON.stringify({
      security: { auth: { selectedType: 'gemini-api-key' } },
      privacy: { usageStatisticsEnabled: false }, telemetry: { enabled: false },
      general: { enableAutoUpdate: false, enableAutoUpdateNotification: false },
    }));
    this.env = {
      PATH: `${HARNESS_BIN}:${process.env.PATH}`,
      LANG: 'C.UTF-8',
      HOME: this.home,
      TMPDIR: join(this.home, 'tmp'),
      LOOP_HOME: this.loopHome,
      NO_COLOR: '1',
      LOOP_IDLE_GRACE_MS: '2500',
      CLAUDE_CONFIG_DIR: join(this.home, '.claude'),
      ANTHROPIC_BASE_URL: url,
      ANTHROPIC_API_KEY: 'sk-ant-fake-e2e-key-0123456789abcdef',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      CLAUDE_CODE_MAX_RETRIES: '0',
      CODEX_HOME: join(this.home, '.codex'),
      GEMINI_CLI_HOME: this.home,
      GEMINI_API_KEY: 'fake-gemini-key',
      GOOGLE_GEMINI_BASE_URL: url,
    };
  }

  configure(config) {
    writeFileSync(join(this.repo, '.loop.json'), JSON.stringify(config, null, 2));
    execFileSync('git', ['-c', 'user.name=e2e', '-c', 'user.email=e2e@loop.invalid', 'commit', '-qam', 'config', '--allow-empty'], { cwd: this.repo });
    execFileSync('git', ['add', '.loop.json'], { cwd: this.repo });
  }

  /** Start `loop <args>`; resolves with {code, output}. `child` is exposed for killing. */
  loop(args, { timeoutMs = 90_000 } = {}) {
    const child = spawn(process.execPath, [LOOP_BIN, ...args], { cwd: this.repo, env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const done = new Promise((resolve) => child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output });
    }));
    return Object.assign(done, { child });
  }

  runDirs() {
    const runs = join(this.loopHome, 'runs');
    try {
      return readdirSync(runs).flatMap((r) => readdirSync(join(runs, r)).map((id) => join(runs, r, id)));
    } catch {
      return [];
    }
  }

  run(dir = this.runDirs()[0]) {
    return {
      dir,
      manifest: JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')),
      events: readFileSync(join(dir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)),
    };
  }

  async close() {
    for (const dir of this.runDirs()) {
      try {
        for (const e of this.run(dir).events) if (e.type === 'agent.started') try { process.kill(-e.pid, 'SIGKILL'); } catch {}
      } catch {}
    }
    await this.server.close();
    // LOOP_E2E_KEEP=1 keeps the world (repository, homes, runs, model log) for a look after a failure.
    // Retried and never thrown: a throwing clean-up would skip the next worlds' (their agents would outlive the file).
    if (!process.env.LOOP_E2E_KEEP) {
      try {
        rmSync(this.base, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
      } catch (error) {
        process.stderr.write(`warning: could not remove ${this.base}: ${error}\n`);
      }
    }
  }
}

export const envelopes = (events) => events.flatMap((e) => (e.type === 'message' ? [e.envelope] : e.type === 'transition' ? e.messages : []));

/** What the scripted worker writes as PLAN.md in the plan phase: one item, checked off when the work is done. */
export const E2E_PLAN = '# Plan\n\n- [ ] write work.txt\n\nProof: test -f work.txt\n';
const CHECK_OFF = "sed -i 's/- \\[ \\]/- [x]/' PLAN.md 2>/dev/null";

/**
 * Fake-model rules: in the plan phase (loop's default) the worker writes PLAN.md and sends its plan, and the
 * reviewer approves it (or asks for changes `planChanges` times); then the worker writes work.txt, checks the
 * plan's item off and claims done; the reviewer approves. Through MCP or `loop msg`.
 */
export function pairScript({ via = 'mcp', reviewerChanges = 0, planChanges = 0, workerDelayMs = 0, reviewerDelayMs = 0, fixDelayMs = 0, inflateUsage = false } = {}) {
  const done = via === 'mcp'
    ? { mcpTool: 'send_done', args: { summary: 'wrote work.txt' } }
    : { shell: 'loop msg done --text "wrote work.txt"' };
  const approve = via === 'mcp'
    ? { mcpTool: 'send_review', args: { verdict: 'approve', summary: 'looks good', findings: [] } }
    : { shell: `loop msg review --json '{"verdict":"approve","summary":"looks good"}'` };
  const changes = { mcpTool: 'send_review', args: { verdict: 'changes', summary: 'needs a second line', findings: [{ severity: 'high', title: 'work.txt needs a second line', file: 'work.txt', line: 1 }] } };
  // inflateUsage: a hostile worker also reports a made-up usage of its own (a harness's usage is read from its records).
  const inflate = inflateUsage ? `loop msg usage --json '{"inputTokens":99999999,"outputTokens":1,"model":"made-up"}'; ` : '';
  const firstShell = `echo first > work.txt; ${inflate}${CHECK_OFF}; true`;
  const first = workerDelayMs > 0 ? { shell: firstShell, delayMs: workerDelayMs } : { shell: firstShell };
  const writePlan = { shell: `printf '${E2E_PLAN.replace(/\n/g, '\\n')}' > PLAN.md` };
  const plan = via === 'mcp' ? { mcpTool: 'send_plan', args: { summary: 'one step: write work.txt' } } : { shell: 'loop msg plan --text "one step: write work.txt"' };
  const approvePlan = via === 'mcp'
    ? { mcpTool: 'send_review', args: { verdict: 'approve', summary: 'the plan is fine', findings: [] } }
    : { shell: `loop msg review --json '{"verdict":"approve","summary":"the plan is fine"}'` };
  const planChangesStep = { mcpTool: 'send_review', args: { verdict: 'changes', summary: 'state the proof', findings: [{ severity: 'medium', title: 'say how work.txt is checked', file: 'PLAN.md', line: 1 }] } };
  const rules = [
    // The plan phase first: its tasks and review requests hold the markers PLAN PHASE and PLAN REVIEW.
    { name: 'worker-plan', match: 'PLAN PHASE:', steps: [writePlan, plan], final: 'plan sent' },
    { name: 'worker-plan-reminded', match: 'waiting for your plan', steps: [writePlan, plan], final: 'plan sent after a reminder' },
    ...(planChanges > 0 ? [{ name: 'reviewer-plan-changes', match: 'PLAN REVIEW:', times: planChanges, steps: [planChangesStep], final: 'asked for plan changes' }] : []),
    { name: 'reviewer-plan', match: 'PLAN REVIEW:', steps: [approvePlan], final: 'plan approved' },
    { name: 'worker-fix', match: 'Iteration \\d+ of \\d+: the previous attempt', times: fixDelayMs > 0 ? 1 : undefined, steps: [{ shell: 'echo second >> work.txt', ...(fixDelayMs > 0 ? { delayMs: fixDelayMs } : {}) }, done], final: 'worker fixed it' },
    { name: 'worker-reminded', match: 'waiting for your done claim', steps: [{ shell: `echo first > work.txt; ${CHECK_OFF}; true` }, done], final: 'worker finished after a reminder' },
    { name: 'worker', match: 'You are the WORKER', times: workerDelayMs > 0 ? 1 : undefined, steps: [first, done], final: 'worker finished' },
  ];
  if (reviewerChanges > 0) rules.push({ name: 'reviewer-changes', match: 'You are the REVIEWER', times: reviewerChanges, steps: [changes], final: 'asked for changes' });
  rules.push({ name: 'reviewer', match: 'You are the REVIEWER', steps: [reviewerDelayMs > 0 ? { ...approve, delayMs: reviewerDelayMs } : approve], final: 'reviewer approved' });
  return { rules, default: 'OK-FROM-FAKE' };
}

/**
 * Issue 10: the per-role token totals `loop show --json` gives must be exactly what the fake model server sent to
 * each role's harness (its `turn` requests: title, router and side requests are not in the harnesses' session
 * records). `dialects` names each role's API, e.g. {worker: 'anthropic', reviewer: 'openai'}: one harness per role.
 */
export function assertUsageTotals(w, dialects, assert) {
  const show = JSON.parse(execFileSync(process.execPath, [LOOP_BIN, 'show', '--json', w.run().manifest.id], { env: w.env, encoding: 'utf8' }));
  for (const [role, dialect] of Object.entries(dialects)) {
    const sent = w.server.requests().filter((q) => q.dialect === dialect && q.kind === 'turn' && q.usage);
    const expected = sent.reduce((sum, q) => ({
      inputTokens: sum.inputTokens + q.usage.input, outputTokens: sum.outputTokens + q.usage.output,
      cacheReadTokens: sum.cacheReadTokens + q.usage.cacheRead, cacheWriteTokens: sum.cacheWriteTokens + q.usage.cacheWrite,
    }), { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 });
    const got = show.usage.byRole[role];
    assert.ok(got && sent.length > 0, `${role}: usage recorded (${sent.length} requests sent)`);
    const { inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens } = got;
    assert.deepEqual({ inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens }, expected, `${role} (${dialect}): usage totals`);
    assert.deepEqual(got.unknown, [], `${role}: no unknown usage`);
  }
  return show.usage;
}

/**
 * A test file's worlds: `world(script)` creates one and registers it; `closeAll()` (in the file's `after`) closes
 * every one, so no agent, server or temp folder outlives the file.
 */
export function worldRegistry() {
  const worlds = [];
  return {
    async world(script) {
      const w = await LoopWorld.create(script);
      worlds.push(w);
      return w;
    },
    async closeAll() {
      for (const w of worlds.splice(0)) await w.close();
    },
  };
}

/** Polls `condition` every 100 ms until it holds; fails naming `what` after `timeoutMs` (a bound, not a timing claim). */
export async function waitFor(condition, what, timeoutMs = 90_000) {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
