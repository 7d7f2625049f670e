// The harnesses' own usage records, in the shapes the pinned versions write (claude-code 2.1.197, codex 0.169,
// gemini-cli 0.61; lines modelled on what they wrote in the e2e runs).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { claudeAdapter } from '../../src/agents/harness/claude.js';
import { codexAdapter } from '../../src/agents/harness/codex.js';
import { geminiAdapter } from '../../src/agents/harness/gemini.js';
import type { UsageRead } from '../../src/agents/card.js';

const home = (t: TestContext) => {
  const dir = mkdtempSync(join(tmpdir(), 'loop-usage-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
};
const jsonl = (path: string, lines: unknown[]) => {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, `${lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n')}\n`);
};
const records = (read: UsageRead) => {
  assert.ok(read.ok, read.ok ? '' : read.reason);
  return read.records;
};

test('claude: usage per assistant message, one request counted once (message id + request id), synthetic messages skipped', (t) => {
  const dir = home(t);
  const env = { CLAUDE_CONFIG_DIR: join(dir, '.claude') };
  const session = randomUUID();
  const usage = (output: number) => ({ input_tokens: 120, cache_creation_input_tokens: 30, cache_read_input_tokens: 200, output_tokens: output, service_tier: 'standard' });
  const adapter = claudeAdapter();
  assert.deepEqual(adapter.usage!.read(session, { cwd: dir, env }), { ok: false, reason: 'no Claude transcript for this session yet' });
  jsonl(join(dir, '.claude', 'projects', '-repo', `${session}.jsonl`), [
    { type: 'user', message: { role: 'user', content: 'hi' } },
    // One request with two content blocks: two lines with the same ids and usage.
    { type: 'assistant', requestId: 'req_1', message: { id: 'msg_1', model: 'claude-opus-4-8', content: [{ type: 'text', text: 'a' }], usage: usage(39) } },
    { type: 'assistant', requestId: 'req_1', message: { id: 'msg_1', model: 'claude-opus-4-8', content: [{ type: 'tool_use' }], usage: usage(39) } },
    { type: 'assistant', requestId: 'req_2', message: { id: 'msg_2', model: 'claude-opus-4-8', content: [], usage: usage(10) } },
    { type: 'assistant', message: { id: 'msg_3', model: '<synthetic>', content: [], usage: usage(0) } },
    { type: 'assistant', requestId: 'req_4', message: { id: 'msg_4', model: 'claude-opus-4-8', usage: { ...usage(1), output_tokens: -1 } } },
    '{"type":"assistant","message":{"id":"torn',
  ]);
  const read = adapter.usage!.read(session, { cwd: dir, env });
  assert.deepEqual(records(read), [
    { key: 'msg_1/req_1', model: 'claude-opus-4-8', figures: { inputTokens: 120, outputTokens: 39, cacheReadTokens: 200, cacheWriteTokens: 30 } },
    { key: 'msg_2/req_2', model: 'claude-opus-4-8', figures: { inputTokens: 120, outputTokens: 10, cacheReadTokens: 200, cacheWriteTokens: 30 } },
  ]);
  assert.equal(read.ok && read.skipped, 1, 'the line whose counts are not counts');
});

test('codex: one token_usage_record per response (cached and cache-written input apart), the model of the turn before it; older rollouts: token_count events', (t) => {
  const dir = home(t);
  const env = { CODEX_HOME: join(dir, '.codex') };
  const thread = '01a22bb1-956f-7ed2-aac5-86abcab86362';
  const rollout = join(dir, '.codex', 'sessions', '2026', '11', '30', `rollout-2026-11-30T09-03-08-${thread}.jsonl`);
  const usage = { input_tokens: 150, cached_input_tokens: 40, cache_write_input_tokens: 10, output_tokens: 67, reasoning_output_tokens: 5, total_tokens: 217 };
  jsonl(rollout, [
    { type: 'session_meta', payload: { id: thread } },
    { type: 'turn_context', payload: { model: 'gpt-6.1-sol' } },
    { type: 'token_usage_record', payload: { thread_id: thread, response_id: 'resp_1', usage } },
    { type: 'event_msg', payload: { type: 'token_count', info: { total_token_usage: usage, last_token_usage: usage } } },
    { type: 'turn_context', payload: { model: 'gpt-6.1-terra' } },
    { type: 'token_usage_record', payload: { thread_id: thread, response_id: 'resp_2', usage: { ...usage, output_tokens: 3 } } },
    { type: 'event_msg', payload: { type: 'token_count', info: null, rate_limits: {} } },
  ]);
  const adapter = codexAdapter();
  assert.deepEqual(records(adapter.usage!.read(thread, { cwd: dir, env })), [
    { key: 'response:resp_1', model: 'gpt-6.1-sol', figures: { inputTokens: 100, outputTokens: 67, cacheReadTokens: 40, cacheWriteTokens: 10 } },
    { key: 'response:resp_2', model: 'gpt-6.1-terra', figures: { inputTokens: 100, outputTokens: 3, cacheReadTokens: 40, cacheWriteTokens: 10 } },
  ]);
  jsonl(rollout, [
    { type: 'turn_context', payload: { model: 'gpt-6.1-sol' } },
    { type: 'event_msg', payload: { type: 'token_count', info: { total_token_usage: { ...usage, total_tokens: 217 }, last_token_usage: usage } } },
    { type: 'event_msg', payload: { type: 'token_count', info: { total_token_usage: { ...usage, total_tokens: 217 }, last_token_usage: usage } } },
  ]);
  assert.deepEqual(records(adapter.usage!.read(thread, { cwd: dir, env })).map((r) => r.key), ['total:217'], 'a repeated event counts once');
  assert.match((adapter.usage!.read('01a22bb1-0000-7ed2-aac5-86abcab86362', { cwd: dir, env }) as { reason: string }).reason, /^no Codex rollout file for thread/);
});

test('gemini: tokens of each gemini message (rewritten under its id as it grows), thoughts as output, cached apart, tool-use prompt as input', (t) => {
  const dir = home(t);
  const env = { GEMINI_CLI_HOME: dir };
  const session = randomUUID();
  const tokens = { input: 130, output: 51, cached: 20, thoughts: 7, tool: 4, total: 192 };
  jsonl(join(dir, '.gemini', 'tmp', 'repo', 'chats', `session-2026-11-30T09-03-${session.slice(0, 8)}.jsonl`), [
    { sessionId: session, projectHash: 'x', startTime: '2026-11-30T09:03:00Z', kind: 'main' },
    { id: 'u1', type: 'user', content: [{ text: 'do it' }] },
    { id: 'g1', type: 'gemini', content: [], tokens, model: 'gemini-3.8-flash' },
    { id: 'g1', type: 'gemini', content: [], tokens, model: 'gemini-3.8-flash', toolCalls: [{}] },
    { $set: { lastUpdated: 'x' } },
    { id: 'g2', type: 'gemini', content: [{ text: 'ok' }], tokens: { ...tokens, output: 8, tool: 0 }, model: 'gemini-3.8-flash' },
  ]);
  const adapter = geminiAdapter();
  assert.deepEqual(records(adapter.usage!.read(session, { cwd: dir, env })), [
    { key: 'g1', model: 'gemini-3.8-flash', figures: { inputTokens: 114, outputTokens: 58, cacheReadTokens: 20, cacheWriteTokens: 0 } },
    { key: 'g2', model: 'gemini-3.8-flash', figures: { inputTokens: 110, outputTokens: 15, cacheReadTokens: 20, cacheWriteTokens: 0 } },
  ]);
});

test('notional costs: subscription logins, never an API key or a custom provider', (t) => {
  const dir = home(t);
  mkdirSync(join(dir, '.claude'), { recursive: true });
  writeFileSync(join(dir, '.claude', '.credentials.json'), '{}');
  assert.equal(claudeAdapter().usage!.notional({ CLAUDE_CONFIG_DIR: join(dir, '.claude') }), 'Claude subscription login');
  assert.equal(claudeAdapter().usage!.notional({ CLAUDE_CONFIG_DIR: join(dir, '.claude'), ANTHROPIC_API_KEY: 'k' }), undefined);
  mkdirSync(join(dir, '.codex'), { recursive: true });
  writeFileSync(join(dir, '.codex', 'auth.json'), JSON.stringify({ auth_mode: 'chatgpt', OPENAI_API_KEY: null, tokens: { id_token: 'x' } }));
  assert.equal(codexAdapter().usage!.notional({ CODEX_HOME: join(dir, '.codex') }), 'ChatGPT login');
  writeFileSync(join(dir, '.codex', 'config.toml'), 'model_provider = "fake"\n');
  assert.equal(codexAdapter().usage!.notional({ CODEX_HOME: join(dir, '.codex') }), undefined);
  mkdirSync(join(dir, '.gemini'), { recursive: true });
  writeFileSync(join(dir, '.gemini', 'oauth_creds.json'), '{}');
  assert.equal(geminiAdapter().usage!.notional({ GEMINI_CLI_HOME: dir }), 'Google account login');
  assert.equal(geminiAdapter().usage!.notional({ GEMINI_CLI_HOME: dir, GEMINI_API_KEY: 'k' }), undefined);
});
