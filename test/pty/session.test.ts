import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isLoopError } from '../../src/errors.js';
import { createPtySession } from '../../src/pty/session.js';
import type { AgentActivity } from '../../src/pty/types.js';
import { LONG_MS, fixtureDir, promptIdle, startFixture, tempDir } from './helpers.js';

test('starts as starting, becomes idle at the prompt, busy while working, idle again', async (t) => {
  const session = await startFixture(t, 'line-agent.mjs');
  assert.equal(session.activity(), 'starting');
  const seen: AgentActivity[] = [];
  session.onActivity((activity) => seen.push(activity));
  assert.equal(await session.waitForIdle(LONG_MS), true);
  assert.equal(session.activity(), 'idle');
  assert.equal(session.cursorLine(), '>');
  assert.match(session.screenText(), /^line agent ready\n>$/);
  assert.equal(session.bracketedPaste(), false);

  const result = await session.deliver('hello there');
  assert.deepEqual(result, { ok: true, attempts: 1, bracketed: false });
  assert.equal(await session.waitForIdle(LONG_MS), true);
  assert.match(session.screenText(), /got: hello there\nworking 1\nworking 2\nworking 3\n>$/);
  assert.deepEqual(seen.slice(0, 2), ['idle', 'busy']);
  assert.equal(seen.at(-1), 'idle');
});

test('plain delivery turns newlines into spaces', async (t) => {
  const session = await startFixture(t, 'line-agent.mjs');
  const result = await session.deliver('one\ntwo\r\nthree', { idleTimeoutMs: LONG_MS });
  assert.equal(result.ok, true);
  assert.equal(await session.waitForIdle(LONG_MS), true);
  assert.match(session.screenText(), /got: one two three\n/);
});

test('terminal queries (cursor position, device attributes) are answered', async (t) => {
  const session = await startFixture(t, 'cpr-agent.mjs');
  assert.equal(await session.waitForIdle(LONG_MS), true, session.screenText());
  assert.match(session.screenText(), /^booting\ncpr: 2;1 da: [\d;]+\n>$/);
  const result = await session.deliver('ping');
  assert.equal(result.ok, true);
  assert.equal(await session.waitForIdle(LONG_MS), true);
  assert.match(session.screenText(), /got: ping\n/);
});

test('onData streams raw output until unsubscribed', async (t) => {
  const session = await startFixture(t, 'line-agent.mjs');
  let output = '';
  const off = session.onData((data) => {
    output += data;
  });
  assert.equal(await session.waitForIdle(LONG_MS), true);
  assert.match(output, /line agent ready\r\n> /);
  off();
  const before = output;
  assert.equal((await session.deliver('quiet')).ok, true);
  assert.equal(await session.waitForIdle(LONG_MS), true);
  assert.equal(output, before);
});

test('exit: exited resolves; resize, write, deliver and kill afterwards are harmless', async (t) => {
  const session = await startFixture(t, 'line-agent.mjs');
  assert.equal(await session.waitForIdle(LONG_MS), true);
  await session.deliver('exit');
  assert.deepEqual(await session.exited, { exitCode: 0, signal: null });
  assert.equal(session.activity(), 'exited');
  assert.doesNotThrow(() => session.resize(100, 40));
  assert.doesNotThrow(() => session.write('late\r'));
  assert.deepEqual(await session.deliver('anyone?'), {
    ok: false,
    reason: 'exited',
    detail: 'the agent process exited before delivery',
  });
  assert.equal(await session.waitForIdle(10), false);
  assert.match(session.screenText(), /> exit$/);
  assert.deepEqual(await session.kill(100), { exitCode: 0, signal: null });
});

test('kill ends a running agent with SIGTERM and reports the signal', async (t) => {
  const session = await startFixture(t, 'line-agent.mjs');
  assert.equal(await session.waitForIdle(LONG_MS), true);
  const first = session.kill(LONG_MS);
  assert.equal(session.kill(), first, 'kill is idempotent');
  assert.deepEqual(await first, { exitCode: null, signal: 15 });
  assert.deepEqual(await session.exited, { exitCode: null, signal: 15 });
});

