#!/usr/bin/env node
// Checks the real claude/codex/gemini CLIs against the fake model server, headless and in their TUIs (tmux, 200x50):
// plain reply, scripted shell tool call writing a file, scripted MCP tool call reaching echo-mcp, and the
// turn-end signal (Claude Stop hook, Codex notify, Gemini AfterAgent hook). Prints a table; exit 1 on any failure.
//
//   node test/e2e/verify-harnesses.mjs [--agents claude,codex,gemini] [--modes headless,tui] [--parallel] [--keep]
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareHarness } from './harness-homes.mjs';
import { startModelServer } from './model-server/server.mjs';
import { Tmux, sleep } from './tmux.mjs';

const argv = process.argv.slice(2);
const opt = (name, dflt) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : dflt);
const agents = opt('--agents', 'claude,codex,gemini').split(',');
const modes = opt('--modes', 'headless,tui').split(',');
const parallel = argv.includes('--parallel');
const keep = argv.includes('--keep');

const work = mkdtempSync(join(tmpdir(), 'loop-e2e-verify-'));
const out = join(work, 'out');
mkdirSync(out);
const results = [];
const record = (agent, mode, step, ok, ms, detail = '') => {
  results.push({ agent, mode, step, ok, ms, detail });
  console.error(`${ok ? 'ok  ' : 'FAIL'} ${agent.padEnd(6)} ${mode.padEnd(8)} ${step.padEnd(10)} ${String(ms ?? '').padStart(6)} ms ${detail}`);
};

const lines = (file) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()) : []);
const jsonLines = (file) => lines(file).flatMap((l) => {
  try {
    return [JSON.parse(l)];
  } catch {
    return [];
  }
});
// Codex notify also fires for its title sub-turn (another thread); count only the user's turns.
const isTitleTurn = (n) => String(n['input-messages']?.[0] ?? '').startsWith('Generate a concise');
const turnEnds = (agent, file) => jsonLines(file).filter((n) => !(agent === 'codex' && isTitleTurn(n)));

const script = {
  rules: [
    { name: 'shell', match: 'MARK-SHELL (\\S+)', steps: [{ shell: 'echo hi > $1' }], final: 'SHELL-DONE-FROM-FAKE' },
    { name: 'mcp', match: 'MARK-MCP (\\S+)', steps: [{ mcpTool: 'ping', args: { text: '$1' } }], final: 'MCP-DONE-FROM-FAKE' },
  ],
  default: 'PONG-FROM-FAKE',
};

function gitRepo(dir) {
  mkdirSync(dir, { recursive: true });
  execFileSync('git', ['init', '-q', dir]);
  execFileSync('git', ['-C', dir, '-c', 'user.email=e2e@example.invalid', '-c', 'user.name=e2e', 'commit', '-q', '--allow-empty', '-m', 'init']);
  return dir;
}

/** Runs a headless CLI with a hard timeout; resolves {code, stdout, stderr, ms}. */
function run(bin, args, env, cwd, timeoutMs = 90000) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(bin, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {}
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}

async function headless(agent, baseUrl) {
  const cwd = gitRepo(join(work, `${agent}-headless-repo`));
  const turnEndFile = join(out, `${agent}-headless-turn-end.jsonl`);
  const mcpFile = join(out, `${agent}-headless-mcp.jsonl`);
  const h = prepareHarness(agent, { root: join(work, 'headless'), cwd, baseUrl, mcp: { name: 'echo', file: mcpFile }, turnEndFile });
  const plain = await run(h.bin, h.headlessArgs('say hello plainly'), h.env, cwd);
  record(agent, 'headless', 'plain', plain.code === 0 && plain.stdout.includes('PONG-FROM-FAKE'), plain.ms, `rc=${plain.code}`);
  const target = join(out, `${agent}-headless-shell.txt`);
  const shell = await run(h.bin, h.headlessArgs(`please MARK-SHELL ${target}`), h.env, cwd);
  record(agent, 'headless', 'shell', shell.code === 0 && existsSync(target) && shell.stdout.includes('SHELL-DONE-FROM-FAKE'), shell.ms, `rc=${shell.code} file=${existsSync(target)}`);
  const mcp = await run(h.bin, h.headlessArgs(`call MARK-MCP ${agent}-headless`), h.env, cwd);
  const calls = jsonLines(mcpFile).filter((c) => c.args?.text === `${agent}-headless`);
  record(agent, 'headless', 'mcp', mcp.code === 0 && calls.length === 1 && mcp.stdout.includes('MCP-DONE-FROM-FAKE'), mcp.ms, `rc=${mcp.code} calls=${calls.length}`);
  record(agent, 'headless', 'turn-end', true, null, `${turnEnds(agent, turnEndFile).length} hook/notify events for 3 runs`);
  for (const r of [plain, shell, mcp]) if (r.code !== 0) console.error(`--- ${agent} stderr:\n${r.stderr.slice(-2000)}`);
}

