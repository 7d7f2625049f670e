import type { Envelope, Finding, Payload, ProofStep, SurfaceChange } from './message.js';
import { defaultAddressee, isRole } from './roles.js';

/** How the addressee should answer a message of this kind. */
export function replyHint(envelope: Envelope): string {
  switch (envelope.kind) {
    case 'task':
      return envelope.payload.phase === 'plan'
        ? 'when PLAN.md is ready: loop msg plan --text "<summary of the plan>"'
        : 'when finished: loop msg done --text "<what you did>"';
    case 'review-request':
      return `answer: loop msg review --json '{"verdict":"approve|changes|cannot-review","summary":"…","findings":[{"severity":"high","title":"…","file":"…","line":1}]}'`;
    case 'question': {
      // A question from a panel's other reviewer is answered to it, not to the default addressee.
      const to = isRole(envelope.to) && envelope.from !== defaultAddressee(envelope.to) ? ` --to ${envelope.from}` : '';
      return `answer: loop msg answer --reply-to ${envelope.id}${to} --text "…"`;
    }
    default:
      return 'no reply needed';
  }
}

const stepLine = (step: ProofStep) =>
  `${step.exitCode === 0 ? 'ok  ' : 'FAIL'} ${step.command} (exit ${step.timedOut ? 'timeout' : step.exitCode}, ${step.durationMs} ms)`;

export const findingLine = (f: Finding) =>
  `- [${f.severity}] ${f.title}${f.file ? ` (${f.file}${f.line ? `:${f.line}` : ''})` : ''}${f.body ? `: ${f.body}` : ''}`;

const surfaceLine = (c: SurfaceChange) =>
  `- ${c.file} (${c.status === 'renamed' && c.from ? `renamed from ${c.from}` : c.status}, +${c.added} -${c.removed})`;

/** The proof-surface block on top of a change review request: the files that can weaken the proof, and how to acknowledge them. */
function surfaceBlock(changes: readonly SurfaceChange[], more = 0): string[] {
  if (changes.length === 0) return [];
  return [
    '⚠ PROOF SURFACE CHANGED since the run started — these files can weaken the proof:',
    ...changes.map(surfaceLine),
    ...(more > 0 ? [`+${more} more`] : []),
    'Approving? add "proofSurfaceReviewed": true to your review to acknowledge them.',
  ];
}

type RequestPayload = Payload<'review-request'>;

/** A plan review request: why, then PLAN.md as it was sent (bounded). */
function planRequestBody(p: RequestPayload): string {
  const progress = p.planProgress;
  const counts = progress ? `, ${progress.total} item${progress.total === 1 ? '' : 's'}` : '';
  return [
    ...(p.notice ? [p.notice] : []),
    p.summary,
    `--- PLAN.md (sha256 ${(p.planHash ?? '?').slice(0, 12)}${counts}) ---`,
    p.plan ?? '',
    '--- end of PLAN.md ---',
  ].join('\n');
}

/** A change review request's lines about PLAN.md: how many items are checked, and which were checked off since the last review. */
function checklistLines(p: RequestPayload): string[] {
  const progress = p.planProgress;
  if (!progress) return [];
  const off = p.checkedOff ?? [];
  return [
    `PLAN.md: ${progress.done}/${progress.total} items checked${off.length > 0 ? '; checked off since the last review:' : '; none checked off since the last review'}`,
    ...off.map((item) => `- [x] ${item}`),
  ];
}