test('resize while running is passed to the program', async (t) => {
  const session = await startFixture(t, 'line-agent.mjs');
  assert.equal(await session.waitForIdle(LONG_MS), true);
  session.resize(100, 20);
  assert.throws(() => session.resize(0, 20), TypeError);
  assert.equal(await session.waitForIdle(LONG_MS), true);
});

test('a prompt that never matches keeps the session starting', async (t) => {
  const session = await startFixture(t, 'line-agent.mjs', { idle: { pattern: /^never$/, quietMs: 50 } });
  assert.equal(await session.waitForIdle(400), false);
  assert.equal(session.activity(), 'starting');
});

test('spawn problems reject with an infra LoopError', async () => {
  const spec = { args: [], env: { PATH: '/usr/bin:/bin' }, cols: 80, rows: 24 };
  await assert.rejects(createPtySession({ ...spec, command: 'no-such-agent-xyz', cwd: fixtureDir }, promptIdle), (error) => {
    assert.ok(isLoopError(error));
    assert.equal(error.code, 'infra');
    assert.match(error.message, /^cannot start no-such-agent-xyz: command not found or not executable/);
    return true;
  });
  await assert.rejects(createPtySession({ ...spec, command: 'sh', cwd: '/no/such/dir' }, promptIdle), /working directory does not exist: \/no\/such\/dir/);
});

const readCast = (path: string): { header: Record<string, unknown>; events: [number, string, string][] } => {
  const [headerLine, ...lines] = readFileSync(path, 'utf8').trimEnd().split('\n');
  return {
    header: JSON.parse(headerLine ?? '') as Record<string, unknown>,
    events: lines.map((line) => JSON.parse(line) as [number, string, string]),
  };
};

test('records output and typed input as asciicast v2 (0600); query replies are not input', async (t) => {
  const recordPath = join(tempDir(t), 'worker.cast');
  const session = await startFixture(t, 'cpr-agent.mjs', { spec: { recordPath } });
  assert.equal(await session.waitForIdle(LONG_MS), true);
  assert.equal((await session.deliver('recorded')).ok, true);
  assert.equal(await session.waitForIdle(LONG_MS), true);
  await session.kill(LONG_MS);
  assert.equal(statSync(recordPath).mode & 0o777, 0o600);
  const { header, events } = readCast(recordPath);
  assert.equal(header.version, 2);
  assert.equal(header.width, 120);
  assert.equal(header.height, 30);
  assert.equal(typeof header.timestamp, 'number');
  assert.deepEqual(header.env, { TERM: 'xterm-256color' });
  const output = events.filter((e) => e[1] === 'o').map((e) => e[2]).join('');
  assert.match(output, /booting\r+\n\x1b\[6n/);
  assert.match(output, /got: recorded/);
  assert.deepEqual(events.filter((e) => e[1] === 'i').map((e) => e[2]), ['recorded', '\r']);
  const times = events.map((e) => e[0]);
  assert.deepEqual(times, [...times].sort((a, b) => a - b));
});

test('the recording stops at recordMaxBytes with a truncation marker', async (t) => {
  const recordPath = join(tempDir(t), 'capped.cast');
  const session = await startFixture(t, 'line-agent.mjs', { spec: { recordPath, recordMaxBytes: 3000 } });
  assert.equal(await session.waitForIdle(LONG_MS), true);
  assert.equal((await session.deliver('flood 300')).ok, true);
  assert.equal(await session.waitForIdle(LONG_MS), true);
  assert.match(session.screenText(), /flood line 300 x+\n>$/);
  await session.kill(LONG_MS);
  const text = readFileSync(recordPath, 'utf8');
  const { events } = readCast(recordPath);
  assert.deepEqual(events.at(-1)?.slice(1), ['m', 'recording truncated at 3000 bytes']);
  const beforeMarker = text.slice(0, text.lastIndexOf('\n', text.length - 2) + 1);
  assert.ok(Buffer.byteLength(beforeMarker) <= 3000);
});
