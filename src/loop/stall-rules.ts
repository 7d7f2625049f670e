import type { Finding } from '../bus/message.js';
import { findingLine } from '../bus/render.js';
import { ExitCode } from '../errors.js';
import { finish, type Step } from './effects.js';
import type { LoopState } from './state.js';

/** A finding that blocks completion: critical or high. */
export const isBlocking = (finding: Finding): boolean => finding.severity === 'critical' || finding.severity === 'high';

/** Blocking findings are the same when they name the same file and title. */
export const findingKey = (finding: Finding): string => `${finding.file ?? ''}\u0000${finding.title}`;

/**
 * Count a review round towards the stall rule `stall.sameFindings`: the blocking findings raised in every round
 * of the streak so far. A round without any of them starts a new streak.
 */
export function countBlocking(state: LoopState, findings: readonly Finding[]): LoopState {
  const keys = [...new Set(findings.filter(isBlocking).map(findingKey))];
  const kept = state.blocking.keys.filter((key) => keys.includes(key));
  const blocking = kept.length > 0 ? { keys: kept, rounds: state.blocking.rounds + 1 } : { keys, rounds: keys.length > 0 ? 1 : 0 };
  return { ...state, blocking };
}

/** The run stops as stalled when the same blocking findings came back `stall.sameFindings` rounds running. */
export function sameFindingsStall(state: LoopState, findings: readonly Finding[]): Step | undefined {
  const limit = state.settings.stall.sameFindings;
  if (state.blocking.rounds < limit) return undefined;
  const seen = new Set<string>();
  const same = findings.filter((f) => isBlocking(f) && state.blocking.keys.includes(findingKey(f)) && !seen.has(findingKey(f)) && seen.add(findingKey(f)));
  const listed = same.slice(0, 3).map((f) => findingLine({ severity: f.severity, title: f.title, ...(f.file ? { file: f.file } : {}) }).slice(2));
  const more = same.length > listed.length ? `, +${same.length - listed.length} more` : '';
  return finish(state, ExitCode.stalled,
    `stalled: the same blocking finding(s) ${state.blocking.rounds} review rounds running: ${listed.join('; ')}${more} (stall.sameFindings: ${limit})`);
}
