#!/usr/bin/env node
// A tiny MCP server over stdio (newline-delimited JSON-RPC 2.0, no SDK) for the real-harness e2e tests.
// Each tool call appends one JSON line {at, tool, args, pid} to ECHO_MCP_FILE (or argv[2]) and answers "pong".
//   node echo-mcp.mjs [calls.jsonl]      env: ECHO_MCP_FILE, ECHO_MCP_TOOLS (comma list, default "ping")
import { appendFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

const file = process.env.ECHO_MCP_FILE ?? process.argv[2];
const toolNames = (process.env.ECHO_MCP_TOOLS ?? 'ping').split(',').map((s) => s.trim()).filter(Boolean);
const tools = toolNames.map((name) => ({
  name,
  description: `Test tool ${name}: records its arguments and replies pong.`,
  inputSchema: { type: 'object', properties: { text: { type: 'string', description: 'any text' } }, additionalProperties: true },
}));

const send = (msg) => process.stdout.write(`${JSON.stringify({ jsonrpc: '2.0', ...msg })}\n`);
const trace = (line) => {
  if (process.env.ECHO_MCP_TRACE) appendFileSync(process.env.ECHO_MCP_TRACE, `${line}\n`);
};

function answer(method, params) {
  switch (method) {
    case 'initialize':
      return {
        protocolVersion: params?.protocolVersion ?? '2025-06-18',
        capabilities: { tools: { listChanged: false } },
        serverInfo: { name: 'echo-mcp', version: '1.0.0' },
      };
    case 'ping':
      return {};
    case 'tools/list':
      return { tools };
    case 'resources/list':
      return { resources: [] };
    case 'resources/templates/list':
      return { resourceTemplates: [] };
    case 'prompts/list':
      return { prompts: [] };
    case 'tools/call': {
      const name = params?.name;
      if (!toolNames.includes(name)) return { content: [{ type: 'text', text: `unknown tool ${name}` }], isError: true };
      const line = { at: new Date().toISOString(), tool: name, args: params.arguments ?? {}, pid: process.pid };
      if (file) appendFileSync(file, `${JSON.stringify(line)}\n`);
      return { content: [{ type: 'text', text: `pong ${JSON.stringify(line.args)}` }] };
    }
    default:
      return undefined;
  }
}

createInterface({ input: process.stdin }).on('line', (line) => {
  if (!line.trim()) return;
  trace(`<- ${line}`);
  let msg;
  try {
    msg = JSON.parse(line);
  } catch {
    send({ id: null, error: { code: -32700, message: 'parse error' } });
    return;
  }
  if (msg.id === undefined || msg.method === undefined) return; // notifications and responses need no answer
  const result = answer(msg.method, msg.params);
  if (result === undefined) send({ id: msg.id, error: { code: -32601, message: `method not found: ${msg.method}` } });
  else send({ id: msg.id, result });
});
process.stdin.on('end', () => process.exit(0));