/** A readable body for one message (used in terminals, `loop inbox` and `loop show`). */
export function renderBody(envelope: Envelope): string {
  switch (envelope.kind) {
    case 'task':
    case 'note':
    case 'question':
    case 'answer':
      return envelope.payload.text;
    case 'plan':
      return envelope.payload.summary;
    case 'done':
      return [envelope.payload.summary, ...(envelope.payload.evidence ?? []).map((e) => `- ${e}`)].join('\n');
    case 'review': {
      const p = envelope.payload;
      return [`verdict: ${p.verdict}${p.proofSurfaceReviewed === true ? ' (proof surface reviewed)' : ''}`, p.summary, ...(p.findings ?? []).map(findingLine)].join('\n');
    }
    case 'proof': {
      const p = envelope.payload;
      return [`proof ${p.passed ? 'PASSED' : 'FAILED'} on tree ${p.treeHash.slice(0, 12)}`, ...p.steps.map(stepLine)].join('\n');
    }
    case 'review-request': {
      const p = envelope.payload;
      if (p.subject === 'plan') return planRequestBody(p);
      const { receipt } = p;
      const claims = p.claims.map((c) => `- ${c}`);
      return [
        ...(p.notice ? [p.notice] : []),
        ...surfaceBlock(p.proofSurface ?? [], p.proofSurfaceMore ?? 0),
        p.summary,
        ...(receipt ? [`proof ${receipt.passed ? 'PASSED' : 'FAILED'} on tree ${receipt.treeHash.slice(0, 12)}: ${receipt.steps.map(stepLine).join('; ') || 'no proof commands'}`] : []),
        'changes:',
        p.diffStat || '(no changes)',
        ...(claims.length > 0 ? ['worker claims:', ...claims] : []),
        ...checklistLines(p),
      ].join('\n');
    }
    case 'nack':
      return [envelope.payload.reason, ...(envelope.payload.errors ?? []).map((e) => `- ${e}`)].join('\n');
    case 'abort':
      return envelope.payload.reason;
    case 'usage': {
      const p = envelope.payload;
      return `usage${p.model ? ` of ${p.model}` : ''}: ${p.inputTokens} input, ${p.outputTokens} output, ${p.cacheReadTokens ?? 0} cache read, ${p.cacheWriteTokens ?? 0} cache write tokens${p.costUsd !== undefined ? `, $${p.costUsd}` : ''}`;
    }
  }
}

/** The header line of a message. */
export const renderHeader = (e: Envelope) =>
  `[loop] ${e.kind} ${e.id} from ${e.from} to ${e.to} (iteration ${e.iteration})`;

/** The block for one message: header, body, how to reply. */
export function renderBlock(envelope: Envelope): string {
  return [renderHeader(envelope), renderBody(envelope), `→ ${replyHint(envelope)} · full message: loop inbox --json`].join('\n');
}

/** Several queued messages as one bracketed paste (one turn for the agent, not one per message). */
export function renderBlocks(envelopes: readonly Envelope[]): string {
  return envelopes.map(renderBlock).join('\n\n');
}

/** One message on a single line, bounded to `maxChars`. */
export function renderLine(envelope: Envelope, maxChars = 1500): string {
  const body = renderBody(envelope).replace(/\s*[\r\n]+\s*/g, ' | '); // a lone CR is Enter in a PTY, too
  const tail = ` → ${replyHint(envelope)}`;
  const room = Math.max(60, maxChars - tail.length - renderHeader(envelope).length - 2);
  const shown = body.length > room ? `${body.slice(0, room - 1)}…` : body;
  return `${renderHeader(envelope)}: ${shown}${tail}`;
}

/**
 * Queued messages as the single line typed when the terminal has no bracketed paste (a newline would
 * submit early); the whole line stays well under the terminal's canonical-mode limit.
 */
export function renderLines(envelopes: readonly Envelope[], maxChars = 1800): string {
  const share = Math.floor(maxChars / envelopes.length) - 40;
  const end = ' · full messages: loop inbox --json';
  const lines = envelopes.map((e) => renderLine(e, share));
  // Each line has a fixed header and hint, so many queued messages would overrun the bound: name the rest.
  let shown = lines.length;
  const length = (n: number) => lines.slice(0, n).join(' ‖ ').length + end.length + (n < lines.length ? 40 : 0);
  while (shown > 1 && length(shown) > maxChars) shown--;
  const rest = lines.length - shown;
  return `${lines.slice(0, shown).join(' ‖ ')}${rest > 0 ? ` ‖ (+${rest} more message${rest > 1 ? 's' : ''})` : ''}${end}`;
}
