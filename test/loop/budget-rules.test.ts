import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { advance } from '../../src/loop/machine.js';
import { effectsOf } from '../../src/loop/effects.js';
import { initialState, type LoopState } from '../../src/loop/state.js';
import { costOf, priceOf } from '../../src/usage/prices.js';

const working = (budget?: LoopState['budget']): LoopState => ({
  ...initialState({ task: 't', proof: [], maxIterations: 3, maxMessages: 50, ...(budget ? { budget } : {}) }), phase: 'working', iteration: 1,
});
const usage = (role: 'worker' | 'reviewer', tokens: number, costUsd: number | 'unknown') => ({ type: 'usage' as const, role, tokens, costUsd });

describe('budgets (maxCostUsd, maxTokens)', () => {
  test('usage adds up; without budgets nothing else happens', () => {
    const a = advance(working(), usage('worker', 100, 0.5));
    const b = advance(a.state, usage('reviewer', 10, 'unknown'));
    assert.deepEqual(b.state.spent, { tokens: 110, costUsd: 0.5, costUnknown: true });
    assert.deepEqual(b.effects, []);
  });

  test('past 80% of the cost budget: one warning, journaled and shown; over it: exit 4 after that turn, naming the budget and the figures', () => {
    const a = advance(working({ maxCostUsd: 1 }), usage('worker', 100, 0.85));
    const [warning] = effectsOf(a, 'record');
    assert.equal(warning?.event, 'budget.warning');
    assert.equal(warning?.notice, '85% of the cost budget: $0.85 spent of $1.00 (maxCostUsd)');
    const b = advance(a.state, usage('reviewer', 10, 0.1));
    assert.deepEqual(b.effects, [], 'warned once');
    const c = advance(b.state, usage('worker', 10, 0.1));
    assert.equal(c.state.finished?.exitCode, 4);
    assert.equal(c.state.finished?.reason, "cost budget exhausted after the worker's turn: $1.05 spent of $1.00 (maxCostUsd); raise it and go on: loop resume <id> --max-cost N");
  });

  test('the token budget; a cost that is unknown does not count against maxCostUsd, and says so when it stops', () => {
    const a = advance(working({ maxTokens: 1000, maxCostUsd: 1 }), usage('worker', 500, 'unknown'));
    assert.equal(a.state.finished, undefined);
    const b = advance(a.state, usage('reviewer', 501, 2));
    assert.equal(b.state.finished?.reason, "cost budget exhausted after the reviewer's turn: $2.00 (and usage of unknown cost) spent of $1.00 (maxCostUsd); raise it and go on: loop resume <id> --max-cost N");
    const c = advance(working({ maxTokens: 1000 }), usage('reviewer', 1001, 'unknown'));
    assert.equal(c.state.finished?.reason, "token budget exhausted after the reviewer's turn: 1001 tokens used of 1000 (maxTokens); raise it and go on: loop resume <id> --max-tokens N");
  });

  test('a usage report from a command agent is accounted, not forwarded nor counted against maxMessages', () => {
    const state = { ...working(), maxMessages: 1 };
    const envelope = { id: 'm-000000001abcdefgh', runId: 'r', seq: 5, from: 'worker' as const, to: 'loop' as const, kind: 'usage' as const, iteration: 1, at: 'x', payload: { inputTokens: 1, outputTokens: 2 } };
    const s = advance(state, { type: 'message', envelope });
    assert.deepEqual(s.effects, [{ type: 'take-usage', envelope }]);
    assert.equal(s.state.agentMessages, 0);
    assert.equal(s.state.lastInputSeq, 5);
  });
});

describe('prices', () => {
  test('config prices over the built-in table; a [1m] suffix is the same model; a model with no price is unknown', () => {
    assert.deepEqual(priceOf('claude-opus-4-8[1m]', {}), { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 });
    assert.deepEqual(priceOf('claude-opus-4-8', { 'claude-opus-4-8': { input: 1, output: 2 } }), { input: 1, output: 2 });
    assert.equal(priceOf('gpt-fake', {}), undefined);
    assert.equal(priceOf(undefined, {}), undefined);
  });

  test('cost per million tokens; cache prices default to the input price', () => {
    const figures = { inputTokens: 1_000_000, outputTokens: 2_000_000, cacheReadTokens: 1_000_000, cacheWriteTokens: 1_000_000 };
    assert.equal(costOf(figures, { input: 1, output: 2, cacheRead: 0.1, cacheWrite: 1.25 }), 1 + 4 + 0.1 + 1.25);
    assert.equal(costOf(figures, { input: 1, output: 2 }), 1 + 4 + 1 + 1);
  });
});
