import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import type { Envelope } from '../../src/bus/message.js';
import { typedBlock } from '../../src/bus/typed-block.js';
import { handOff, type HandOffPlan } from '../../src/loop/hand-off.js';
import { TurnWatch } from '../../src/loop/turn-watch.js';
import { newMessageId } from '../../src/run/ids.js';
import { LONG_MS, promptIdle, removeDir, startFixture } from '../pty/helpers.js';

const note = (text: string): Envelope => ({
  id: newMessageId(), runId: 'r', seq: 1, from: 'reviewer', to: 'worker', kind: 'note', iteration: 1, at: new Date().toISOString(), payload: { text },
});

/** The hook agent in a PTY, its signals read by a TurnWatch, and what it submitted. */
async function hookAgent(t: TestContext, swallow: string) {
  // The folder is removed only after the agent is killed (after-hooks run in the order they were added): the
  // agent writes its turn-end signal into it 50 ms after each submission.
  const runDir = mkdtempSync(join(tmpdir(), 'loop-pty-test-'));
  mkdirSync(join(runDir, 'agents', 'worker'), { recursive: true });
  const signals = join(runDir, 'agents', 'worker', 'signals.jsonl');
  const submissions = join(runDir, 'submitted.jsonl');
  const session = await startFixture(t, 'hook-agent.mjs', { args: [signals, swallow, submissions] });
  t.after(() => removeDir(runDir));
  assert.equal(await session.waitForIdle(LONG_MS), true);
  const seen: string[] = [];
  const watch = new TurnWatch(runDir, 'worker', (signal) => seen.push(signal.kind));
  const unsubmitted: string[] = [];
  const plan = (startTimeoutMs: HandOffPlan['startTimeoutMs']): HandOffPlan => ({
    confirmBy: 'hook', watch, waitIdle: true, settleMs: 0, idleTimeoutMs: LONG_MS, startTimeoutMs, clearInput: () => '\x15',
    recorded: () => false,
    unsubmitted: (_attempt, screen) => unsubmitted.push(screen),
    live: () => session.activity() !== 'exited',
  });
  const submitted = () => {
    try {
      return readFileSync(submissions, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as string);
    } catch {
      return [];
    }
  };
  return { session, plan, seen, unsubmitted, submitted };
}

test('a hand-off is confirmed by the harness turn-start signal carrying the message id', async (t) => {
  const agent = await hookAgent(t, '0');
  const message = note('please look at this');
  const result = await handOff(agent.session, typedBlock([message], true), agent.plan(LONG_MS));
  assert.deepEqual(result, { ok: true, attempts: 1, confirmedBy: 'turn-start' });
  assert.equal(agent.submitted().length, 1);
  assert.ok(agent.submitted()[0]!.includes(message.id));
});

test('an Enter taken into the paste: the composer is cleared, the message typed again, and submitted once', async (t) => {
  const agent = await hookAgent(t, '1');
  const message = note('second time');
  // The first Enter is always ignored, so the first attempt times out whatever its timeout: a short one. The
  // retyped attempt gets a long one, so that a slow machine cannot make it time out too.
  const result = await handOff(agent.session, typedBlock([message], true), agent.plan((attempt) => (attempt === 1 ? 1500 : LONG_MS)));
  assert.equal(result.ok, true, JSON.stringify(result));
  assert.equal(result.ok && result.attempts, 2);
  assert.equal(agent.unsubmitted.length, 1);
  assert.match(agent.unsubmitted[0]!, /Pasted text/, 'the screen at the failed attempt is reported');
  const prompts = agent.submitted().filter((p) => p.includes(message.id));
  assert.equal(prompts.length, 1, 'submitted exactly once');
  assert.equal(prompts[0]!.split(message.id).length, 2, 'the cleared text was not submitted along with the retyped one');
});

test('an Enter dropped after the paste, with the text still in a quiet composer, is pressed again: one submission', async (t) => {
  const agent = await hookAgent(t, '1');
  const message = note('press again');
  const result = await handOff(agent.session, typedBlock([message], true), { ...agent.plan(LONG_MS), idle: promptIdle });
  assert.deepEqual(result, { ok: true, attempts: 1, confirmedBy: 'turn-start' });
  assert.equal(agent.unsubmitted.length, 0, 'no retype needed');
  assert.equal(agent.submitted().filter((p) => p.includes(message.id)).length, 1);
});

test('a message never submitted fails after the bounded attempts, naming what the screen shows', async (t) => {
  const agent = await hookAgent(t, 'never');
  const result = await handOff(agent.session, typedBlock([note('nobody home')], true), agent.plan(500));
  assert.equal(result.ok, false);
  assert.ok(!result.ok && result.reason === 'not-submitted');
  assert.ok(!result.ok && /did not start within 0.5 s of Enter, 3 times \(screen: .*Pasted text/.test(result.detail), !result.ok ? result.detail : '');
  assert.equal(agent.unsubmitted.length, 2);
  assert.deepEqual(agent.submitted(), []);
});

test('a session record that already holds the message stops a retry', async (t) => {
  const agent = await hookAgent(t, 'never');
  const message = note('held already');
  let asked = 0;
  const plan = { ...agent.plan(500), recorded: (ids: readonly string[]) => (asked++ > 0 && ids.includes(message.id)) };
  const result = await handOff(agent.session, typedBlock([message], true), plan);
  assert.deepEqual(result, { ok: true, attempts: 1, confirmedBy: 'session record' });
  assert.equal(agent.unsubmitted.length, 0, 'nothing was typed again');
});
