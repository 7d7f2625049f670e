import { AGENT_KINDS, defaultAddressee, goesToLoop, isAgentKind, isRole, KINDS, PayloadSchemas, roleClass, type AgentKind, type Payload, type Role, type RoleClass } from './message.js';
import { byteLength, type BusLimits } from './limits.js';

/** What an agent asked to send. */
export interface Draft {
  from: Role;
  kind: string;
  to?: string;
  replyTo?: string;
  payload: unknown;
}

/** An accepted draft, normalised: the payload has passed its kind's schema (typed by the kind). */
export type Accepted = { [K in AgentKind]: { kind: K; to: Role | 'loop'; replyTo?: string; payload: Payload<K> } }[AgentKind];

export type CheckResult = { ok: true; message: Accepted } | { ok: false; reasons: string[] };

const refuse = (...reasons: string[]): CheckResult => ({ ok: false, reasons });

/** How an addressee outside the run is refused (also by the agent-side fast path). */
export const notInRun = (to: string, roles: readonly string[]) => `--to ${to}: this run has no ${to} (its roles: ${roles.join(', ')})`;

/**
 * Validate a message from an agent: kind, role rules, addressee, schema and bounds. Refusals carry reasons.
 * `roles`, when known, are the run's roles: an addressee must be one of them.
 */
export function checkDraft(draft: Draft, limits: BusLimits, roles?: readonly Role[]): CheckResult {
  const { kind, from } = draft;
  const agentKinds = Object.keys(AGENT_KINDS).join(', ');
  if (!KINDS.includes(kind as never)) return refuse(`unknown kind '${kind}' (agents may send: ${agentKinds})`);
  if (!isAgentKind(kind)) return refuse(`kind '${kind}' is sent only by loop itself (agents may send: ${agentKinds})`);
  const allowed: readonly RoleClass[] = AGENT_KINDS[kind];
  if (!allowed.includes(roleClass(from))) return refuse(`only the ${allowed.join(' or ')} may send '${kind}' (you are the ${from})`);

  let to: Role | 'loop';
  if (goesToLoop(kind)) {
    if (draft.to !== undefined && draft.to !== 'loop' && draft.to !== defaultAddressee(from)) {
      return refuse(`'${kind}' goes to loop; --to ${draft.to} is not allowed`);
    }
    to = 'loop';
  } else {
    if (draft.to !== undefined && !isRole(draft.to)) {
      return refuse(`--to must be 'worker' or 'reviewer' (or a panel's reviewer-2…), got '${draft.to}'`);
    }
    to = draft.to ?? defaultAddressee(from);
    if (roles && !roles.includes(to)) return refuse(notInRun(to, roles));
    if (to === from) return refuse(`cannot send a '${kind}' to yourself (${from})`);
  }
  if (kind === 'answer' && !draft.replyTo) return refuse("an 'answer' needs --reply-to <question id>");

  if (typeof draft.payload !== 'object' || draft.payload === null || Array.isArray(draft.payload)) {
    return refuse('payload must be a JSON object');
  }
  const size = byteLength(draft.payload);
  if (size > limits.payloadBytes) return refuse(`payload is ${size} bytes; the limit is ${limits.payloadBytes}`);
  const parsed = PayloadSchemas[kind].safeParse(draft.payload);
  if (!parsed.success) {
    return refuse(...parsed.error.issues.slice(0, 10).map((issue) => {
      const path = ['payload', ...issue.path.map(String)].join('.');
      if (issue.code === 'unrecognized_keys') return `${path}: unknown field(s) ${issue.keys.join(', ')}`;
      return `${path}: ${issue.message.replace(/^Invalid input: /, '')}`;
    }));
  }
  const payload = parsed.data;
  const findings: unknown = 'findings' in payload ? payload.findings : undefined;
  if (Array.isArray(findings) && findings.length > limits.findings) {
    return refuse(`payload.findings: ${findings.length} findings; the limit is ${limits.findings}`);
  }
  // Why the cast: TypeScript does not tie `kind` to the payload its own schema just parsed (a correlated union).
  return { ok: true, message: { kind, to, replyTo: draft.replyTo, payload } as Accepted };
}
