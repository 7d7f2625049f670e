import type { Envelope, Role } from '../bus/message.js';
import { canResume, splitUndelivered } from './agent-resume.js';
import { recordDelivery } from './delivery-records.js';
import type { DriverCore, ResumePoint } from './driver-types.js';
import type { InputOf } from './inputs.js';

/**
 * Undelivered messages of a resumed run: typed again (handed to `deliver`), except those an agent relaunched on
 * its own session already holds — journaled as delivered `via: 'session'`, with why.
 */
export function requeueUndelivered(core: DriverCore, resume: ResumePoint, deliver: (envelope: Envelope) => void): void {
  const { send, held, errors } = splitUndelivered(core.ctx, resume.undelivered, resume.sessions);
  for (const text of errors) core.deps.observer({ type: 'warning', text });
  for (const { envelope, role, detail } of held) recordDelivery(core, role, envelope, { attempts: 0, via: 'session', confirmedBy: 'session record', bytes: 0, detail });
  for (const envelope of send) deliver(envelope);
}

/**
 * What the machine needs to know of each agent of a resumed run: back on its own session? a message waiting for
 * it (left undelivered by the killed process, or a task or review request this process has sent it since)?
 */
export function resumedInput(core: DriverCore, resume: ResumePoint, requestedSince: ReadonlySet<Role>): InputOf<'resumed'> {
  return {
    type: 'resumed',
    agents: core.ctx.roles.map((role) => ({
      role,
      onOwnSession: canResume(core.ctx, role, resume.sessions[role] ?? null),
      pending: resume.undelivered.some((e) => e.to === role) || requestedSince.has(role),
    })),
  };
}
