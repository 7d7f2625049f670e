// Tests of the fake model server over real HTTP. Run: node --test test/e2e/model-server/
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startModelServer } from './server.mjs';

let server;
const logDir = mkdtempSync(join(tmpdir(), 'fake-model-test-'));
const logFile = join(logDir, 'fake.log');
const script = {
  rules: [
    { name: 'shell', match: 'MARK-SHELL (\\S+)', steps: [{ shell: 'echo hi > $1' }], final: 'SHELL-DONE' },
    { name: 'two', match: 'MARK-TWO', steps: [{ shell: 'echo 1' }, { mcpTool: 'ping', args: { n: 2 } }, 'TWO-DONE'] },
    { name: 'once', match: 'MARK-ONCE', times: 1, reply: 'FIRST-TIME' },
    { name: 'mcp', match: 'MARK-MCP', steps: [{ mcpTool: 'ping', args: { text: 'x' } }] },
    { name: 'boom', match: 'MARK-ERR', steps: [{ httpStatus: 529, text: 'overloaded' }] },
    { name: 'slow', match: 'MARK-SLOW', steps: [{ text: 'SLOW', delayMs: 300 }] },
  ],
};

before(async () => {
  server = await startModelServer({ script, logFile });
});
after(async () => {
  await server.close();
  rmSync(logDir, { recursive: true, force: true });
});

async function post(path, body, headers = {}) {
  const res = await fetch(server.url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}
const frames = (text) => text.split('\n\n').filter((f) => f.includes('data: ')).map((f) => JSON.parse(f.slice(f.indexOf('data: ') + 6)));

// Anthropic: collects text and tool_use blocks from the SSE stream.
async function claude(messages, { tools = [{ name: 'Bash' }, { name: 'mcp__echo__ping' }], session, extra = {} } = {}) {
  const r = await post('/v1/messages?beta=true', { model: 'claude-x', stream: true, messages, tools, ...extra }, session ? { 'x-claude-code-session-id': session } : {});
  const ev = frames(r.text);
  const text = ev.filter((e) => e.delta?.type === 'text_delta').map((e) => e.delta.text).join('');
  const toolStart = ev.find((e) => e.content_block?.type === 'tool_use');
  const toolJson = ev.filter((e) => e.delta?.type === 'input_json_delta').map((e) => e.delta.partial_json).join('');
  const stop = ev.find((e) => e.type === 'message_delta')?.delta.stop_reason;
  return { text, tool: toolStart && { name: toolStart.content_block.name, id: toolStart.content_block.id, input: JSON.parse(toolJson) }, stop, last: ev.at(-1)?.type };
}

test('anthropic: plain prompt gets the default text and a complete stream', async () => {
  const r = await claude([{ role: 'user', content: [{ type: 'text', text: '<system-reminder>ctx</system-reminder>' }, { type: 'text', text: 'hello' }] }]);
  assert.deepEqual([r.text, r.stop, r.last], ['PONG-FROM-FAKE', 'end_turn', 'message_stop']);
});

test('anthropic: marker gives Bash with the capture substituted, then the final text after the tool result', async () => {
  const user = { role: 'user', content: 'do MARK-SHELL /tmp/out.txt' };
  const first = await claude([user], { session: 's1' });
  assert.deepEqual(first.tool.name, 'Bash');
  assert.equal(first.tool.input.command, 'echo hi > /tmp/out.txt');
  assert.equal(first.stop, 'tool_use');
  const second = await claude([
    user,
    { role: 'system', content: 'mid-conversation system entry is skipped' },
    { role: 'assistant', content: [{ type: 'tool_use', id: first.tool.id, name: 'Bash', input: first.tool.input }] },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: first.tool.id, content: '' }, { type: 'text', text: '<system-reminder>x</system-reminder>' }] },
  ], { session: 's1' });
  assert.equal(second.text, 'SHELL-DONE');
});

test('anthropic: json_schema output gets JSON text (title)', async () => {
  const r = await claude([{ role: 'user', content: 'MARK-SHELL /x' }], { tools: [], extra: { output_config: { format: { type: 'json_schema', schema: { type: 'object', properties: { title: { type: 'string' } } } } } } });
  assert.deepEqual(JSON.parse(r.text), { title: 'Fake session' });
});

