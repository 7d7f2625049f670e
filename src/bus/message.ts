import { z } from 'zod';
import { AGENT_KINDS, MESSAGE_ID } from './kinds.js';
import { ROLES, type RoleClass } from './roles.js';

export { AGENT_KINDS, goesToLoop, isAgentKind, MESSAGE_ID, TEXT_FIELD, type AgentKind } from './kinds.js';
export {
  defaultAddressee, isReviewer, isRole, MAX_REVIEWERS, reviewerRoles, roleClass, rolesIn, type ReviewerRole, type RoleClass, type RoleMap,
  ROLES,
} from './roles.js';

/** The agent roles (the worker, and the reviewers of a panel); `loop` itself is the other party on the bus. */
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;
/** A reviewer role: `reviewer`, or a panel's `reviewer-2`… */
export const ReviewerRoleSchema = RoleSchema.exclude(['worker']);
export const PartySchema = z.enum([...ROLES, 'loop']);
export type Party = z.infer<typeof PartySchema>;

/** Per-field string caps (bytes are bounded separately by `BusLimits`). */
const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);

export const SeveritySchema = z.enum(['critical', 'high', 'medium', 'low']);
export type Severity = z.infer<typeof SeveritySchema>;

export const FindingSchema = z.strictObject({
  severity: SeveritySchema,
  title: text(200),
  body: z.string().max(4000).optional(),
  file: z.string().min(1).max(500).optional(),
  line: z.number().int().min(1).optional(),
  endLine: z.number().int().min(1).optional(),
});
export type Finding = z.infer<typeof FindingSchema>;

export const VerdictSchema = z.enum(['approve', 'changes', 'cannot-review']);
export type Verdict = z.infer<typeof VerdictSchema>;

export const ProofStepSchema = z.strictObject({
  command: z.string(),
  exitCode: z.number().int().nullable(),
  durationMs: z.number().int().min(0),
  outputTail: z.string(),
  timedOut: z.boolean().optional(),
});
export type ProofStep = z.infer<typeof ProofStepSchema>;

export const ReceiptSchema = z.strictObject({
  passed: z.boolean(),
  steps: z.array(ProofStepSchema),
  treeHash: z.string(),
  startedAt: z.string(),
  durationMs: z.number().int().min(0),
  logFile: z.string().optional(),
});
export type Receipt = z.infer<typeof ReceiptSchema>;

/** One changed file of the proof surface (files whose change can weaken the proof), with a short diff stat. */
export const SurfaceChangeSchema = z.strictObject({
  file: z.string().max(500),
  status: z.enum(['added', 'modified', 'deleted', 'renamed']),
  added: z.number().int().min(0),
  removed: z.number().int().min(0),
  /** The old path of a renamed file. */
  from: z.string().max(500).optional(),
});
export type SurfaceChange = z.infer<typeof SurfaceChangeSchema>;

/** At most this many proof-surface files are listed in one review request (the rest are counted). */
export const SURFACE_LIST_MAX = 50;

/** At most this many characters of PLAN.md go into a plan review request (the reviewer can read the rest). */
export const PLAN_EXCERPT_MAX = 6000;

