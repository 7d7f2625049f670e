import { z } from 'zod';
import { MAX_REVIEWERS } from '../bus/roles.js';
import { PriceSchema, type Price } from '../usage/prices.js';
import { DEFAULT_PROOF_SURFACE } from './proof-surface-defaults.js';

/** A custom (command) agent, or an override of a built-in one. */
export const AgentConfigSchema = z
  .strictObject({
    command: z.string().min(1).optional().describe('Program to run (looked up on PATH).'),
    args: z.array(z.string()).optional().describe('Arguments passed to the command.'),
    env: z.record(z.string(), z.string()).optional().describe('Extra environment variables for the agent.'),
    idlePattern: z
      .string()
      .min(1)
      .refine(isValidRegex, 'must be a valid regular expression')
      .optional()
      .describe('Regex matched against the screen line holding the cursor (trailing spaces trimmed) once output is quiet.'),
    model: z.string().min(1).optional().describe('Model name passed to a built-in harness.'),
    quietMs: z.number().int().min(50).max(60_000).optional().describe('How long output must be quiet before the idle pattern is checked (ms).'),
  })
  .describe('How to launch one agent.');
export type AgentConfig = z.infer<typeof AgentConfigSchema>;

function isValidRegex(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}

/** How a panel of reviewers decides (config `panel`). */
export const PanelPolicySchema = z.enum(['all', 'majority', 'any']);
export type PanelPolicy = z.infer<typeof PanelPolicySchema>;

const AGENT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const AGENT_NAME_RULE = 'an agent name uses letters, digits, . _ - (at most 64)';

/** The whole configuration, as accepted in `.loop.json` and `$LOOP_HOME/config.json` (contract). */
export const ConfigSchema = z
  .strictObject({
    $schema: z.string().optional().describe('JSON Schema reference (ignored by loop).'),
    worker: z.string().regex(AGENT_NAME, AGENT_NAME_RULE).optional().describe('Agent that changes the code.'),
    reviewer: z.string().regex(AGENT_NAME, AGENT_NAME_RULE).optional().describe('Agent that reviews; never edits the tree.'),
    reviewers: z
      .array(z.string().regex(AGENT_NAME, AGENT_NAME_RULE))
      .min(1, 'give at least one reviewer')
      .max(MAX_REVIEWERS, `a panel has at most ${MAX_REVIEWERS} reviewers`)
      .optional()
      .describe(`A panel of reviewers (roles reviewer, reviewer-2, …), each reviewing every request; at most ${MAX_REVIEWERS}. With reviewer too, reviewers[0] must be it.`),
    panel: PanelPolicySchema
      .optional()
      .describe('How a panel decides: all (every reviewer approves), majority (more than half approve), any (one approval).'),
    proof: z.array(z.string().min(1)).optional().describe('Shell commands loop runs in the repo root; all must pass.'),
    maxIterations: z.number().int().min(1).max(100).optional().describe('Iteration cap: worker turn → done → proof → review.'),
    plan: z
      .enum(['review', 'write', 'off'])
      .optional()
      .describe('The plan phase: the worker writes PLAN.md (a checklist with the proof) and the reviewer approves it before any code is written (review), the worker writes it with no review (write), or no plan step (off).'),
    maxPlanRounds: z.number().int().min(1).max(20).optional().describe('Plan reviews that may ask for changes before the run stops (exit 1).'),
    maxMessages: z.number().int().min(1).max(10_000).optional().describe('Cap on messages sent by agents in one run.'),
    maxMinutes: z.number().min(0.1).max(10_080).optional().describe('Wall-clock budget for a run, in minutes.'),
    turnTimeoutMinutes: z.number().min(0.05).max(1_440).optional().describe('How long one agent turn may take before the run is stopped.'),
    proofTimeoutSeconds: z.number().min(1).max(86_400).optional().describe('Timeout for each proof command.'),
    maxCostUsd: z.number().positive().max(1_000_000).optional().describe('Cost budget of a run in US dollars (both agents): the run stops after the turn that goes over it (exit 4). Flag: --max-cost.'),
    maxTokens: z.number().int().positive().max(1e12).optional().describe('Token budget of a run (input, output and cache tokens of both agents): the run stops after the turn that goes over it (exit 4). Flag: --max-tokens.'),
    prices: z
      .record(z.string().min(1).max(200), PriceSchema)
      .optional()
      .describe('Prices per model in USD per million tokens ({input, output, cacheRead?, cacheWrite?}): override or extend the built-in table.'),
    reviewerMayEdit: z
      .boolean()
      .optional()
      .describe('Let the reviewer edit the tree (default false: a review on a tree that changed during the review does not count, and loop undoes the change).'),
    stall: z
      .strictObject({
        sameFindings: z.number().int().min(2).max(100).optional().describe('Review rounds in a row with the same blocking findings (critical or high, same file and title) before the run stops as stalled (default 3).'),
        unchangedTurns: z.number().int().min(1).max(100).optional().describe('Worker turns in a row that leave the tree unchanged while the work is not accepted, before the run stops as stalled (default 2).'),
        cannotReview: z.number().int().min(1).max(100).optional().describe('cannot-review verdicts before the run stops as stalled (default 2).'),
        idleReminders: z.number().int().min(0).max(100).optional().describe('Reminders to an agent that goes idle without the reply loop waits for, before the next idle stops the run as stalled (default 2).'),
      })
      .optional()
      .describe('When a run that makes no progress stops as stalled (exit 3).'),
    proofSurface: z
      .array(z.string().min(1).max(500))
      .max(500)
      .optional()
      .describe('Globs of files whose change can weaken the proof (replaces the defaults); paths named in the proof commands and the proof section of PLAN.md always count.'),
    limits: z
      .strictObject({
        payloadBytes: z.number().int().min(256).max(1_048_576).optional(),
        envelopeBytes: z.number().int().min(512).max(2_097_152).optional(),
        findings: z.number().int().min(1).max(500).optional(),
      })
      .optional()
      .describe('Bounds on bus messages.'),
    terminal: z
      .strictObject({
        cols: z.number().int().min(40).max(1000).optional(),
        rows: z.number().int().min(10).max(500).optional(),
        recordingBytes: z.number().int().min(0).max(1_073_741_824).optional(),
      })
      .optional()
      .describe('Pseudo-terminal size and recording cap.'),
    isolation: z
      .enum(['auto', 'sandbox', 'none'])
      .optional()
      .describe('How agents are isolated from each other and from the run records: sandbox (bubblewrap), none, or auto (the sandbox wherever it works).'),
    worktree: z
      .boolean()
      .optional()
      .describe('Run each task in its own git worktree under $LOOP_HOME/worktrees/<run-id>, on a new branch loop/<run-id> from HEAD (like --worktree).'),
    agents: z
      .record(z.string().regex(AGENT_NAME, AGENT_NAME_RULE), AgentConfigSchema)
      .optional()
      .describe('Custom agents, and overrides of built-in ones, by name.'),
  })
  .superRefine((config, ctx) => {
    if (config.reviewer !== undefined && config.reviewers !== undefined && config.reviewers[0] !== config.reviewer) {
      ctx.addIssue({ code: 'custom', path: ['reviewers', 0], message: `must be the reviewer ('${config.reviewer}') when both are given; or give only reviewers` });
    }
  })
  .describe('loop configuration (.loop.json)');
