import { z } from 'zod';
import { PayloadSchemas, roleClass, RoleSchema, type AgentKind, type Role, type RoleClass } from '../bus/message.js';

/** One bridge operation exposed as an MCP tool. Input schemas come from the bus's own zod schemas. */
export interface BridgeTool {
  name: string;
  description: string;
  /** The message kind it sends, or undefined for read-only tools. */
  kind?: AgentKind;
  /** Who is offered it: the worker, reviewers (every reviewer of a panel), or both. */
  roles: readonly RoleClass[];
  input: z.ZodObject;
}

const addressed = { to: RoleSchema.optional().describe("worker or reviewer, or a panel's reviewer-2… (default: the worker's go to the reviewer, a reviewer's to the worker)") };

export const BRIDGE_TOOLS: readonly BridgeTool[] = [
  { name: 'send_note', kind: 'note', roles: ['worker', 'reviewer'], description: 'Send a note to the other agent (FYI; no answer expected).', input: PayloadSchemas.note.extend(addressed) },
  { name: 'send_question', kind: 'question', roles: ['worker', 'reviewer'], description: 'Ask the other agent a question; it answers with send_answer.', input: PayloadSchemas.question.extend(addressed) },
  {
    name: 'send_answer', kind: 'answer', roles: ['worker', 'reviewer'], description: 'Answer a question from the other agent.',
    input: PayloadSchemas.answer.extend({ ...addressed, replyTo: z.string().describe('id of the question being answered') }),
  },
  {
    name: 'send_plan', kind: 'plan', roles: ['worker'],
    description: 'Plan phase: PLAN.md (a checklist of the steps, with the proof) is written at the repository root. loop checks it, then the reviewer reviews it before any code is written.',
    input: PayloadSchemas.plan,
  },
  {
    name: 'send_done', kind: 'done', roles: ['worker'],
    description: 'Claim the task is done. loop then runs the proof commands itself and asks the reviewer for a review.',
    input: PayloadSchemas.done,
  },
  {
    name: 'send_review', kind: 'review', roles: ['reviewer'],
    description: 'Give your review verdict (approve | changes | cannot-review) with findings (severity, title, file, line). Approving a change whose review request lists PROOF SURFACE files needs proofSurfaceReviewed: true.',
    input: PayloadSchemas.review,
  },
  { name: 'inbox', roles: ['worker', 'reviewer'], description: 'Messages addressed to you that you have not read yet (all: every one).', input: z.strictObject({ all: z.boolean().optional() }) },
  { name: 'status', roles: ['worker', 'reviewer'], description: 'The run: phase, iteration, your role, the last proof and verdict, and PLAN.md\'s checklist progress.', input: z.strictObject({}) },
];

/** The tools an agent in `role` is offered. */
export const toolsFor = (role: Role) => BRIDGE_TOOLS.filter((tool) => tool.roles.includes(roleClass(role)));
