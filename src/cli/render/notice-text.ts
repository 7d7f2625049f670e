import type { Envelope } from '../../bus/message.js';
import { renderBody } from '../../bus/render.js';
import type { RunNotice } from '../../loop/observer.js';
import { usd } from '../../usage/prices.js';

/** One line about a message: who to whom, kind, and the start of its body. */
export function messageSummary(envelope: Envelope, width = 80): string {
  const body = renderBody(envelope).replace(/\s+/g, ' ').trim();
  const short = body.length > width ? `${body.slice(0, width - 1)}…` : body;
  return `${envelope.from} → ${envelope.to} ${envelope.kind}: ${short}`;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** A plain log line for a notice, or undefined for notices not worth a line. */
export function noticeLine(notice: RunNotice): string | undefined {
  switch (notice.type) {
    case 'started':
      return `${notice.resumed ? 'resumed' : 'started'} run ${notice.runId} · ${notice.agents.map((a) => `${a.role} ${a.name}`).join(' · ')}\n  stored in ${notice.runDir}`;
    case 'agent':
      return notice.activity === 'exited' ? `${notice.role} exited${notice.detail ? `: ${notice.detail}` : ''}` : undefined;
    case 'state':
      return undefined;
    case 'message':
      if (notice.envelope.from !== 'loop' && !notice.delivered) return `received ${messageSummary(notice.envelope)}`;
      if (notice.delivered) return undefined;
      return `sending ${messageSummary(notice.envelope)}`;
    case 'refused':
      return `refused ${notice.kind} from the ${notice.from}: ${notice.reasons.join('; ')}`;
    case 'proof-start':
      return notice.commands.length > 0 ? `proof: running ${notice.commands.length} command(s)` : 'proof: no proof commands configured';
    case 'proof-step':
      return `proof: $ ${notice.command}`;
    case 'proof-done': {
      const r = notice.receipt;
      const failed = r.steps.find((s) => s.exitCode !== 0);
      return `proof ${r.passed ? 'PASSED' : 'FAILED'} in ${seconds(r.durationMs)} on tree ${r.treeHash.slice(0, 12)}${failed ? ` (\`${failed.command}\` exited ${failed.timedOut ? 'by timeout' : failed.exitCode})` : ''}`;
    }
    case 'usage':
      return notice.unknown
        ? `usage of the ${notice.role}: unknown (${notice.unknown})`
        : `usage of the ${notice.role}: ${notice.tokens} tokens, ${notice.costUsd === 'unknown' ? 'cost unknown (no price for its model)' : usd(notice.costUsd)}`;
    case 'warning':
      return `warning: ${notice.text}`;
    case 'info':
      return notice.text;
    case 'finished':
      return undefined;
  }
}
