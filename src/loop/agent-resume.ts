import type { Envelope, Role } from '../bus/message.js';
import { errorMessage } from '../errors.js';
import { agentOf, type RunContext } from './run-context.js';

/** Can this agent go back to its own session (the harness resumes, and has saved that session)? */
export function canResume(ctx: RunContext, role: Role, sessionId: string | null): sessionId is string {
  const adapter = agentOf(ctx, role);
  if (!adapter.card.resume || !sessionId) return false;
  return adapter.hasSession?.(sessionId, { cwd: ctx.manifest.cwd, env: ctx.env }) ?? true;
}

/** A message the journal shows undelivered, but the agent's own session already holds (typed before a crash). */
export interface HeldMessage {
  envelope: Envelope;
  role: Role;
  detail: string;
}

/**
 * Split the messages a resumed run found undelivered: those to type again, and those an agent relaunched on
 * its own session already holds (`sessionHolds`; absent, as for command agents: it does not, and the message
 * is typed again — a relaunched command agent is a new session that never saw it). A failing check types again.
 */
export function splitUndelivered(ctx: RunContext, undelivered: readonly Envelope[], sessions: Partial<Record<Role, string | null>>): { send: Envelope[]; held: HeldMessage[]; errors: string[] } {
  const send: Envelope[] = [];
  const held: HeldMessage[] = [];
  const errors: string[] = [];
  for (const envelope of undelivered) {
    const role = envelope.to;
    if (role === 'loop') continue; // resume-run.ts picks only messages for an agent
    const sessionId = sessions[role] ?? null;
    const adapter = agentOf(ctx, role);
    if (!canResume(ctx, role, sessionId) || !adapter.sessionHolds) {
      send.push(envelope);
      continue;
    }
    let holds = false;
    try {
      holds = adapter.sessionHolds(sessionId, envelope.id, { cwd: ctx.manifest.cwd, env: ctx.env });
    } catch (error) {
      errors.push(`could not check whether the ${role}'s session ${sessionId} holds ${envelope.id} (${errorMessage(error)}); typing it again`);
    }
    if (holds) held.push({ envelope, role, detail: `the ${role}'s own session ${sessionId} already holds it (typed before loop stopped); not typed again` });
    else send.push(envelope);
  }
  return { send, held, errors };
}