/** Payload schemas for every message kind (contract: DESIGN.md "messages"). */
export const PayloadSchemas = {
  note: z.strictObject({ text: text(8000) }),
  question: z.strictObject({ text: text(8000) }),
  answer: z.strictObject({ text: text(8000) }),
  plan: z.strictObject({ summary: text(4000) }),
  done: z.strictObject({
    summary: text(4000),
    evidence: z.array(z.string().max(1000)).max(20).optional(),
  }),
  review: z.strictObject({
    verdict: VerdictSchema,
    summary: text(4000),
    findings: z.array(FindingSchema).default([]),
    proofSurfaceReviewed: z
      .boolean()
      .optional()
      .describe('true when you approve a change whose review request lists PROOF SURFACE files: you checked those changes do not weaken the proof'),
  }),
  /** A command agent's own account of what one turn spent (loop reads the built-in harnesses' usage itself). */
  usage: z.strictObject({
    model: z.string().trim().min(1).max(200).optional().describe('the model used (priced from the price table); absent: cost from costUsd, else unknown'),
    inputTokens: z.number().int().min(0).max(1e12).describe('input tokens billed at the input price (cache reads and writes apart)'),
    outputTokens: z.number().int().min(0).max(1e12),
    cacheReadTokens: z.number().int().min(0).max(1e12).optional(),
    cacheWriteTokens: z.number().int().min(0).max(1e12).optional(),
    costUsd: z.number().min(0).max(1_000_000).optional().describe('what the turn cost, when the agent knows it and its model has no price in the table'),
  }),
  task: z.strictObject({ text: text(12000), iteration: z.number().int().min(1), phase: z.enum(['plan', 'work']).optional() }),
  'review-request': z.strictObject({
    subject: z.enum(['plan', 'change']).optional(),
    /** A plan review: PLAN.md's text (bounded), its sha256, and its checklist counts. */
    plan: z.string().max(PLAN_EXCERPT_MAX).optional(),
    planHash: z.string().max(64).optional(),
    /** PLAN.md's checklist counts, and (a change review) the items checked off since the last review. */
    planProgress: z.strictObject({ done: z.number().int().min(0), total: z.number().int().min(0) }).optional(),
    checkedOff: z.array(z.string().max(200)).max(50).optional(),
    /** Why loop asks again (a line shown at the top). */
    notice: z.string().max(1000).optional(),
    /** Proof-surface files changed since the run started (shown first and apart), and how many more were left out. */
    proofSurface: z.array(SurfaceChangeSchema).max(SURFACE_LIST_MAX).optional(),
    proofSurfaceMore: z.number().int().min(1).optional(),
    summary: z.string().max(4000),
    diffStat: z.string().max(4000),
    /** The proof receipt (a change review; a plan review has none). */
    receipt: ReceiptSchema.optional(),
    claims: z.array(z.string().max(1000)).max(20),
  }),
  proof: z.strictObject({ passed: z.boolean(), steps: z.array(ProofStepSchema), treeHash: z.string() }),
  abort: z.strictObject({ reason: z.string().max(4000) }),
  nack: z.strictObject({ reason: z.string().max(4000), errors: z.array(z.string().max(1000)).max(20) }),
} as const;

export type Kind = keyof typeof PayloadSchemas;
export const KINDS = Object.keys(PayloadSchemas) as Kind[];
export const KindSchema = z.enum(KINDS as [Kind, ...Kind[]]);
export type Payload<K extends Kind> = z.output<(typeof PayloadSchemas)[K]>;

// kinds.ts keeps the agent kinds without zod; they must be kinds of this table.
AGENT_KINDS satisfies Partial<Record<Kind, readonly RoleClass[]>>;

/**
 * The envelope every message travels in, as stored in the journal. Agents never set `from`, `seq` or `runId`.
 * Its payload is checked against its kind's schema where it enters (checkDraft for agents; loop's own are typed
 * by construction, see loop/effects.ts Outgoing), before it is journaled.
 */
export const EnvelopeSchema = z.strictObject({
  id: z.string().regex(MESSAGE_ID),
  runId: z.string(),
  seq: z.number().int().min(1),
  from: PartySchema,
  to: PartySchema,
  kind: KindSchema,
  iteration: z.number().int().min(0),
  at: z.string(),
  payload: z.record(z.string(), z.unknown()),
  replyTo: z.string().optional(),
  treeHash: z.string().optional(),
});
type EnvelopeFields = Omit<z.infer<typeof EnvelopeSchema>, 'kind' | 'payload'>;
/** An envelope of one kind, its payload typed by the kind. */
export type EnvelopeOf<K extends Kind> = EnvelopeFields & { kind: K; payload: Payload<K> };
/** An envelope: a union discriminated by `kind`, so `payload` is typed once `kind` is known. */
export type Envelope = { [K in Kind]: EnvelopeOf<K> }[Kind];
/** An envelope an agent sent (loop established its role). */
export type AgentEnvelope = Envelope & { from: Role };

/** The journal's structurally checked envelope, typed by kind: its payload was checked by kind before it was journaled. */
export const storedEnvelope = (parsed: z.infer<typeof EnvelopeSchema>): Envelope => parsed as Envelope;

/** Was this envelope sent by an agent (not by loop)? */
export const isAgentEnvelope = (envelope: Envelope): envelope is AgentEnvelope => envelope.from !== 'loop';

/** What an agent hands to loop (via `loop msg` or MCP), before loop seals it into an envelope. */
export const SubmissionSchema = z.strictObject({
  id: z.string().regex(MESSAGE_ID),
  from: RoleSchema,
  kind: z.string(),
  to: RoleSchema.optional(),
  replyTo: z.string().max(100).optional(),
  payload: z.unknown(),
  at: z.string(),
  via: z.enum(['cli', 'mcp']).default('cli'),
});
export type Submission = z.infer<typeof SubmissionSchema>;
