import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { applyJsonEdits } from '../../src/agents/harness/config-ledger.js';
import { LOOP_BIN } from './helpers.js';

const base = mkdtempSync(join(tmpdir(), 'loop-doctor-'));
after(() => rmSync(base, { recursive: true, force: true }));

// PATH with node but without any agent CLI.
const bareEnv = { PATH: `${dirname(process.execPath)}:/usr/bin:/bin`, HOME: base, LOOP_HOME: join(base, 'loop'), NO_COLOR: '1' };
const doctor = (args: string[], env: Record<string, string> = bareEnv) =>
  execa(process.execPath, [LOOP_BIN, 'doctor', ...args], { cwd: base, env, extendEnv: false, reject: false });

describe('loop doctor', () => {
  test('without agent CLIs: exit 1, each missing harness with its exact fix; the runtime checks pass', async () => {
    const result = await doctor([]);
    assert.equal(result.exitCode, 1, result.stdout);
    assert.match(result.stdout, /^✓ node-pty +spawned a pseudo-terminal/m);
    assert.match(result.stdout, /^✓ MCP bridge +loop mcp answered \(7 tools: send_note, send_question, send_answer, send_plan, send_done, inbox, status\)/m);
    assert.match(result.stdout, /^✗ codex +not installed \(no `codex` on PATH\)\n +fix: npm install -g @openai\/codex$/m);
    assert.match(result.stdout, /^✗ claude +not installed/m);
    assert.match(result.stdout, /^- gemini +not installed/m, 'gemini is not configured, so it is optional');
    // gh is optional (only loop pr needs it), with its fix.
    assert.match(result.stdout, /^- gh \(for loop pr\) +the GitHub CLI \(gh\) is not installed or not on PATH.*\n +fix: install the GitHub CLI: https:\/\/cli\.github\.com .*gh auth login$/m);
  });

  test('gh installed and logged in, or logged out (the gh fixture)', async () => {
    const gh = join(dirname(LOOP_BIN), '..', 'test', 'fixtures', 'gh');
    const loggedIn = await doctor(['--json'], { ...bareEnv, PATH: `${gh}:${bareEnv.PATH}` });
    const check = (out: string) => (JSON.parse(out) as { checks: Array<{ name: string; ok: boolean; detail: string; fix?: string }> }).checks.find((c) => c.name === 'gh (for loop pr)');
    assert.equal(check(loggedIn.stdout)?.ok, true, loggedIn.stdout);
    const loggedOut = await doctor(['--json'], { ...bareEnv, PATH: `${gh}:${bareEnv.PATH}`, FAKE_GH_LOGGED_OUT: '1' });
    assert.equal(check(loggedOut.stdout)?.ok, false);
    assert.equal(check(loggedOut.stdout)?.fix, 'log in: gh auth login');
  });

  test('states the isolation a run would get, and what it does and does not protect', async () => {
    const sandboxed = await doctor([]);
    assert.match(sandboxed.stdout, /^✓ isolation +sandbox \(bubblewrap [0-9.]+\): each agent in its own PID namespace, seeing only its own drop-box$/m);
    assert.match(sandboxed.stdout, /^ +protected: an agent cannot see the other agent's processes, environment or open files \(\/proc\)$/m);
    assert.match(sandboxed.stdout, /^ +not protected: both agents share the repository, \$HOME and the network, as the harnesses need$/m);
    // A PATH without bubblewrap: node and git only.
    const bin = join(base, 'bin-without-bwrap');
    mkdirSync(bin);
    symlinkSync(process.execPath, join(bin, 'node'));
    symlinkSync('/usr/bin/git', join(bin, 'git'));
    const bare = await doctor([], { ...bareEnv, PATH: bin });
    assert.match(bare.stdout, /^- isolation +none \(bubblewrap \(bwrap\) is not installed; install bubblewrap \(Debian\/Ubuntu: apt-get install bubblewrap; Fedora: dnf install bubblewrap\)\): agents run as you, unisolated$/m);
    assert.match(bare.stdout, /^ +not protected: a worker that reads the reviewer's environment through \/proc can take its key and forge its review$/m);
    assert.match(bare.stdout, /^ +fix: install bubblewrap \(Debian\/Ubuntu: apt-get install bubblewrap\) to isolate the agents$/m);
  });

  test('--json reports every check with ok, detail and fix', async () => {
    const result = await doctor(['--json']);
    const report = JSON.parse(result.stdout);
    assert.equal(report.ok, false);
    const codex = report.checks.find((c: { name: string }) => c.name === 'codex');
    assert.deepEqual({ ok: codex.ok, fix: codex.fix }, { ok: false, fix: 'npm install -g @openai/codex' });
  });

  test('--revert undoes recorded harness config changes and keeps what the user changed since', async () => {
    const runDir = join(base, 'loop', 'runs', 'repo-1', '20261124-000000-000-aaaaaaaa');
    mkdirSync(runDir, { recursive: true });
    const file = join(base, 'claude.json');
    writeFileSync(file, JSON.stringify({ theme: 'light', projects: {} }));
    applyJsonEdits(file, [
      { path: ['projects', '/repo', 'hasTrustDialogAccepted'], value: true, reason: 'trust' },
      { path: ['theme'], value: 'dark', reason: 'test' },
      { path: ['hasCompletedOnboarding'], value: true, reason: 'onboarding' },
    ], runDir);
    const edited = JSON.parse(readFileSync(file, 'utf8'));
    edited.hasCompletedOnboarding = 'user changed it';
    writeFileSync(file, JSON.stringify(edited));
    const result = await doctor(['--revert']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stdout, /2 change\(s\) reverted; 1 left alone/);
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), { theme: 'light', projects: { '/repo': {} }, hasCompletedOnboarding: 'user changed it' });
  });
});
