import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { LOOP_BIN, useWorlds, type World } from './helpers.js';

const world = useWorlds();

const done = (text = 'did the work') => ({ msg: ['done', '--text', text] });
const review = (verdict: string) => ({ msg: ['review', '--json', JSON.stringify({ verdict, summary: `verdict ${verdict}`, findings: verdict === 'changes' ? [{ severity: 'high', title: 'add a line', file: 'work.txt' }] : [] })] });
/** Agents report a turn's usage before their claim or verdict (after it, the run may already have moved on). */
const usage = (payload: Record<string, unknown>) => ({ msg: ['usage', '--json', JSON.stringify(payload)] });
/** $1000 / $2000 per million tokens: 100 input and 50 output tokens cost $0.20. */
const PRICES = { prices: { 'fake-model': { input: 1000, output: 2000 } } };
const WORKER_TURN = usage({ model: 'fake-model', inputTokens: 100, outputTokens: 50 });
const REVIEWER_TURN = usage({ model: 'fake-model', inputTokens: 50, outputTokens: 0 });

async function show(w: World, id: string): Promise<Record<string, any>> {
  const result = await execa(process.execPath, [LOOP_BIN, 'show', '--json', id], { cwd: w.repo, env: w.env() });
  return JSON.parse(result.stdout);
}

