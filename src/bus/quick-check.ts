import { AGENT_KINDS, defaultAddressee, goesToLoop, isAgentKind, roleClass, type AgentKind, type AgentRole, type RoleClass } from './kinds.js';
import { byteLength, type BusLimits } from './limits.js';
import type { Accepted, Draft } from './validate.js';

// A hand-written twin of checkDraft (validate.ts) for the agent-side fast path, which must not load zod.
// It only ever says "surely accepted" (with the payload exactly as zod would output it) or "not sure"
// (undefined): every refusal, and anything unusual, goes to checkDraft, which words the reasons.
// test/bus/quick-check.test.ts compares the two on many drafts.

type Check = (value: unknown) => { value: unknown } | undefined;
type Plain = Record<string, unknown>;

const isPlain = (value: unknown): value is Plain =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;

// zod 4 counts code points; a string within the cap in UTF-16 units is within it in code points too.
/** `z.string().trim().min(1).max(max)`: the trimmed text. */
const text = (max: number): Check => (value) => {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed.length >= 1 && trimmed.length <= max ? { value: trimmed } : undefined;
};
const string = (max: number, min = 0): Check => (value) =>
  typeof value === 'string' && value.length >= min && value.length <= max ? { value } : undefined;
const int = (min: number): Check => (value) => (Number.isSafeInteger(value) && (value as number) >= min ? { value } : undefined);
const boolean: Check = (value) => (typeof value === 'boolean' ? { value } : undefined);
const oneOf = (...options: string[]): Check => (value) => (options.includes(value as string) ? { value } : undefined);

const list = (item: Check, max = Infinity): Check => (value) => {
  if (!Array.isArray(value) || value.length > max) return undefined;
  const out: unknown[] = [];
  for (const element of value) {
    const checked = item(element);
    if (!checked) return undefined;
    out.push(checked.value);
  }
  return { value: out };
};

type Field = { check: Check; optional?: true; fallback?: () => unknown };

/** `z.strictObject(shape)`: fields in the shape's order, absent optional ones left out, defaults filled in. */
const object = (shape: Record<string, Field>): Check => (value) => {
  if (!isPlain(value)) return undefined;
  if (Object.keys(value).some((key) => !Object.hasOwn(shape, key) || value[key] === undefined)) return undefined;
  const out: Plain = {};
  for (const [key, field] of Object.entries(shape)) {
    if (!Object.hasOwn(value, key)) {
      if (field.fallback) out[key] = field.fallback();
      else if (!field.optional) return undefined;
      continue;
    }
    const checked = field.check(value[key]);
    if (!checked) return undefined;
    out[key] = checked.value;
  }
  return { value: out };
};

const finding = object({
  severity: { check: oneOf('critical', 'high', 'medium', 'low') },
  title: { check: text(200) },
  body: { check: string(4000), optional: true },
  file: { check: string(500, 1), optional: true },
  line: { check: int(1), optional: true },
  endLine: { check: int(1), optional: true },
});

/** The payload schemas of the agent kinds (message.ts PayloadSchemas), by hand; a kind left out (`usage`) always takes the full check. */
const PAYLOADS: Partial<Record<AgentKind, Check>> = {
  note: object({ text: { check: text(8000) } }),
  question: object({ text: { check: text(8000) } }),
  answer: object({ text: { check: text(8000) } }),
  plan: object({ summary: { check: text(4000) } }),
  done: object({ summary: { check: text(4000) }, evidence: { check: list(string(1000), 20), optional: true } }),
  review: object({
    verdict: { check: oneOf('approve', 'changes', 'cannot-review') },
    summary: { check: text(4000) },
    findings: { check: list(finding), fallback: () => [] },
    proofSurfaceReviewed: { check: boolean, optional: true },
  }),
};

/**
 * The draft as checkDraft would accept it, when that is certain under every one of `limits` (the caller passes
 * each set of limits the run might have); undefined when checkDraft might refuse it or the draft is unusual.
 */
export function quickCheck(draft: Draft, limits: readonly BusLimits[]): Accepted | undefined {
  const { kind, from } = draft;
  if (!isAgentKind(kind) || !(AGENT_KINDS[kind] as readonly RoleClass[]).includes(roleClass(from))) return undefined;
  if (draft.replyTo !== undefined && typeof draft.replyTo !== 'string') return undefined;
  let to: AgentRole | 'loop';
  if (goesToLoop(kind)) {
    if (draft.to !== undefined && draft.to !== 'loop' && draft.to !== defaultAddressee(from)) return undefined;
    to = 'loop';
  } else {
    if (draft.to !== undefined && draft.to !== 'worker' && draft.to !== 'reviewer') return undefined;
    // Every run has the worker and `reviewer`; a panel's other reviewers are left to the full check (it knows the run's roles).
    to = (draft.to as AgentRole | undefined) ?? defaultAddressee(from);
    if (to === from) return undefined;
  }
  if (kind === 'answer' && !draft.replyTo) return undefined;
  if (!isPlain(draft.payload)) return undefined;
  const size = byteLength(draft.payload);
  if (limits.some((limit) => size > limit.payloadBytes)) return undefined;
  const checked = PAYLOADS[kind]?.(draft.payload);
  if (!checked) return undefined;
  const payload = checked.value as Plain;
  const findings = payload.findings as unknown[] | undefined;
  if (findings && limits.some((limit) => findings.length > limit.findings)) return undefined;
  // Why the cast: the payload was checked by hand against its kind's schema (PAYLOADS above).
  return { kind, to, replyTo: draft.replyTo, payload } as Accepted;
}
