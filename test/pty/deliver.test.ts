import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LONG_MS, startFixture, waitUntil } from './helpers.js';

test('bracketed paste when the program enabled it, newlines kept as CR', async (t) => {
  const session = await startFixture(t, 'paste-agent.mjs');
  assert.equal(await session.waitForIdle(LONG_MS), true);
  assert.equal(session.bracketedPaste(), true);
  const result = await session.deliver('line one\nline two\x1b[201~tail');
  assert.deepEqual(result, { ok: true, attempts: 1, bracketed: true });
  assert.equal(await session.waitForIdle(LONG_MS), true);
  const pasted = 'line one\rline two[201~tail';
  assert.ok(session.screenText().includes(`submitted: ${JSON.stringify({ pasted, typed: '' })}`), session.screenText());
});

test('a long bracketed paste arrives whole', async (t) => {
  const session = await startFixture(t, 'paste-agent.mjs');
  const text = `${'p'.repeat(9000)}THE-END`;
  assert.deepEqual(await session.deliver(text, { idleTimeoutMs: LONG_MS }), { ok: true, attempts: 1, bracketed: true });
  assert.equal(await session.waitForIdle(LONG_MS), true);
  assert.match(session.screenText(), /submitted: pasted 9007 chars, ends pTHE-END/);
});

test('a long plain line is written in chunks and arrives whole', async (t) => {
  const session = await startFixture(t, 'stubborn-agent.mjs', { args: ['0'] });
  const text = `${'a'.repeat(9000)}LAST`;
  const result = await session.deliver(text, { idleTimeoutMs: LONG_MS });
  assert.deepEqual(result, { ok: true, attempts: 1, bracketed: false });
  assert.equal(await session.waitForIdle(LONG_MS), true);
  assert.match(session.screenText(), /got 9004 chars, ends aaaaLAST/);
});

test('an ignored Enter is pressed again', async (t) => {
  const session = await startFixture(t, 'stubborn-agent.mjs', { args: ['1'] });
  const result = await session.deliver('second time lucky', { idleTimeoutMs: LONG_MS, confirmMs: 1000 });
  assert.equal(result.ok, true);
  assert.ok(result.ok && result.attempts >= 2, JSON.stringify(result));
  assert.equal(await session.waitForIdle(LONG_MS), true);
  assert.match(session.screenText(), /got: second time lucky\n/);
});

test('Enter is retried a bounded number of times, then not-submitted', async (t) => {
  const session = await startFixture(t, 'stubborn-agent.mjs', { args: ['99'] });
  const result = await session.deliver('ignored', { idleTimeoutMs: LONG_MS, confirmMs: 300, maxEnterRetries: 2 });
  assert.deepEqual(result, {
    ok: false,
    reason: 'not-submitted',
    detail: 'no reaction within 300 ms to each of 3 Enter presses (cursor line "> ignored")',
  });
});

test('an agent that never becomes idle gets nothing typed', async (t) => {
  const session = await startFixture(t, 'line-agent.mjs', { idle: { pattern: /^never$/, quietMs: 50 } });
  // The 300 ms below is for delivery, not for node to start the fixture (slow on a loaded machine).
  await waitUntil(() => session.cursorLine().trim() === '>', 'the fixture prompt');
  let typed = false;
  session.onData((data) => {
    if (data.includes('hello')) typed = true;
  });
  const result = await session.deliver('hello', { idleTimeoutMs: 300 });
  assert.equal(result.ok, false);
  assert.equal(!result.ok && result.reason, 'timeout-waiting-idle');
  assert.match(!result.ok ? result.detail : '', /^not idle after 300 ms \(activity starting, cursor line ">"\)$/);
  assert.equal(typed, false);
});

test('concurrent deliveries are typed one after the other', async (t) => {
  const session = await startFixture(t, 'line-agent.mjs');
  const [first, second] = await Promise.all([
    session.deliver('first message', { idleTimeoutMs: LONG_MS }),
    session.deliver('second message', { idleTimeoutMs: LONG_MS }),
  ]);
  assert.equal(first.ok && second.ok, true);
  assert.equal(await session.waitForIdle(LONG_MS), true);
  const text = session.screenText();
  assert.match(text, /> first message\ngot: first message\n(working \d\n){3}> second message\ngot: second message\n/);
});

test('delivery to an agent that exits while waiting reports exited', async (t) => {
  const session = await startFixture(t, 'line-agent.mjs', { idle: { pattern: /^never$/, quietMs: 50 } });
  const pending = session.deliver('too late', { idleTimeoutMs: LONG_MS });
  await session.kill(LONG_MS);
  assert.deepEqual(await pending, {
    ok: false,
    reason: 'exited',
    detail: 'the agent process exited while waiting for it to become idle',
  });
});

test('Enter waits until a slow program has shown the paste, so it submits instead of joining the paste', async (t) => {
  const session = await startFixture(t, 'slow-paste-agent.mjs', { args: ['700'] });
  assert.equal(await session.waitForIdle(LONG_MS), true);
  const result = await session.deliver('review this', { idleTimeoutMs: LONG_MS });
  assert.equal(result.ok, true, JSON.stringify(result));
  assert.equal(await session.waitForIdle(LONG_MS), true, session.screenText());
  assert.match(session.screenText(), /submitted: "review this"/);
});
