import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { claudeAdapter } from '../../src/agents/harness/claude.js';
import { codexAdapter } from '../../src/agents/harness/codex.js';
import { geminiAdapter } from '../../src/agents/harness/gemini.js';
import { newMessageId } from '../../src/run/ids.js';

const home = (t: TestContext) => {
  const dir = mkdtempSync(join(tmpdir(), 'loop-sessions-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
};
const jsonl = (path: string, lines: unknown[]) => {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
};
const block = (id: string) => `[loop] task ${id} from loop to worker (iteration 1)\ndo it`;

test('claude: a typed prompt holding the id counts; a tool result or the agent quoting it does not', (t) => {
  const dir = home(t);
  const env = { CLAUDE_CONFIG_DIR: join(dir, '.claude') };
  const [typed, inTool, quoted] = [newMessageId(), newMessageId(), newMessageId()];
  const session = randomUUID();
  jsonl(join(dir, '.claude', 'projects', '-repo', `${session}.jsonl`), [
    { type: 'user', message: { role: 'user', content: block(typed) }, promptSource: 'typed' },
    { type: 'assistant', message: { role: 'assistant', content: [{ type: 'text', text: `got ${quoted}` }] } },
    { type: 'user', message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'x', content: `inbox: ${inTool}` }] } },
  ]);
  const claude = claudeAdapter();
  assert.equal(claude.sessionHolds!(session, typed, { cwd: '/repo', env }), true);
  assert.equal(claude.sessionHolds!(session, inTool, { cwd: '/repo', env }), false);
  assert.equal(claude.sessionHolds!(session, quoted, { cwd: '/repo', env }), false);
  assert.equal(claude.sessionHolds!(randomUUID(), typed, { cwd: '/repo', env }), false, 'another session');
});

test('codex: the thread is found by the id in a user prompt of a rollout written since launch; a tool output does not count', (t) => {
  const dir = home(t);
  const env = { CODEX_HOME: join(dir, '.codex') };
  const now = new Date();
  const day = join(dir, '.codex', 'sessions', String(now.getFullYear()), String(now.getMonth() + 1).padStart(2, '0'), String(now.getDate()).padStart(2, '0'));
  const thread = '01a22a6b-a8df-7292-933a-e672a67b48c9';
  const [typed, inTool] = [newMessageId(), newMessageId()];
  jsonl(join(day, `rollout-2026-11-30T10-00-00-${thread}.jsonl`), [
    { type: 'session_meta', payload: { id: thread, cwd: '/repo' } },
    { type: 'response_item', payload: { type: 'message', role: 'user', content: [{ type: 'input_text', text: '<environment_context>' }] } },
    { type: 'response_item', payload: { type: 'message', role: 'user', content: [{ type: 'input_text', text: block(typed) }] } },
    { type: 'response_item', payload: { type: 'function_call_output', call_id: 'c', output: `inbox: ${inTool}` } },
  ]);
  const codex = codexAdapter();
  const where = { cwd: '/repo', env };
  assert.equal(codex.discoverSession!({ ...where, since: Date.now() - 1000, messageIds: [typed] }), thread);
  assert.equal(codex.discoverSession!({ ...where, since: Date.now() - 1000, messageIds: [inTool] }), null);
  assert.equal(codex.discoverSession!({ ...where, since: Date.now() + 60_000, messageIds: [typed] }), null, 'a rollout older than the launch is not this agent');
  assert.equal(codex.sessionHolds!(thread, typed, where), true);
  assert.equal(codex.sessionHolds!(thread, inTool, where), false);
});

