import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { checkDraft, type CheckResult, type Draft } from '../../src/bus/validate.js';
import { DEFAULT_LIMITS, type BusLimits } from '../../src/bus/limits.js';

const AGENT_KINDS = 'note, question, answer, plan, done, review, usage';

const check = (draft: Draft, limits: BusLimits = DEFAULT_LIMITS) => checkDraft(draft, limits);
const reasons = (result: CheckResult): string[] => {
  assert.equal(result.ok, false, 'expected a refusal');
  return result.ok ? [] : result.reasons;
};
const accepted = (result: CheckResult) => {
  assert.ok(result.ok, result.ok ? '' : `refused: ${result.reasons.join('; ')}`);
  return result.message;
};

describe('checkDraft: kinds and role rules', () => {
  test('unknown kinds are refused', () => {
    assert.deepEqual(reasons(check({ from: 'worker', kind: 'shout', payload: { text: 'x' } })), [
      `unknown kind 'shout' (agents may send: ${AGENT_KINDS})`,
    ]);
  });

  for (const kind of ['task', 'review-request', 'proof', 'abort', 'nack']) {
    test(`runner-only kind '${kind}' is refused from both roles`, () => {
      for (const from of ['worker', 'reviewer'] as const) {
        assert.deepEqual(reasons(check({ from, kind, payload: {} })), [
          `kind '${kind}' is sent only by loop itself (agents may send: ${AGENT_KINDS})`,
        ]);
      }
    });
  }

  test('only the reviewer sends review', () => {
    assert.deepEqual(reasons(check({ from: 'worker', kind: 'review', payload: { verdict: 'approve', summary: 's' } })), [
      "only the reviewer may send 'review' (you are the worker)",
    ]);
  });

  test('only the worker sends done', () => {
    assert.deepEqual(reasons(check({ from: 'reviewer', kind: 'done', payload: { summary: 's' } })), [
      "only the worker may send 'done' (you are the reviewer)",
    ]);
  });

  test('both roles may send notes and questions', () => {
    assert.equal(accepted(check({ from: 'worker', kind: 'note', payload: { text: 'a' } })).kind, 'note');
    assert.equal(accepted(check({ from: 'reviewer', kind: 'question', payload: { text: 'b' } })).kind, 'question');
  });
});

describe('checkDraft: addressee', () => {
  test('default addressee is the other role', () => {
    assert.equal(accepted(check({ from: 'worker', kind: 'note', payload: { text: 'a' } })).to, 'reviewer');
    assert.equal(accepted(check({ from: 'reviewer', kind: 'note', payload: { text: 'a' } })).to, 'worker');
  });

  test('plan goes to loop, from the worker only', () => {
    assert.equal(accepted(check({ from: 'worker', kind: 'plan', payload: { summary: 'three steps' } })).to, 'loop');
    assert.equal(accepted(check({ from: 'worker', kind: 'plan', to: 'reviewer', payload: { summary: 'x' } })).to, 'loop');
    assert.deepEqual(reasons(check({ from: 'reviewer', kind: 'plan', payload: { summary: 's' } })), ["only the worker may send 'plan' (you are the reviewer)"]);
    assert.deepEqual(reasons(check({ from: 'worker', kind: 'plan', payload: { text: 's' } })), ['payload.summary: expected string, received undefined', 'payload: unknown field(s) text']);
  });

  test('done and review go to loop', () => {
    assert.equal(accepted(check({ from: 'worker', kind: 'done', payload: { summary: 'did it' } })).to, 'loop');
    assert.equal(accepted(check({ from: 'reviewer', kind: 'review', payload: { verdict: 'approve', summary: 'ok' } })).to, 'loop');
    assert.equal(accepted(check({ from: 'worker', kind: 'done', to: 'reviewer', payload: { summary: 'x' } })).to, 'loop');
  });

  test('done addressed to yourself is refused', () => {
    assert.deepEqual(reasons(check({ from: 'worker', kind: 'done', to: 'worker', payload: { summary: 'x' } })), [
      "'done' goes to loop; --to worker is not allowed",
    ]);
  });

  test('sending to yourself is refused', () => {
    assert.deepEqual(reasons(check({ from: 'worker', kind: 'note', to: 'worker', payload: { text: 'x' } })), [
      "cannot send a 'note' to yourself (worker)",
    ]);
  });

  test('an addressee that is not a role is refused', () => {
    assert.deepEqual(reasons(check({ from: 'worker', kind: 'note', to: 'loop', payload: { text: 'x' } })), [
      "--to must be 'worker' or 'reviewer' (or a panel's reviewer-2…), got 'loop'",
    ]);
  });

  test("a panel's reviewers: each may review; notes go to the worker unless addressed; an addressee must be in the run", () => {
    const roles = ['worker', 'reviewer', 'reviewer-2'] as const;
    assert.equal(accepted(checkDraft({ from: 'reviewer-2', kind: 'review', payload: { verdict: 'approve', summary: 'ok' } }, DEFAULT_LIMITS, roles)).to, 'loop');
    assert.equal(accepted(checkDraft({ from: 'reviewer-2', kind: 'note', payload: { text: 'x' } }, DEFAULT_LIMITS, roles)).to, 'worker');
    assert.equal(accepted(checkDraft({ from: 'worker', kind: 'question', to: 'reviewer-2', payload: { text: 'x' } }, DEFAULT_LIMITS, roles)).to, 'reviewer-2');
    assert.equal(accepted(checkDraft({ from: 'reviewer', kind: 'note', to: 'reviewer-2', payload: { text: 'x' } }, DEFAULT_LIMITS, roles)).to, 'reviewer-2');
    assert.deepEqual(reasons(checkDraft({ from: 'worker', kind: 'note', to: 'reviewer-3', payload: { text: 'x' } }, DEFAULT_LIMITS, roles)), [
      '--to reviewer-3: this run has no reviewer-3 (its roles: worker, reviewer, reviewer-2)',
    ]);
    assert.deepEqual(reasons(checkDraft({ from: 'reviewer-2', kind: 'done', payload: { summary: 'x' } }, DEFAULT_LIMITS, roles)), [
      "only the worker may send 'done' (you are the reviewer-2)",
    ]);
  });

  test('answer needs replyTo; with it the replyTo is kept', () => {
    assert.deepEqual(reasons(check({ from: 'reviewer', kind: 'answer', payload: { text: 'yes' } })), [
      "an 'answer' needs --reply-to <question id>",
    ]);
    const message = accepted(check({ from: 'reviewer', kind: 'answer', replyTo: 'm-000000001abcdefgh', payload: { text: 'yes' } }));
    assert.equal(message.replyTo, 'm-000000001abcdefgh');
    assert.equal(message.to, 'worker');
  });
});

