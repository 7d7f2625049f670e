// Gemini dialect (Gemini CLI): POST /v1beta/models/{m}:streamGenerateContent?alt=sse, :generateContent, :countTokens.
import { randomUUID } from 'node:crypto';
import { sendJson, startSse, tokens } from './http-util.mjs';
import { shortHash } from './script.mjs';

// gemini-cli 0.61 prepends its environment as a <session_context> text part to the first user content.
const INJECTED = /<session_context>[\s\S]*?<\/session_context>/g;

/** Reads `contents`; a user content holding functionResponse parts is a tool turn. */
export function parseGemini(body, headers, model) {
  let userText = null;
  let firstUserText = null;
  let toolRounds = 0;
  let lastIsToolResult = false;
  const all = [];
  for (const c of body.contents ?? []) {
    const parts = c?.parts ?? [];
    if (c?.role === 'model') {
      lastIsToolResult = false;
      continue;
    }
    const responses = parts.filter((p) => p?.functionResponse);
    if (responses.length > 0) {
      toolRounds += 1;
      lastIsToolResult = true;
      all.push(...responses.map((p) => JSON.stringify(p.functionResponse.response ?? {})));
      continue;
    }
    const text = parts.map((p) => (typeof p?.text === 'string' && !p.thought ? p.text.replace(INJECTED, '').trim() : '')).filter(Boolean).join('\n');
    lastIsToolResult = false;
    if (!text) continue;
    userText = text;
    firstUserText ??= text;
    toolRounds = 0;
    all.push(text);
  }
  const gen = body.generationConfig ?? {};
  // No session header is sent by gemini-cli 0.61, so the conversation is keyed by its first user text.
  const session = headers['x-gemini-session-id'];
  return {
    model,
    stream: true,
    convKey: `gemini:${session ?? shortHash(firstUserText)}`,
    conv: {
      userText,
      allText: all.join('\n'),
      toolRounds,
      lastIsToolResult,
      toolNames: (body.tools ?? []).flatMap((t) => (t?.functionDeclarations ?? []).map((f) => f?.name)).filter(Boolean),
      structuredSchema: gen.responseMimeType === 'application/json' ? (gen.responseJsonSchema ?? gen.responseSchema ?? {}) : undefined,
    },
  };
}

/** Writes the reply as one SSE chunk (streaming) or one JSON object (generateContent); returns the usage sent. */
export function renderGemini(res, reply, { model, stream }) {
  const parts = [];
  if (reply.text !== undefined && reply.text !== '') parts.push({ text: reply.text });
  if (reply.kind === 'tool') parts.push({ functionCall: { name: reply.name, args: reply.args } });
  const out = tokens(JSON.stringify(parts));
  const chunk = {
    candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP', index: 0 }],
    // promptTokenCount counts the cached tokens too; thoughts are billed as output.
    usageMetadata: { promptTokenCount: 130, cachedContentTokenCount: 20, candidatesTokenCount: out, thoughtsTokenCount: 7, totalTokenCount: 130 + out + 7 },
    modelVersion: model,
    responseId: `fake-${randomUUID().slice(0, 8)}`,
  };
  const sent = { input: 110, output: out + 7, cacheRead: 20, cacheWrite: 0 };
  if (!stream) {
    sendJson(res, 200, chunk);
    return sent;
  }
  startSse(res)(null, chunk);
  res.end();
  return sent;
}

/** Answers :countTokens with a rough count. */
export function countTokensGemini(res, body) {
  sendJson(res, 200, { totalTokens: tokens(JSON.stringify(body.contents ?? body)) });
}

/** Error in Google's shape. */
export function errorGemini(res, status, message) {
  sendJson(res, status, { error: { code: status, message, status: status === 429 ? 'RESOURCE_EXHAUSTED' : 'INTERNAL' } });
}