const DIALOGS = [/Do you want to proceed/, /trust (this|the files in this) folder/i, /Allow execution of/, /Allow the \w+ MCP server/, /Do you want to use this API key/, /Bypass Permissions mode/];

async function tui(agent, baseUrl, tmux) {
  const cwd = gitRepo(join(work, `${agent}-tui-repo`));
  const turnEndFile = join(out, `${agent}-tui-turn-end.jsonl`);
  const mcpFile = join(out, `${agent}-tui-mcp.jsonl`);
  const h = prepareHarness(agent, { root: join(work, 'tui'), cwd, baseUrl, mcp: { name: 'echo', file: mcpFile }, turnEndFile });
  const dialogs = new Set();
  const look = () => {
    const s = tmux.screen(agent);
    for (const d of DIALOGS) if (d.test(s)) dialogs.add(d.source);
    return s;
  };
  const idle = () => {
    const s = look();
    return h.idleMarker.test(s) && !h.busyMarker.test(s);
  };
  const ends = () => turnEnds(agent, turnEndFile).length;
  const step = async (name, what, check, timeoutMs = 60000) => {
    try {
      const { ms } = await tmux.waitFor(agent, what, check, timeoutMs);
      record(agent, 'tui', name, true, ms);
      return true;
    } catch (err) {
      record(agent, 'tui', name, false, null, err.message);
      console.error(`--- ${agent} screen:\n${err.screen ?? ''}`);
      return false;
    }
  };
  const submit = async (text, { paste = false } = {}) => {
    if (paste) tmux.paste(agent, text);
    else tmux.type(agent, text);
    await sleep(300); // let the composer settle before Enter
    tmux.keys(agent, 'Enter');
  };

  const launcher = tmux.start(agent, { bin: h.bin, args: h.tuiArgs(), env: h.env, cwd });
  if (!(await step('idle', 'idle prompt', idle))) return;
  await submit('say hello plainly');
  if (!(await step('plain', 'PONG + turn end + idle', () => ends() >= 1 && /PONG-FROM-FAKE/.test(look()) && idle()))) return;
  const target = join(out, `${agent}-tui-shell.txt`);
  await submit(`first line of a pasted message\nplease MARK-SHELL ${target}\nlast line`, { paste: true });
  if (!(await step('shell', 'file + turn end + idle', () => existsSync(target) && ends() >= 2 && idle()))) return;
  await submit(`call MARK-MCP ${agent}-tui`);
  if (!(await step('mcp', 'MCP call + turn end + idle', () => jsonLines(mcpFile).some((c) => c.args?.text === `${agent}-tui`) && ends() >= 3 && idle()))) return;
  const endEvents = turnEnds(agent, turnEndFile);
  const titleEvents = jsonLines(turnEndFile).length - endEvents.length;
  record(agent, 'tui', 'turn-end', endEvents.length === 3, null, `${endEvents.length} events for 3 turns${titleEvents ? ` (+${titleEvents} title sub-turn notifies)` : ''}; keys: ${Object.keys(endEvents[0] ?? {}).join(',')}`);
  await submit(h.exitCommand);
  await step('exit', 'the CLI to exit', () => /\[exited rc=\d+\]/.test(look()), 20000);
  const resume = /(claude --resume \S+|codex resume \S+|gemini --resume \S+)/.exec(look())?.[1];
  record(agent, 'tui', 'dialogs', dialogs.size === 0, null, `${dialogs.size ? [...dialogs].join(' | ') : 'none'}; resume hint: ${resume ?? 'n/a'}; launcher: ${launcher}`);
}

async function main() {
  const server = await startModelServer({ script, logFile: join(work, 'fake.log') });
  console.error(`work dir ${work}, fake server ${server.url}`);
  const tmux = new Tmux(work);
  try {
    if (modes.includes('headless')) {
      if (parallel) await Promise.all(agents.map((a) => headless(a, server.url)));
      else for (const a of agents) await headless(a, server.url);
    }
    if (modes.includes('tui')) {
      if (parallel) await Promise.all(agents.map((a) => tui(a, server.url, tmux)));
      else for (const a of agents) await tui(a, server.url, tmux);
    }
  } finally {
    tmux.close();
    await server.close();
  }
  await sleep(500);
  const leftovers = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' }).split('\n').filter((l) => l.includes(work) && !l.includes('ps -eo'));
  record('all', '-', 'cleanup', leftovers.length === 0, null, leftovers.length ? leftovers.join('; ') : 'no process left');
  writeFileSync(join(work, 'results.json'), JSON.stringify({ requests: server.requests(), results }, null, 2));
  console.log('| agent | mode | step | ok | ms | detail |\n|---|---|---|---|---|---|');
  for (const r of results) console.log(`| ${r.agent} | ${r.mode} | ${r.step} | ${r.ok ? 'yes' : '**NO**'} | ${r.ms ?? ''} | ${r.detail.replace(/\|/g, '\\|')} |`);
  if (!keep) rmSync(work, { recursive: true, force: true });
  else console.error(`kept ${work}`);
  process.exitCode = results.every((r) => r.ok) ? 0 : 1;
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
