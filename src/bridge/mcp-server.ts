import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { CallToolRequestSchema, CallToolResultSchema, JSONRPCMessageSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { readInbox } from '../bus/inbox.js';
import { quickCheck } from '../bus/quick-check.js';
import { quickSubmit } from '../bus/quick-submit.js';
import { submit, type Sender } from '../bus/submit.js';
import { checkDraft } from '../bus/validate.js';
import { DEFAULT_LIMITS } from '../bus/limits.js';
import { tryReadManifest } from '../run/manifest.js';
import { toolsFor, type BridgeTool } from './mcp-tools.js';

const text = (value: string, isError = false) => ({ content: [{ type: 'text' as const, text: value }], ...(isError ? { isError: true } : {}) });

function call(tool: BridgeTool, sender: Sender, args: Record<string, unknown>) {
  const { runDir, role } = sender;
  if (tool.name === 'inbox') return text(JSON.stringify(readInbox(runDir, role, { all: Boolean(args.all) }), null, 2));
  if (tool.name === 'status') {
    const m = tryReadManifest(runDir);
    if (!m) return text(`no readable manifest in ${runDir}`, true);
    return text(JSON.stringify({ runId: m.id, role, status: m.status, phase: m.phase, iteration: m.iteration, maxIterations: m.maxIterations, proof: m.proof, lastProof: m.lastProof, lastVerdict: m.lastVerdict, ...(m.plan ? { plan: m.plan } : {}) }, null, 2));
  }
  // Validation happens once, in the bus (as for `loop msg`), so a refusal is journaled with its reasons.
  const { to, replyTo, ...payload } = args as { to?: string; replyTo?: string };
  const request = { kind: tool.kind!, to, replyTo, payload };
  const result = quickSubmit(sender, request, 'mcp') ?? submit(sender, request, 'mcp');
  return result.ok ? text(`sent ${tool.kind} ${result.id}`) : text(`message refused:\n${result.reasons.map((r) => `- ${r}`).join('\n')}`, true);
}

/**
 * Parse once what a tool call parses, before the first call comes. Why: zod 4 compiles a schema on its first
 * parse; the SDK's JSON-RPC, tools/call and result schemas, the manifest's and ours made the first send of a
 * session take 20-60 ms more than the others (its p99), timed over JSON-RPC on stdio as bench/bus-latency.mjs does.
 */
function warmUp(sender: Sender, tools: readonly BridgeTool[]): void {
  const request = { jsonrpc: '2.0' as const, id: 0, method: 'tools/call' as const, params: { name: 'send_note', arguments: { text: 'x' } } };
  JSONRPCMessageSchema.safeParse(request);
  CallToolRequestSchema.safeParse(request);
  CallToolResultSchema.safeParse(text('x'));
  CallToolResultSchema.safeParse(text('x', true));
  tryReadManifest(sender.runDir);
  for (const tool of tools) {
    if (!tool.kind) continue;
    checkDraft({ from: sender.role, kind: tool.kind, payload: {} }, DEFAULT_LIMITS);
    quickCheck({ from: sender.role, kind: tool.kind, payload: {} }, [DEFAULT_LIMITS]);
  }
}

/** `loop mcp`: the bridge operations as typed MCP tools over stdio, for the agent in `role`. */
export async function serveMcp(sender: Sender, version: string): Promise<void> {
  const { role } = sender;
  const tools = toolsFor(role);
  warmUp(sender, tools);
  const server = new Server(
    { name: 'loop', version },
    { capabilities: { tools: {} }, instructions: `You are the ${role} of a loop run. Talk to the other agent and to loop through these tools.` },
  );
  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: tools.map((tool) => {
      const { $schema: _ignored, ...inputSchema } = z.toJSONSchema(tool.input, { io: 'input' }) as Record<string, unknown>;
      return { name: tool.name, description: tool.description, inputSchema: { type: 'object' as const, ...inputSchema } };
    }),
  }));
  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    const tool = tools.find((t) => t.name === request.params.name);
    if (!tool) return text(`unknown tool '${request.params.name}' for the ${role} (tools: ${tools.map((t) => t.name).join(', ')})`, true);
    try {
      return call(tool, sender, (request.params.arguments ?? {}) as Record<string, unknown>);
    } catch (error) {
      return text((error as Error).message, true);
    }
  });
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.once('end', () => resolve());
  });
  await server.connect(transport);
  await closed;
}
