import { fileURLToPath } from 'node:url';

/** The `bin/loop.js` of this installation (agents, hooks and the MCP server run it). */
export const loopLauncher = () => fileURLToPath(new URL('../../bin/loop.js', import.meta.url));
