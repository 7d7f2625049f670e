import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentAdapter } from '../../src/agents/card.js';
import { commandAgent } from '../../src/agents/command-agent.js';
import { splitUndelivered } from '../../src/loop/agent-resume.js';
import type { RunContext } from '../../src/loop/run-context.js';
import { envelope } from './helpers.js';

const base = mkdtempSync(join(tmpdir(), 'loop-agent-resume-test-'));
after(() => rmSync(base, { recursive: true, force: true }));

/**
 * A harness that resumes its own sessions and keeps a transcript per session (a real file, as a harness
 * does): a message it was given is a line holding its id.
 */
function resumingHarness(name: string, options: { broken?: boolean } = {}): AgentAdapter {
  const transcript = (sessionId: string) => join(base, `${name}-${sessionId}.jsonl`);
  const command = commandAgent(name, { command: 'true' });
  return {
    ...command,
    card: { ...command.card, resume: true, sessionId: 'assigned' },
    hasSession: (sessionId) => existsSync(transcript(sessionId)),
    sessionHolds: (sessionId, messageId) => {
      if (options.broken) throw new Error('transcript unreadable');
      return readFileSync(transcript(sessionId), 'utf8').split('\n').some((line) => line.includes(messageId));
    },
  };
}

const context = (agents: RunContext['agents']) => ({ agents, manifest: { cwd: base }, env: {} }) as unknown as RunContext;

describe('splitUndelivered: what a resumed run types again', () => {
  const task = envelope({ from: 'loop', to: 'worker', kind: 'task', payload: { text: 't', iteration: 1 } });
  const request = envelope({ from: 'loop', to: 'reviewer', kind: 'review-request', payload: {} });

  test("a message the agent's own session already holds is not typed again; one it does not hold is", () => {
    const worker = resumingHarness('w');
    appendFileSync(join(base, 'w-s1.jsonl'), `{"role":"user","text":"[loop] task ${task.id} from loop"}\n`);
    const reviewer = resumingHarness('r');
    appendFileSync(join(base, 'r-s2.jsonl'), '{"role":"user","text":"something else"}\n');
    const split = splitUndelivered(context({ worker, reviewer }), [task, request], { worker: 's1', reviewer: 's2' });
    assert.deepEqual(split.send.map((e) => e.id), [request.id]);
    assert.deepEqual(split.held.map((h) => [h.envelope.id, h.role, h.detail]), [
      [task.id, 'worker', "the worker's own session s1 already holds it (typed before loop stopped); not typed again"],
    ]);
    assert.deepEqual(split.errors, []);
  });

  test('an agent relaunched fresh (no saved session), or a command agent (no sessionHolds), gets it typed again', () => {
    const worker = resumingHarness('w2'); // session s9 was never saved: the relaunch is a new session
    const reviewer = commandAgent('cmd', { command: 'true' });
    const split = splitUndelivered(context({ worker, reviewer }), [task, request], { worker: 's9', reviewer: null });
    assert.deepEqual(split.send.map((e) => e.id), [task.id, request.id]);
    assert.deepEqual(split.held, []);
  });

  test('a check that fails types the message again, and says why', () => {
    const worker = resumingHarness('w3', { broken: true });
    appendFileSync(join(base, 'w3-s1.jsonl'), `${task.id}\n`);
    const split = splitUndelivered(context({ worker, reviewer: commandAgent('cmd', { command: 'true' }) }), [task], { worker: 's1', reviewer: null });
    assert.deepEqual(split.send.map((e) => e.id), [task.id]);
    assert.deepEqual(split.errors, [`could not check whether the worker's session s1 holds ${task.id} (transcript unreadable); typing it again`]);
  });
});
