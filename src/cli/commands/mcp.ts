import { serveMcp } from '../../bridge/mcp-server.js';
import { agentSide } from '../env.js';

/** `loop mcp`: serve the bridge as MCP tools on stdio (registered with each harness by loop). */
export async function mcpCommand(): Promise<number> {
  await serveMcp(agentSide(), '0.1.0');
  return 0;
}