test('gemini: a user prompt in the chat record holds the id; a function response does not', (t) => {
  const dir = home(t);
  const env = { GEMINI_CLI_HOME: dir };
  const session = randomUUID();
  const [typed, inTool] = [newMessageId(), newMessageId()];
  jsonl(join(dir, '.gemini', 'tmp', 'repo', 'chats', `session-2026-11-30T10-00-${session.slice(0, 8)}.jsonl`), [
    { sessionId: session, projectHash: 'h', startTime: 'now', kind: 'main' },
    { id: '1', type: 'user', content: [{ text: block(typed) }] },
    { id: '2', type: 'user', content: [{ functionResponse: { name: 'run_shell_command', response: { output: `inbox: ${inTool}` } } }] },
  ]);
  const gemini = geminiAdapter();
  assert.equal(gemini.hasSession!(session, { cwd: '/repo', env }), true, 'a chat with a prompt can be resumed');
  assert.equal(gemini.hasSession!(randomUUID(), { cwd: '/repo', env }), false, 'no chat file: gemini --resume would fail (exit 42)');
  assert.equal(gemini.sessionHolds!(session, typed, { cwd: '/repo', env }), true);
  assert.equal(gemini.sessionHolds!(session, inTool, { cwd: '/repo', env }), false);
});

test('gemini: a chat record holding only what gemini writes at launch cannot be resumed (gemini 0.61 exits 42)', (t) => {
  const dir = home(t);
  const env = { GEMINI_CLI_HOME: dir };
  const where = { cwd: '/repo', env };
  const session = randomUUID();
  const typed = newMessageId();
  const path = join(dir, '.gemini', 'tmp', 'repo', 'chats', `session-2026-11-30T10-00-${session.slice(0, 8)}.jsonl`);
  const meta = { sessionId: session, projectHash: 'h', startTime: 'now', lastUpdated: 'now', kind: 'main' };
  // As gemini 0.61 writes it at launch: its own context as a user message, inside a $set.
  const context = { id: 'c', type: 'user', content: [{ text: '<session_context>\nThis is the Gemini CLI.' }] };
  jsonl(path, [meta, { $set: { messages: [context], lastUpdated: 'now' } }]);
  const gemini = geminiAdapter();
  assert.equal(gemini.hasSession!(session, where), false, 'only <session_context>: nothing to resume');
  jsonl(path, [meta, { $set: { messages: [context] } }, { id: 'p', type: 'user', content: [{ text: block(typed) }] }]);
  assert.equal(gemini.hasSession!(session, where), true, 'a prompt: resumable');
  assert.equal(gemini.sessionHolds!(session, typed, where), true);
  jsonl(path, [meta, { $set: { messages: [context] } }, { id: 'p', type: 'user', content: [{ text: block(typed) }] }, { $rewindTo: 'p' }]);
  assert.equal(gemini.hasSession!(session, where), false, 'the prompt was rewound');
  assert.equal(gemini.sessionHolds!(session, typed, where), false);
  jsonl(path, [meta, { $set: { messages: [context, { id: 'p', type: 'user', content: [{ text: block(typed) }] }] } }]);
  assert.equal(gemini.sessionHolds!(session, typed, where), true, 'a prompt inside a $set counts');
  jsonl(path, [meta, { id: 'g', type: 'gemini', content: '', toolCalls: [{ name: 'x' }] }, { id: 'h', type: 'user', content: '/help' }]);
  assert.equal(gemini.hasSession!(session, where), true, 'a model turn with tool calls: resumable');
});

test('hook payloads: a submitted prompt names the loop message ids it holds', () => {
  const id = newMessageId();
  const claude = claudeAdapter().signals!.parse('claude-prompt', { session_id: 's1', prompt: block(id) });
  assert.deepEqual({ kind: claude.kind, ids: claude.ids, sessionId: claude.sessionId }, { kind: 'turn-start', ids: [id], sessionId: 's1' });
  const gemini = geminiAdapter().signals!.parse('gemini-after-agent', { session_id: 's2', prompt: 'x', prompt_response: 'done' });
  assert.equal(gemini.kind, 'turn-end');
  assert.equal(gemini.lastMessage, 'done');
  const title = codexAdapter().signals!.parse('codex-notify', { 'thread-id': 't', 'input-messages': ['Generate a concise, single-line task title'] });
  assert.equal(title.ignored, 'title sub-turn');
});
