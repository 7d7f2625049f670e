import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { execa } from 'execa';
import { LOOP_BIN } from '../integration/helpers.js';

/** `loop hook` as a harness runs it: through bin/loop.js (the bundled fast path), payload on stdin or as the last argument. */
async function hook(event: string, payload: string, asArgument = false) {
  const runDir = mkdtempSync(join(tmpdir(), 'loop-hook-test-'));
  try {
    mkdirSync(join(runDir, 'agents', 'worker'), { recursive: true });
    const result = await execa(process.execPath, [LOOP_BIN, 'hook', event, ...(asArgument ? [payload] : [])], {
      env: { LOOP_RUN_DIR: runDir, LOOP_ROLE: 'worker', PATH: process.env.PATH ?? '' }, input: asArgument ? '' : payload, reject: false,
    });
    let lines: Record<string, unknown>[] = [];
    try {
      lines = readFileSync(join(runDir, 'agents', 'worker', 'signals.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    } catch {
      // no signal recorded
    }
    return { result, lines };
  } finally {
    rmSync(runDir, { recursive: true, force: true });
  }
}

test('loop hook claude-prompt records a turn start with the message ids of the prompt, silently, exit 0', async () => {
  const { result, lines } = await hook('claude-prompt', JSON.stringify({ session_id: 'abc', prompt: '[loop] task m-0mx2ou15kc9r6kgml from loop' }));
  assert.deepEqual([result.exitCode, result.stdout, result.stderr], [0, '', '']);
  assert.equal(lines.length, 1);
  assert.deepEqual({ kind: lines[0]!.kind, event: lines[0]!.event, sessionId: lines[0]!.sessionId, ids: lines[0]!.ids }, { kind: 'turn-start', event: 'claude-prompt', sessionId: 'abc', ids: ['m-0mx2ou15kc9r6kgml'] });
});

test('loop hook codex-notify takes its payload as the last argument; a gemini turn end reads prompt_response', async () => {
  const codex = await hook('codex-notify', JSON.stringify({ type: 'agent-turn-complete', 'thread-id': 't-1', 'last-assistant-message': 'done' }), true);
  assert.equal(codex.result.exitCode, 0);
  assert.deepEqual([codex.lines[0]!.kind, codex.lines[0]!.sessionId, codex.lines[0]!.lastMessage], ['turn-end', 't-1', 'done']);
  const gemini = await hook('gemini-after-agent', JSON.stringify({ session_id: 'g', prompt_response: 'ok' }));
  assert.deepEqual([gemini.lines[0]!.kind, gemini.lines[0]!.lastMessage], ['turn-end', 'ok']);
});

test('a hook never fails the turn: bad JSON, an unknown event or no run directory record nothing and exit 0 silently', async () => {
  for (const [event, payload] of [['claude-stop', '{not json'], ['unknown-event', '{}']] as const) {
    const { result, lines } = await hook(event, payload);
    assert.deepEqual([result.exitCode, result.stdout, result.stderr, lines.length], [0, '', '', 0]);
  }
});
