import assert from 'node:assert/strict';
import { test } from 'node:test';
import { watchSubmission } from '../../src/loop/submit-watch.js';
import { LONG_MS, promptIdle, startFixture } from '../pty/helpers.js';

const until = async (condition: () => boolean, what: string) => {
  const started = Date.now();
  while (!condition()) {
    assert.ok(Date.now() - started < LONG_MS, `timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};

test('a message left unsent in the composer gets Enter again, once the screen sits still', async (t) => {
  const session = await startFixture(t, 'slow-paste-agent.mjs', { args: ['200'] });
  assert.equal(await session.waitForIdle(LONG_MS), true);
  // The Enter arrives with the paste, before the program shows it: it joins the paste, nothing is submitted.
  session.write('\x1b[200~review this\x1b[201~\r');
  await until(() => session.screenText().includes('[Pasted Text'), 'the paste to show');
  const presses: string[] = [];
  const watch = watchSubmission(session, { ...promptIdle, busyPattern: /working/ }, () => false, (_attempt, line) => presses.push(line), { quietMs: 300, pollMs: 50 });
  t.after(watch.stop);
  assert.equal(await watch.ended, 'turn-started');
  await until(() => session.screenText().includes('submitted:'), 'the submission');
  assert.match(session.screenText(), /submitted: "review this\\n"/);
  assert.deepEqual(presses, ['> [Pasted Text: 12 chars]']);
});

test('a turn that visibly started (busy marker on screen) gets no extra Enter', async (t) => {
  const session = await startFixture(t, 'slow-paste-agent.mjs', { args: ['0'] });
  assert.equal(await session.waitForIdle(LONG_MS), true);
  session.write('\x1b[200~go\x1b[201~');
  await until(() => session.screenText().includes('[Pasted Text'), 'the paste to show');
  session.write('\r');
  await until(() => session.screenText().includes('working'), 'the turn to start');
  const presses: number[] = [];
  const watch = watchSubmission(session, { ...promptIdle, busyPattern: /working/ }, () => false, (attempt) => presses.push(attempt), { quietMs: 0, pollMs: 20 });
  t.after(watch.stop);
  assert.equal(await watch.ended, 'turn-started');
  assert.deepEqual(presses, []);
});

test('an agent back at its empty prompt ends the watch without a press', async (t) => {
  const session = await startFixture(t, 'slow-paste-agent.mjs', { args: ['0'] });
  assert.equal(await session.waitForIdle(LONG_MS), true);
  const presses: number[] = [];
  const watch = watchSubmission(session, { ...promptIdle, busyPattern: /working/ }, () => false, (attempt) => presses.push(attempt), { quietMs: 0, pollMs: 20 });
  t.after(watch.stop);
  assert.equal(await watch.ended, 'idle');
  assert.deepEqual(presses, []);
});
