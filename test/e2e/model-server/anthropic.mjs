// Anthropic Messages dialect (Claude Code): POST /v1/messages[?beta=true], SSE or JSON, and count_tokens.
import { randomUUID } from 'node:crypto';
import { sendJson, startSse, textOf, tokens } from './http-util.mjs';
import { shortHash } from './script.mjs';

const REMINDER = /<system-reminder>[\s\S]*?<\/system-reminder>/g;

/**
 * Reads the conversation. Claude adds `role:"system"` entries mid-conversation (skipped) and
 * `<system-reminder>` text blocks inside user turns (stripped); a user turn holding a tool_result is a tool turn.
 */
export function parseAnthropic(body, headers) {
  const messages = (body.messages ?? []).filter((m) => m && m.role !== 'system');
  let userText = null;
  let firstUserText = null;
  let toolRounds = 0;
  let lastIsToolResult = false;
  const all = [];
  for (const m of messages) {
    const blocks = typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : (m.content ?? []);
    if (m.role !== 'user') {
      lastIsToolResult = false;
      continue;
    }
    const results = blocks.filter((b) => b?.type === 'tool_result');
    if (results.length > 0) {
      toolRounds += 1;
      lastIsToolResult = true;
      all.push(...results.map((b) => textOf(b.content)));
      continue;
    }
    const text = blocks.filter((b) => b?.type === 'text').map((b) => b.text.replace(REMINDER, '').trim()).filter(Boolean).join('\n');
    lastIsToolResult = false;
    if (!text) continue;
    userText = text;
    firstUserText ??= text;
    toolRounds = 0;
    all.push(text);
  }
  const format = body.output_config?.format;
  const session = headers['x-claude-code-session-id'];
  return {
    model: body.model,
    stream: body.stream !== false,
    convKey: `claude:${session ?? shortHash(firstUserText)}`,
    conv: {
      userText,
      allText: all.join('\n'),
      toolRounds,
      lastIsToolResult,
      toolNames: (body.tools ?? []).map((t) => t?.name).filter(Boolean),
      structuredSchema: format?.type === 'json_schema' ? (format.schema ?? {}) : undefined,
    },
  };
}

/** Writes the reply as Anthropic SSE (or one JSON message when the request did not stream); returns the usage sent. */
export function renderAnthropic(res, reply, { model, stream }) {
  const id = `msg_fake_${randomUUID().slice(0, 8)}`;
  const content = [];
  if (reply.text !== undefined && reply.text !== '') content.push({ type: 'text', text: reply.text });
  if (reply.kind === 'tool') content.push({ type: 'tool_use', id: `toolu_fake_${randomUUID().slice(0, 8)}`, name: reply.name, input: reply.args });
  const stopReason = reply.kind === 'tool' ? 'tool_use' : 'end_turn';
  const usage = { input_tokens: 120, cache_creation_input_tokens: 30, cache_read_input_tokens: 200, output_tokens: tokens(JSON.stringify(content)) };
  // What was billed, in loop's terms (the e2e tests total these per role): input excludes cache reads and writes.
  const sent = { input: usage.input_tokens, output: usage.output_tokens, cacheRead: usage.cache_read_input_tokens, cacheWrite: usage.cache_creation_input_tokens };
  if (!stream) {
    sendJson(res, 200, { id, type: 'message', role: 'assistant', model, content, stop_reason: stopReason, stop_sequence: null, usage });
    return sent;
  }
  const send = startSse(res);
  send('message_start', { type: 'message_start', message: { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } } });
  content.forEach((block, index) => {
    if (block.type === 'text') {
      send('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
      send('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: block.text } });
    } else {
      send('content_block_start', { type: 'content_block_start', index, content_block: { ...block, input: {} } });
      send('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input) } });
    }
    send('content_block_stop', { type: 'content_block_stop', index });
  });
  send('message_delta', { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: usage.output_tokens } });
  send('message_stop', { type: 'message_stop' });
  res.end();
  return sent;
}

/** Answers /v1/messages/count_tokens with a rough count. */
export function countTokensAnthropic(res, body) {
  sendJson(res, 200, { input_tokens: tokens(JSON.stringify(body.messages ?? [])) });
}

/** Error in Anthropic's shape. */
export function errorAnthropic(res, status, message) {
  sendJson(res, status, { type: 'error', error: { type: status === 529 ? 'overloaded_error' : 'api_error', message } });
}
