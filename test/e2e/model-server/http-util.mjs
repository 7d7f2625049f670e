// Small HTTP helpers shared by the dialects: JSON and SSE responses that always end.

/** Sends a JSON body with `status` and ends the response. */
export function sendJson(res, status, body) {
  if (res.writableEnded) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Starts an SSE response; `write(event, data)` writes one frame (event line omitted when `event` is null). */
export function startSse(res) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  return (event, data) => {
    if (res.writableEnded) return;
    res.write(`${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`);
  };
}

/** Concatenates the text of content parts in the shapes the three APIs use (string, {text}, {type:'text',text}). */
export function textOf(content) {
  if (content == null) return '';
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map(textOf).filter(Boolean).join('\n');
  if (typeof content.text === 'string') return content.text;
  return '';
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Rough token estimate for usage fields (4 chars per token). */
export const tokens = (s) => Math.max(1, Math.ceil(String(s ?? '').length / 4));