describe('usage and budgets with command agents (loop msg usage)', () => {
  test('reported usage is totalled per role and iteration; a model with no price has exact tokens and cost unknown; a malformed report is refused with reasons', async () => {
    const w = await world();
    const malformed = { msg: ['usage', '--json', JSON.stringify({ inputTokens: -5, outputTokens: 'many', extra: 1 })] };
    w.configure(
      { on: { task: [[malformed, { write: ['work.txt', 'v1\n'] }, WORKER_TURN, done()], [{ append: ['work.txt', 'v2\n'] }, WORKER_TURN, done()]] } },
      { on: { 'review-request': [[usage({ model: 'mystery-model', inputTokens: 7, outputTokens: 3, cacheReadTokens: 11, cacheWriteTokens: 13 }), review('changes')], [usage({ model: 'mystery-model', inputTokens: 7, outputTokens: 3 }), review('approve')]] } },
      { plan: 'off', ...PRICES },
    );
    const summary = join(w.base, 'step-summary.md');
    const result = await w.loop(['run', '--ci', 'write work.txt'], { env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary, RUNNER_TEMP: w.base } });
    assert.equal(result.exitCode, 0, result.all);
    const run = w.onlyRun();
    // The CI step summary has the totals per role and in all.
    const markdown = readFileSync(summary, 'utf8');
    assert.match(markdown, /^### Usage$/m);
    assert.match(markdown, /^\| worker \| 200 \| 100 \| 0 \| 0 \| 300 \| \$0\.40 \|$/m);
    assert.match(markdown, /^\| \*\*total\*\* \| 214 \| 106 \| 11 \| 13 \| 344 \| \$0\.40 \+ unknown \|$/m);
    // The malformed report: refused as a whole, with the reasons, to the sender (exit 2) and in the journal.
    const refusedLine = w.agentLog().find((l) => l.startsWith('worker msg usage exit=2'));
    assert.ok(refusedLine, w.agentLog().join('\n'));
    const refused = run.events.find((e) => e.type === 'message.refused' && e.kind === 'usage');
    assert.ok(refused, 'the refusal is journaled');
    assert.ok(refused.reasons.some((r: string) => /inputTokens/.test(r)) && refused.reasons.some((r: string) => /outputTokens/.test(r)), refused.reasons.join('; '));
    // Reported usage, journaled with the message it came from.
    const lines = run.events.filter((e) => e.type === 'usage');
    assert.equal(lines.length, 4);
    assert.match(lines[0].source, /^message m-[0-9a-z]+ \(loop msg usage\)$/);
    const u = (await show(w, run.manifest.id)).usage;
    assert.deepEqual(
      { input: u.byRole.worker.inputTokens, output: u.byRole.worker.outputTokens, tokens: u.byRole.worker.tokens, cost: u.byRole.worker.costUsd, unknown: u.byRole.worker.costUnknown },
      { input: 200, output: 100, tokens: 300, cost: 0.4, unknown: false },
    );
    // mystery-model has no price: exact tokens, cost unknown.
    assert.deepEqual(
      { input: u.byRole.reviewer.inputTokens, output: u.byRole.reviewer.outputTokens, read: u.byRole.reviewer.cacheReadTokens, write: u.byRole.reviewer.cacheWriteTokens, cost: u.byRole.reviewer.costUsd, unknown: u.byRole.reviewer.costUnknown },
      { input: 14, output: 6, read: 11, write: 13, cost: 0, unknown: true },
    );
    assert.deepEqual(u.byIteration.map((i: any) => [i.iteration, i.byRole.worker.tokens, i.byRole.reviewer.tokens]), [[1, 150, 34], [2, 150, 10]]);
    const text = await execa(process.execPath, [LOOP_BIN, 'show', run.manifest.id], { cwd: w.repo, env: w.env() });
    assert.match(text.stdout, /^  all\s+reviewer\s+14\s+6\s+11\s+13\s+44\s+unknown$/m);
    assert.match(text.stdout, /^  all\s+all\s+214\s+106\s+11\s+13\s+344\s+\$0\.40 \+ unknown$/m);
    const ls = await execa(process.execPath, [LOOP_BIN, 'ls'], { cwd: w.repo, env: w.env() });
    assert.match(ls.stdout, /COST/);
    assert.match(ls.stdout, /\$0\.40 \+ unknown/);
  });

  test('--max-cost below what the second iteration costs: exit 4 after that turn with the figures; resume refused without a higher budget, then completes with --max-cost', async () => {
    const w = await world();
    w.configure(
      { on: { task: [[{ write: ['work.txt', 'v1\n'] }, WORKER_TURN, done()], [{ append: ['work.txt', 'v2\n'] }, WORKER_TURN, done()]] } },
      { on: { 'review-request': [[REVIEWER_TURN, review('changes')], [REVIEWER_TURN, review('approve')]] } },
      { plan: 'off', maxIterations: 5, ...PRICES },
    );
    const first = await w.loop(['run', '--ci', '--max-cost', '0.3', 'write work.txt']);
    assert.equal(first.exitCode, 4, first.all);
    const stopped = w.onlyRun();
    assert.deepEqual(stopped.manifest.budget, { maxCostUsd: 0.3 });
    assert.match(stopped.manifest.result.reason, /^cost budget exhausted after the worker's turn: \$0\.45 spent of \$0\.30 \(maxCostUsd\); raise it and go on: loop resume <id> --max-cost N$/);
    // After that turn: the worker's iteration-2 usage is the last usage line, and its work was never reviewed.
    const usageLines = stopped.events.filter((e) => e.type === 'usage');
    assert.deepEqual(usageLines.map((e) => `${e.role}@${e.iteration}`), ['worker@1', 'reviewer@1', 'worker@2']);
    // 80% of the budget ($0.24) was passed after the first review ($0.25): warned once, journaled and shown.
    const warnings = stopped.events.filter((e) => e.type === 'budget.warning');
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0].budget, 'maxCostUsd');
    assert.match(first.all, /warning: 83% of the cost budget: \$0\.25 spent of \$0\.30 \(maxCostUsd\)/);

    const refused = await w.loop(['resume', '--ci', stopped.manifest.id]);
    assert.equal(refused.exitCode, 2, refused.all);
    assert.match(refused.all, /stopped at its cost budget/);
    assert.match(refused.all, /--max-cost 0\.6/);

    const resumed = await w.loop(['resume', '--ci', stopped.manifest.id, '--max-cost', '5']);
    assert.equal(resumed.exitCode, 0, resumed.all);
    const run = w.onlyRun();
    assert.equal(run.manifest.status, 'completed');
    assert.deepEqual(run.manifest.budget, { maxCostUsd: 5 });
    const changed = run.events.find((e) => e.type === 'budget.changed');
    assert.ok(changed, 'the raise is journaled');
    assert.deepEqual({ from: changed.from, to: changed.to }, { from: { maxCostUsd: 0.3 }, to: { maxCostUsd: 5 } });
    assert.equal(changed.spent.costUsd, 0.45);
    const u = (await show(w, run.manifest.id)).usage;
    assert.ok(u.total.costUsd > 0.45, 'the spend goes on from where it stopped');
  });
});
