import { readInboxWith } from '../../bus/inbox-read.js';
import { quickEnvelopesOf } from '../../bus/quick-envelopes.js';
import { renderBlock } from '../../bus/render.js';
import { requireRunDir } from '../agent-run-dir.js';
import { agentSide } from '../env.js';

/** `loop inbox`: messages addressed to this agent's role, oldest first (zod is loaded only for an envelope the quick check cannot vouch for). */
export async function inboxCommand(options: { all?: boolean; json?: boolean }): Promise<number> {
  const { runDir, role } = agentSide();
  requireRunDir(runDir);
  const messages = readInboxWith(runDir, role, { all: options.all }, quickEnvelopesOf) ?? (await import('../../bus/inbox.js')).readInbox(runDir, role, { all: options.all });
  if (options.json) process.stdout.write(`${JSON.stringify(messages, null, 2)}\n`);
  else if (messages.length === 0) process.stdout.write('no new messages\n');
  else process.stdout.write(`${messages.map(renderBlock).join('\n\n')}\n`);
  return 0;
}
