#!/usr/bin/env node
// Tiny launcher: everything lives in the built CLI. The agents' `loop msg` and `loop inbox` skip commander
// (agent-entry.js), so that they start about as fast as node itself.
const agentCommand = process.argv[2] === 'msg' || process.argv[2] === 'inbox';
if (!agentCommand || !(await (await import('../dist/cli/agent-entry.js')).runAgentCall(process.argv))) {
  const { main } = await import('../dist/cli/main.js');
  await main(process.argv);
}