export type ConfigFile = z.infer<typeof ConfigSchema>;

/** The effective configuration after merging defaults, user, repo and flags. */
export interface Config {
  worker: string;
  /** The first reviewer (`reviewers[0]`). */
  reviewer: string;
  /** Every reviewer, in role order (`reviewer`, `reviewer-2`, …); one for a run without a panel. */
  reviewers: string[];
  panel: PanelPolicy;
  proof: string[];
  maxIterations: number;
  plan: 'review' | 'write' | 'off';
  maxPlanRounds: number;
  maxMessages: number;
  maxMinutes: number;
  turnTimeoutMinutes: number;
  proofTimeoutSeconds: number;
  /** Budgets of a run (absent: none). */
  maxCostUsd?: number;
  maxTokens?: number;
  /** Prices per model, over the built-in table. */
  prices: Record<string, Price>;
  reviewerMayEdit: boolean;
  stall: { sameFindings: number; unchangedTurns: number; cannotReview: number; idleReminders: number };
  proofSurface: string[];
  limits: { payloadBytes: number; envelopeBytes: number; findings: number };
  terminal: { cols: number; rows: number; recordingBytes: number };
  isolation: 'auto' | 'sandbox' | 'none';
  /** Run in a fresh git worktree on branch `loop/<run-id>` (the user's checkout is never touched). */
  worktree: boolean;
  agents: Record<string, AgentConfig>;
}

export const DEFAULT_CONFIG: Config = {
  worker: 'codex',
  reviewer: 'claude',
  reviewers: ['claude'],
  panel: 'all',
  proof: [],
  maxIterations: 5,
  plan: 'review',
  maxPlanRounds: 2,
  maxMessages: 200,
  maxMinutes: 120,
  turnTimeoutMinutes: 30,
  proofTimeoutSeconds: 600,
  prices: {},
  reviewerMayEdit: false,
  stall: { sameFindings: 3, unchangedTurns: 2, cannotReview: 2, idleReminders: 2 },
  proofSurface: [...DEFAULT_PROOF_SURFACE],
  limits: { payloadBytes: 12 * 1024, envelopeBytes: 16 * 1024, findings: 50 },
  terminal: { cols: 200, rows: 50, recordingBytes: 8 * 1024 * 1024 },
  isolation: 'auto',
  worktree: false,
  agents: {},
};

/** The JSON Schema of the config file, printed by `loop config --schema`. */
export const configJsonSchema = (): Record<string, unknown> =>
  z.toJSONSchema(ConfigSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
