import { quickSubmit } from '../../bus/quick-submit.js';
import { ExitCode } from '../../errors.js';
import { requireRunDir } from '../agent-run-dir.js';
import { agentSide } from '../env.js';
import { parsePayload, type MsgOptions } from '../msg-payload.js';

/**
 * `loop msg <kind>`: validate, then drop the message into the run's spool; refusals exit 2 with reasons.
 * A message that is surely accepted goes without loading zod (quick-submit.ts); everything else, refusals
 * included, through submit() and the schemas.
 */
export async function msgCommand(kind: string, options: MsgOptions): Promise<number> {
  const sender = agentSide();
  requireRunDir(sender.runDir);
  let payload: Record<string, unknown>;
  try {
    payload = parsePayload(kind, options);
  } catch (error) {
    (await import('../../bus/submit.js')).recordUnparsable(sender, kind, (error as Error).message, 'cli');
    throw error;
  }
  const request = { kind, to: options.to, replyTo: options.replyTo, payload };
  const result = quickSubmit(sender, request, 'cli') ?? (await import('../../bus/submit.js')).submit(sender, request, 'cli');
  if (!result.ok) {
    process.stderr.write(`loop: message refused:\n${result.reasons.map((r) => `  - ${r}`).join('\n')}\n`);
    return ExitCode.usage;
  }
  process.stdout.write(`${result.id}\n`);
  return ExitCode.completed;
}
