import { readInbox } from '../../bus/inbox.js';
import { renderBlock } from '../../bus/render.js';
import { agentSide } from '../env.js';

/** `loop inbox`: messages addressed to this agent's role, oldest first. */
export async function inboxCommand(options: { all?: boolean; json?: boolean }): Promise<number> {
  const { runDir, role } = agentSide();
  const messages = readInbox(runDir, role, { all: options.all });
  if (options.json) process.stdout.write(`${JSON.stringify(messages, null, 2)}\n`);
  else if (messages.length === 0) process.stdout.write('no new messages\n');
  else process.stdout.write(`${messages.map(renderBlock).join('\n\n')}\n`);
  return 0;
}