describe('checkDraft: payload schema', () => {
  test('payload must be an object', () => {
    for (const payload of [null, 'text', [1], 3]) {
      assert.deepEqual(reasons(check({ from: 'worker', kind: 'note', payload })), ['payload must be a JSON object']);
    }
  });

  test('schema errors carry payload.<path> reasons', () => {
    const result = check({
      from: 'reviewer',
      kind: 'review',
      payload: { verdict: 'ok', summary: '  ', findings: [{ severity: 'blocker', title: 't' }] },
    });
    assert.deepEqual(reasons(result), [
      'payload.verdict: Invalid option: expected one of "approve"|"changes"|"cannot-review"',
      'payload.summary: must not be empty',
      'payload.findings.0.severity: Invalid option: expected one of "critical"|"high"|"medium"|"low"',
    ]);
  });

  test('missing field and unknown field', () => {
    assert.deepEqual(reasons(check({ from: 'worker', kind: 'done', payload: {} })), [
      'payload.summary: expected string, received undefined',
    ]);
    assert.deepEqual(reasons(check({ from: 'worker', kind: 'note', payload: { text: 'x', extra: 1, more: 2 } })), [
      'payload: unknown field(s) extra, more',
    ]);
  });

  test('finding line must be positive', () => {
    const result = check({ from: 'reviewer', kind: 'review', payload: { verdict: 'changes', summary: 's', findings: [{ severity: 'low', title: 't', line: 0 }] } });
    assert.deepEqual(reasons(result), ['payload.findings.0.line: Too small: expected number to be >=1']);
  });

  test('review.findings defaults to []', () => {
    const message = accepted(check({ from: 'reviewer', kind: 'review', payload: { verdict: 'approve', summary: 'fine' } }));
    assert.deepEqual(message.payload, { verdict: 'approve', summary: 'fine', findings: [] });
  });

  test('accepted payload is normalised (text trimmed) and evidence kept', () => {
    const message = accepted(check({ from: 'worker', kind: 'done', payload: { summary: '  added tests  ', evidence: ['npm test passes'] } }));
    assert.deepEqual(message, { kind: 'done', to: 'loop', replyTo: undefined, payload: { summary: 'added tests', evidence: ['npm test passes'] } });
  });
});

describe('checkDraft: bounds', () => {
  test('a payload over the byte limit is refused as a whole, naming the limit', () => {
    const payload = { text: 'x'.repeat(2000) };
    const limits = { ...DEFAULT_LIMITS, payloadBytes: 1000 };
    assert.deepEqual(reasons(check({ from: 'worker', kind: 'note', payload }, limits)), [
      `payload is ${JSON.stringify(payload).length} bytes; the limit is 1000`,
    ]);
  });

  test('the default payload limit is 12 KiB', () => {
    const payload = { text: 'x'.repeat(13_000) };
    assert.deepEqual(reasons(check({ from: 'worker', kind: 'note', payload })), [
      `payload is ${JSON.stringify(payload).length} bytes; the limit is 12288`,
    ]);
  });

  test('payload bytes are counted in UTF-8', () => {
    const payload = { text: 'é'.repeat(600) }; // 1200 bytes of text, 600 characters
    const limits = { ...DEFAULT_LIMITS, payloadBytes: 1000 };
    assert.deepEqual(reasons(check({ from: 'worker', kind: 'note', payload }, limits)), [
      'payload is 1211 bytes; the limit is 1000',
    ]);
  });

  test('too many findings refuses the message, naming the limit', () => {
    const findings = Array.from({ length: 4 }, (_, i) => ({ severity: 'low', title: `f${i}` }));
    const limits = { ...DEFAULT_LIMITS, findings: 3 };
    assert.deepEqual(reasons(check({ from: 'reviewer', kind: 'review', payload: { verdict: 'changes', summary: 's', findings } }, limits)), [
      'payload.findings: 4 findings; the limit is 3',
    ]);
    const ok = check({ from: 'reviewer', kind: 'review', payload: { verdict: 'changes', summary: 's', findings: findings.slice(0, 3) } }, limits);
    const payload = accepted(ok).payload;
    assert.equal('findings' in payload ? payload.findings.length : 0, 3);
  });

  test('per-field string caps', () => {
    assert.deepEqual(reasons(check({ from: 'worker', kind: 'note', payload: { text: 'x'.repeat(8001) } })), [
      'payload.text: Too big: expected string to have <=8000 characters',
    ]);
  });
});
