import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import {
  isProcessAlive,
  killAllSessions,
  killProcessGroup,
  liveSessionCount,
} from '../../src/pty/process-tree.js';
import { LONG_MS, isDead, startFixture, waitUntil } from './helpers.js';

const pidsOf = (text: string): number[] => {
  const match = /pids: (\d+) (\d+)/.exec(text);
  assert.ok(match, `no pids on screen: ${text}`);
  return [Number(match[1]), Number(match[2])];
};

test('kill terminates the whole group, escalating to SIGKILL for SIGTERM-ignorers', async (t) => {
  const session = await startFixture(t, 'group-agent.mjs');
  assert.equal(await session.waitForIdle(LONG_MS), true);
  const [child, grandchild] = pidsOf(session.screenText());
  assert.equal(child, session.pid);
  assert.equal(isProcessAlive(child!), true);
  assert.equal(isProcessAlive(grandchild!), true);
  const info = await session.kill(300);
  assert.deepEqual(info, { exitCode: null, signal: 9 });
  assert.equal(isDead(child!), true, 'child survived');
  assert.equal(isDead(grandchild!), true, 'grandchild survived');
});

test('kill right after spawn reaches the agent before it has its own process group', async (t) => {
  const session = await startFixture(t, 'line-agent.mjs');
  assert.deepEqual(await session.kill(LONG_MS), { exitCode: null, signal: 15 });
  assert.equal(isDead(session.pid), true);
});

test('processes left behind by an agent that exited are swept', async (t) => {
  const session = await startFixture(t, 'orphan-agent.mjs', { idle: { pattern: /^never$/, quietMs: 50 } });
  assert.deepEqual(await session.exited, { exitCode: 0, signal: null });
  const match = /orphan: (\d+)/.exec(session.screenText());
  assert.ok(match, session.screenText());
  assert.equal(isDead(Number(match[1])), true, 'orphan survived');
});

test('killAllSessions ends every live session', async (t) => {
  const before = liveSessionCount();
  const sessions = await Promise.all([startFixture(t, 'line-agent.mjs'), startFixture(t, 'group-agent.mjs')]);
  assert.equal(liveSessionCount(), before + 2);
  await killAllSessions(300);
  for (const session of sessions) assert.equal(session.activity(), 'exited');
  const infos = await Promise.all(sessions.map((session) => session.exited));
  assert.deepEqual(infos.map((info) => info.exitCode), [null, null]);
  assert.equal(liveSessionCount(), before);
  for (const session of sessions) assert.equal(isDead(session.pid), true);
});

test('killProcessGroup works on any group and ignores a group that is gone', async (t) => {
  const child = spawn(process.execPath, ['-e', "process.on('SIGTERM', () => {}); console.log('ready'); setInterval(() => {}, 1000);"], {
    detached: true,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  await new Promise((resolve) => child.stdout.once('data', resolve));
  const pid = child.pid!;
  const closed = new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  await killProcessGroup(pid, 200);
  assert.equal(await closed, 'SIGKILL');
  await waitUntil(() => isDead(pid), 'detached child to die');
  await killProcessGroup(pid, 200);
  assert.equal(isProcessAlive(process.pid), true);
  assert.equal(isProcessAlive(pid), false);
});
