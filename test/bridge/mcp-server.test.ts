import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { LOOP_BIN } from '../integration/helpers.js';

const runDir = mkdtempSync(join(tmpdir(), 'loop-mcp-'));
const clients: Client[] = [];
after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  rmSync(runDir, { recursive: true, force: true });
});

async function connect(role: 'worker' | 'reviewer'): Promise<Client> {
  const client = new Client({ name: 'test', version: '1.0.0' });
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [LOOP_BIN, 'mcp'],
    env: { PATH: process.env.PATH ?? '', LOOP_RUN_DIR: runDir, LOOP_ROLE: role, LOOP_RUN_ID: 'r1' },
  });
  await client.connect(transport);
  clients.push(client);
  return client;
}

/** What the two agents dropped into their own drop-boxes. */
const spooled = () => ['worker', 'reviewer'].flatMap((role) => {
  const box = join(runDir, 'agents', role, 'spool');
  return existsSync(box) ? readdirSync(box).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(join(box, f), 'utf8'))) : [];
});
const textOf = (result: any) => result.content.map((c: { text: string }) => c.text).join('');

describe('loop mcp', () => {
  let worker: Client;
  let reviewer: Client;
  before(async () => {
    worker = await connect('worker');
    reviewer = await connect('reviewer');
  });

  test('offers each role its tools, with input schemas from the message schemas', async () => {
    const names = (await worker.listTools()).tools.map((t) => t.name).sort();
    assert.deepEqual(names, ['inbox', 'send_answer', 'send_done', 'send_note', 'send_plan', 'send_question', 'status']);
    const reviewerTools = (await reviewer.listTools()).tools;
    assert.deepEqual(reviewerTools.map((t) => t.name).sort(), ['inbox', 'send_answer', 'send_note', 'send_question', 'send_review', 'status']);
    const review = reviewerTools.find((t) => t.name === 'send_review')!;
    const props = review.inputSchema.properties as Record<string, any>;
    assert.deepEqual(props.verdict.enum, ['approve', 'changes', 'cannot-review']);
    assert.deepEqual(props.findings.items.properties.severity.enum, ['critical', 'high', 'medium', 'low']);
    assert.deepEqual(review.inputSchema.required, ['verdict', 'summary']);
    assert.equal(props.proofSurfaceReviewed.type, 'boolean');
    assert.match(props.proofSurfaceReviewed.description, /^true when you approve a change whose review request lists PROOF SURFACE files/);
  });

  test('send_done spools a submission from the worker and returns its id', async () => {
    const result = await worker.callTool({ name: 'send_done', arguments: { summary: 'all done', evidence: ['npm test passes'] } });
    assert.equal(result.isError, undefined);
    const id = /sent done (m-[a-z0-9]+)/.exec(textOf(result))?.[1];
    assert.ok(id, textOf(result));
    const record = spooled().find((r) => r.submission?.id === id);
    assert.equal(record.submission.from, 'worker');
    assert.equal(record.submission.via, 'mcp');
    assert.deepEqual(record.submission.payload, { summary: 'all done', evidence: ['npm test passes'] });
  });

  test('a refused message comes back as a tool error with the reasons', async () => {
    const long = 'x'.repeat(5000);
    const result = await reviewer.callTool({ name: 'send_review', arguments: { verdict: 'approve', summary: long } });
    assert.equal(result.isError, true);
    assert.match(textOf(result), /message refused:\n- payload\.summary: Too big: expected string to have <=4000 characters/);
    const invalid = await reviewer.callTool({ name: 'send_review', arguments: { verdict: 'maybe', summary: 'x' } });
    assert.equal(invalid.isError, true);
    assert.match(textOf(invalid), /payload\.verdict: Invalid option: expected one of "approve"\|"changes"\|"cannot-review"/);
    const refusals = spooled().filter((r) => r.type === "refusal");
    assert.equal(refusals.length, 2);
    assert.equal(refusals[0].refusal.via, "mcp");
  });
});
