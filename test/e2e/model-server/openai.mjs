// OpenAI Responses dialect (Codex CLI): POST /v1/responses, SSE or JSON.
import { randomUUID } from 'node:crypto';
import { sendJson, startSse, textOf, tokens } from './http-util.mjs';
import { shortHash } from './script.mjs';

// Codex sends its own context as user-role messages before the prompt; they are not user-authored text.
const INJECTED = /^\s*(<(environment_context|user_instructions|permissions instructions|skills_instructions|user_shell_command|turn_aborted|subagent_notification|INSTRUCTIONS)\b|# AGENTS\.md instructions)/;

/**
 * Collects tool names. Codex 0.169 offers MCP tools grouped as `{type:"namespace", name:"mcp__<server>", tools:[{name}]}`;
 * those are listed flattened as `mcp__<server>__<tool>` and remembered in `namespaces` to render the call.
 */
function toolNamesOf(tools = []) {
  const names = [];
  const namespaces = {};
  for (const t of tools) {
    if (!t || typeof t !== 'object') continue;
    if (Array.isArray(t.tools)) {
      for (const sub of t.tools) {
        if (!sub?.name) continue;
        const flat = `${t.name.endsWith('__') ? t.name : `${t.name}__`}${sub.name}`;
        namespaces[flat] = { namespace: t.name, name: sub.name };
        names.push(flat);
      }
    } else if (t.name) names.push(t.name);
  }
  return { names: [...new Set(names)], namespaces };
}

/** Reads the conversation from `input` items; `*_call_output` items are tool results. */
export function parseOpenAI(body, headers) {
  const items = typeof body.input === 'string' ? [{ type: 'message', role: 'user', content: body.input }] : (body.input ?? []);
  let userText = null;
  let firstUserText = null;
  let toolRounds = 0;
  let lastIsToolResult = false;
  const all = [];
  for (const item of items) {
    const type = item?.type ?? (item?.role ? 'message' : undefined);
    if (typeof type === 'string' && type.endsWith('_call_output')) {
      toolRounds += 1;
      lastIsToolResult = true;
      all.push(typeof item.output === 'string' ? item.output : textOf(item.output));
      continue;
    }
    if (type === 'reasoning') continue;
    lastIsToolResult = false;
    if (type !== 'message' || item.role !== 'user') continue;
    const text = textOf(item.content).trim();
    if (!text || INJECTED.test(text)) continue;
    userText = text;
    firstUserText ??= text;
    toolRounds = 0;
    all.push(text);
  }
  const format = body.text?.format;
  const tools = toolNamesOf(body.tools);
  const session = headers['session-id'] ?? headers['thread-id'] ?? headers['conversation_id'];
  return {
    model: body.model,
    stream: body.stream !== false,
    namespaces: tools.namespaces,
    convKey: `codex:${session ?? shortHash(firstUserText)}`,
    conv: {
      userText,
      allText: all.join('\n'),
      toolRounds,
      lastIsToolResult,
      toolNames: tools.names,
      structuredSchema: format?.type === 'json_schema' ? (format.schema ?? {}) : undefined,
    },
  };
}

/** Writes the reply as Responses SSE events (or one response object when the request did not stream); returns the usage sent. */
export function renderOpenAI(res, reply, { model, stream, namespaces = {} }) {
  const id = `resp_fake_${randomUUID().slice(0, 8)}`;
  const output = [];
  if (reply.text !== undefined && reply.text !== '') {
    output.push({ type: 'message', id: `msg_fake_${randomUUID().slice(0, 8)}`, role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: reply.text, annotations: [] }] });
  }
  if (reply.kind === 'tool') {
    // A namespaced tool is called as {namespace, name: <tool>}; a flat `mcp__s__t` name is refused ("unsupported call").
    const ns = namespaces[reply.name];
    const naming = ns ? { namespace: ns.namespace, name: ns.name } : { name: reply.name };
    output.push({ type: 'function_call', id: `fc_fake_${randomUUID().slice(0, 8)}`, call_id: `call_fake_${randomUUID().slice(0, 8)}`, ...naming, arguments: JSON.stringify(reply.args), status: 'completed' });
  }
  const outTokens = tokens(JSON.stringify(output));
  // input_tokens counts the cached ones too, output_tokens the reasoning ones (Responses API).
  const usage = { input_tokens: 150, input_tokens_details: { cached_tokens: 40 }, output_tokens: outTokens + 5, output_tokens_details: { reasoning_tokens: 5 }, total_tokens: 150 + outTokens + 5 };
  const sent = { input: 110, output: usage.output_tokens, cacheRead: 40, cacheWrite: 0 };
  const response = { id, object: 'response', created_at: Math.floor(Date.now() / 1000), model, status: 'completed', output, usage };
  if (!stream) {
    sendJson(res, 200, response);
    return sent;
  }
  const send = startSse(res);
  let seq = 0;
  const ev = (type, data) => send(type, { type, sequence_number: seq++, ...data });
  ev('response.created', { response: { ...response, status: 'in_progress', output: [], usage: null } });
  output.forEach((item, output_index) => {
    if (item.type === 'message') {
      const text = item.content[0].text;
      ev('response.output_item.added', { output_index, item: { ...item, status: 'in_progress', content: [] } });
      ev('response.content_part.added', { output_index, item_id: item.id, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } });
      ev('response.output_text.delta', { output_index, item_id: item.id, content_index: 0, delta: text });
      ev('response.output_text.done', { output_index, item_id: item.id, content_index: 0, text });
      ev('response.content_part.done', { output_index, item_id: item.id, content_index: 0, part: item.content[0] });
    } else {
      ev('response.output_item.added', { output_index, item: { ...item, status: 'in_progress', arguments: '' } });
      ev('response.function_call_arguments.delta', { output_index, item_id: item.id, delta: item.arguments });
      ev('response.function_call_arguments.done', { output_index, item_id: item.id, arguments: item.arguments });
    }
    ev('response.output_item.done', { output_index, item });
  });
  ev('response.completed', { response });
  res.end();
  return sent;
}

/** Error in OpenAI's shape. */
export function errorOpenAI(res, status, message) {
  sendJson(res, status, { error: { message, type: 'server_error', code: null } });
}