test('multi-step rule walks its steps by tool rounds, per conversation', async () => {
  const u = { role: 'user', content: 'MARK-TWO' };
  const tu = (id) => ({ role: 'assistant', content: [{ type: 'tool_use', id, name: 'x', input: {} }] });
  const tr = (id) => ({ role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content: 'ok' }] });
  // Two conversations interleaved: each advances on its own.
  const a0 = await claude([u], { session: 'A' });
  const b0 = await claude([u], { session: 'B' });
  const a1 = await claude([u, tu('1'), tr('1')], { session: 'A' });
  const a2 = await claude([u, tu('1'), tr('1'), tu('2'), tr('2')], { session: 'A' });
  const b1 = await claude([u, tu('1'), tr('1')], { session: 'B' });
  assert.deepEqual([a0.tool.name, a1.tool.name, a2.text], ['Bash', 'mcp__echo__ping', 'TWO-DONE']);
  assert.deepEqual([b0.tool.name, b1.tool.name], ['Bash', 'mcp__echo__ping']);
});

test('times limits how often a rule starts in one conversation', async () => {
  const r1 = await claude([{ role: 'user', content: 'MARK-ONCE' }], { session: 'T' });
  const r2 = await claude([{ role: 'user', content: 'MARK-ONCE' }, { role: 'assistant', content: 'FIRST-TIME' }, { role: 'user', content: 'MARK-ONCE' }], { session: 'T' });
  const r3 = await claude([{ role: 'user', content: 'MARK-ONCE' }], { session: 'U' });
  assert.deepEqual([r1.text, r2.text, r3.text], ['FIRST-TIME', 'PONG-FROM-FAKE', 'FIRST-TIME']);
});

test('openai: MCP tool offered in a namespace is called with {namespace, name}', async () => {
  const tools = [{ type: 'function', name: 'exec_command' }, { type: 'namespace', name: 'mcp__echo', tools: [{ type: 'function', name: 'ping' }] }];
  const input = [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: '<environment_context>cwd</environment_context>' }] }, { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'MARK-MCP' }] }];
  const r = await post('/v1/responses', { model: 'gpt-fake', stream: true, input, tools }, { 'session-id': 'c1' });
  const done = frames(r.text).find((e) => e.type === 'response.output_item.done');
  assert.deepEqual([done.item.type, done.item.namespace, done.item.name, done.item.arguments], ['function_call', 'mcp__echo', 'ping', '{"text":"x"}']);
  const next = await post('/v1/responses', { model: 'gpt-fake', stream: true, tools, input: [...input, done.item, { type: 'function_call_output', call_id: done.item.call_id, output: 'pong' }] }, { 'session-id': 'c1' });
  const ev = frames(next.text);
  assert.equal(ev.find((e) => e.type === 'response.output_text.delta').delta, 'DONE-FROM-FAKE');
  assert.equal(ev.at(-1).type, 'response.completed');
});

test('openai: shell is exec_command {cmd}; json_schema text format gets JSON', async () => {
  const r = await post('/v1/responses', { stream: true, tools: [{ type: 'function', name: 'exec_command' }], input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'MARK-SHELL /tmp/y' }] }] });
  const item = frames(r.text).find((e) => e.type === 'response.output_item.done').item;
  assert.deepEqual([item.name, JSON.parse(item.arguments)], ['exec_command', { cmd: 'echo hi > /tmp/y' }]);
  const t = await post('/v1/responses', { stream: true, tools: [], text: { format: { type: 'json_schema', name: 'codex_output_schema', schema: { type: 'object', properties: { title: { type: 'string' } } } } }, input: 'x' });
  assert.equal(JSON.parse(frames(t.text).find((e) => e.type === 'response.output_text.done').text).title, 'Fake session');
});

