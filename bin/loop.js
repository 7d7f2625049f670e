#!/usr/bin/env node
// Tiny launcher: everything lives in the built CLI. The agents' `loop msg` and `loop inbox` skip commander
// (agent-entry.js), so that they start about as fast as node itself; so does `loop hook`, which a harness runs
// at every turn start and end (Claude waits for its UserPromptSubmit hook before it sends the prompt). Both
// are loaded from dist/agent/, where the build bundles them (one file to read instead of about twenty).
const command = process.argv[2];
if (command === 'hook' && process.argv.length >= 4 && process.argv.length <= 5) {
  const { hookCommand } = await import('../dist/agent/hook.js');
  process.exitCode = await hookCommand(process.argv[3], process.argv[4]);
} else {
  const agentCommand = command === 'msg' || command === 'inbox';
  if (!agentCommand || !(await (await import('../dist/agent/agent-entry.js')).runAgentCall(process.argv))) {
    const { main } = await import('../dist/cli/main.js');
    await main(process.argv);
  }
}