test('gemini: router JSON, side summary, shell and MCP calls, continuation', async () => {
  const router = await post('/v1beta/models/flash-lite:generateContent', { contents: [{ role: 'user', parts: [{ text: 'MARK-SHELL /z' }] }], generationConfig: { responseMimeType: 'application/json', responseJsonSchema: { type: 'object', properties: { complexity_reasoning: { type: 'string' }, complexity_score: { type: 'integer' } } } } });
  assert.deepEqual(JSON.parse(JSON.parse(router.text).candidates[0].content.parts[0].text), { complexity_reasoning: 'fake router: simple', complexity_score: 1 });
  const side = await post('/v1beta/models/flash-lite:generateContent', { contents: [{ role: 'user', parts: [{ text: 'Summarize … User: MARK-SHELL /z' }] }] });
  assert.equal(JSON.parse(side.text).candidates[0].content.parts[0].text, 'Fake side reply');
  const tools = [{ functionDeclarations: [{ name: 'run_shell_command' }, { name: 'mcp_echo_ping' }] }];
  const user = { role: 'user', parts: [{ text: '<session_context>env</session_context>' }, { text: 'MARK-TWO' }] };
  const s1 = frames((await post('/v1beta/models/m:streamGenerateContent?alt=sse', { contents: [user], tools })).text)[0];
  assert.equal(s1.candidates[0].content.parts[0].functionCall.name, 'run_shell_command');
  const turn = (name) => [{ role: 'model', parts: [{ functionCall: { name, args: {} } }] }, { role: 'user', parts: [{ functionResponse: { name, response: { output: '' } } }] }];
  const s2 = frames((await post('/v1beta/models/m:streamGenerateContent?alt=sse', { contents: [user, ...turn('run_shell_command')], tools })).text)[0];
  assert.deepEqual(s2.candidates[0].content.parts[0].functionCall, { name: 'mcp_echo_ping', args: { n: 2 } });
  const s3 = frames((await post('/v1beta/models/m:streamGenerateContent?alt=sse', { contents: [user, ...turn('run_shell_command'), ...turn('mcp_echo_ping')], tools })).text)[0];
  assert.equal(s3.candidates[0].content.parts[0].text, 'TWO-DONE');
});

test('error steps, delays, bad input and unknown routes always answer', async () => {
  const err = await post('/v1/messages', { messages: [{ role: 'user', content: 'MARK-ERR' }], tools: [{ name: 'Bash' }] });
  assert.deepEqual([err.status, JSON.parse(err.text).error.type], [529, 'overloaded_error']);
  const started = Date.now();
  const pending = claude([{ role: 'user', content: 'MARK-SLOW' }]);
  while (server.held().length === 0) await new Promise((resolve) => setImmediate(resolve));
  assert.equal(server.held()[0].reply.rule, 'slow', 'the held request is named by its rule while its reply waits');
  const slow = await pending;
  assert.equal(slow.text, 'SLOW');
  assert.ok(Date.now() - started >= 290);
  assert.deepEqual(server.held(), [], 'nothing is held once the reply is sent');
  assert.equal((await post('/v1/messages', 'not json')).status, 500);
  assert.equal((await post('/nope', {})).status, 404);
  assert.equal((await fetch(`${server.url}/`, { method: 'HEAD' })).status, 200);
});

test('control endpoints: health, script, log, reset; FAKE_LOG file', async () => {
  const health = await (await fetch(`${server.url}/__health`)).json();
  assert.equal(health.ok, true);
  assert.equal((await post('/__script', [{ match: '(' , reply: 'x' }])).status, 400);
  assert.equal((await post('/__script', [{ match: 'NEWRULE', reply: 'NEW' }])).status, 200);
  const { seq } = (await (await fetch(`${server.url}/__log`)).json()).requests.at(-1);
  assert.equal((await claude([{ role: 'user', content: 'NEWRULE' }])).text, 'NEW');
  const log = (await (await fetch(`${server.url}/__log?since=${seq}`)).json()).requests;
  assert.deepEqual(log.map((e) => [e.dialect, e.kind, e.userText, e.reply.rule]), [['anthropic', 'turn', 'NEWRULE', 'rule0']]);
  assert.ok(readFileSync(logFile, 'utf8').split('\n').filter(Boolean).length > 10);
  await post('/__reset', {});
  assert.equal((await (await fetch(`${server.url}/__log`)).json()).requests.length, 0);
  server.setScript(script);
});
