import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { KINDS } from '../../src/bus/message.js';
import { DEFAULT_LIMITS, type BusLimits } from '../../src/bus/limits.js';
import { quickCheck } from '../../src/bus/quick-check.js';
import { checkDraft, type Draft } from '../../src/bus/validate.js';

// quickCheck must never accept what checkDraft refuses, and must accept with exactly checkDraft's output.

/** A small seeded generator, so that a failure can be replayed. */
function random(seed: number) {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  return { next, pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]! };
}

const STRINGS = ['', ' ', 'x', ' x ', '\u00a0x\ufeff', 'x'.repeat(200), 'x'.repeat(201), ' '.repeat(3) + 'x'.repeat(200), 'x'.repeat(1000), 'x'.repeat(1001),
  'x'.repeat(4000), 'x'.repeat(4001), 'x'.repeat(8000), 'x'.repeat(8001), '😀'.repeat(2000), '😀'.repeat(2001), '😀'.repeat(4001), 'x'.repeat(13000)];
const SCALARS = [0, 1, -1, 1.5, 2 ** 53, 3, true, false, null, 'approve', 'changes', 'cannot-review', 'maybe', 'high', 'low', 'critical', 'medium', 'x'];
const FIELDS = ['text', 'summary', 'evidence', 'verdict', 'findings', 'proofSurfaceReviewed', 'extra', '__proto__'];
const FINDING_FIELDS = ['severity', 'title', 'body', 'file', 'line', 'endLine', 'extra'];

function value(r: ReturnType<typeof random>, depth: number): unknown {
  const roll = r.next();
  if (roll < 0.4) return r.pick(STRINGS);
  if (roll < 0.7 || depth > 1) return r.pick(SCALARS);
  if (roll < 0.85) return Array.from({ length: r.pick([0, 1, 2, 21, 51]) }, () => (r.next() < 0.6 ? finding(r) : r.pick(STRINGS)));
  return finding(r);
}

function finding(r: ReturnType<typeof random>): Record<string, unknown> {
  const out: Record<string, unknown> = { severity: r.pick(['high', 'low', 'bogus']), title: r.pick(['t', ' t ', '', 'x'.repeat(201)]) };
  for (const field of FINDING_FIELDS) if (r.next() < 0.2) out[field] = r.next() < 0.5 ? r.pick(SCALARS) : r.pick(STRINGS);
  if (r.next() < 0.1) delete out.title;
  return out;
}

function draft(r: ReturnType<typeof random>): Draft {
  const kind = r.pick([...KINDS, 'bogus', 'note', 'note', 'done', 'review', 'review', 'plan']);
  const payload: Record<string, unknown> = {};
  // Mostly the kind's own fields with plausible values, sometimes anything.
  if (kind === 'review') Object.assign(payload, { verdict: r.pick(['approve', 'changes', 'maybe']), summary: r.pick(STRINGS) });
  else if (kind === 'done' || kind === 'plan') payload.summary = r.pick(STRINGS);
  else payload.text = r.pick(STRINGS);
  for (const field of FIELDS) if (r.next() < 0.15) payload[field] = value(r, 0);
  const reordered = r.next() < 0.3 ? Object.fromEntries(Object.entries(payload).reverse()) : payload;
  return {
    from: r.pick(['worker', 'reviewer'] as const), kind,
    to: r.pick([undefined, undefined, undefined, 'worker', 'reviewer', 'loop', '', 'x']),
    replyTo: r.pick([undefined, undefined, 'm-000000001aaaaaaaa', '']),
    payload: r.next() < 0.03 ? r.pick([null, [], 'x', 1]) : reordered,
  };
}

const SMALL: BusLimits = { payloadBytes: 300, envelopeBytes: 1000, findings: 1 };

describe('quickCheck', () => {
  test('accepts only what checkDraft accepts, with the same result, under every limit given', () => {
    const r = random(7);
    let quick = 0;
    let accepted = 0;
    for (let i = 0; i < 6000; i++) {
      const d = draft(r);
      const limits = r.pick([[DEFAULT_LIMITS], [DEFAULT_LIMITS, SMALL], [SMALL]]);
      const result = quickCheck(d, limits);
      const zod = limits.map((limit) => checkDraft(d, limit));
      if (zod.every((z) => z.ok)) accepted++;
      if (!result) continue;
      quick++;
      for (const z of zod) {
        assert.ok(z.ok, `quickCheck accepted what checkDraft refuses: ${JSON.stringify(d).slice(0, 300)} → ${JSON.stringify(z)}`);
        assert.deepEqual(result, z.message);
        assert.equal(JSON.stringify(result), JSON.stringify(z.message));
      }
    }
    assert.ok(quick > 300 && quick >= accepted * 0.9, `quick accepted ${quick} of ${accepted}`);
  });

  test('takes the everyday messages itself', () => {
    const sure = (d: Draft) => assert.ok(quickCheck(d, [DEFAULT_LIMITS]), JSON.stringify(d));
    sure({ from: 'worker', kind: 'note', payload: { text: 'hi' } });
    sure({ from: 'reviewer', kind: 'question', to: 'worker', payload: { text: 'why?' } });
    sure({ from: 'worker', kind: 'answer', replyTo: 'm-000000001aaaaaaaa', payload: { text: 'because' } });
    sure({ from: 'worker', kind: 'done', payload: { summary: 'did it', evidence: ['npm test'] } });
    sure({ from: 'worker', kind: 'plan', payload: { summary: 'three steps' } });
    sure({
      from: 'reviewer', kind: 'review',
      payload: { verdict: 'changes', summary: 's', findings: [{ severity: 'high', title: 't', file: 'a.ts', line: 1, endLine: 2, body: 'b' }] },
    });
  });

  test('is unsure of every refusal (checkDraft words it)', () => {
    assert.equal(quickCheck({ from: 'worker', kind: 'review', payload: { verdict: 'approve', summary: 's' } }, [DEFAULT_LIMITS]), undefined);
    assert.equal(quickCheck({ from: 'reviewer', kind: 'plan', payload: { summary: 's' } }, [DEFAULT_LIMITS]), undefined);
    assert.equal(quickCheck({ from: 'worker', kind: 'plan', to: 'reviewer', payload: { summary: 's' } }, [DEFAULT_LIMITS])?.to, 'loop');
    assert.equal(quickCheck({ from: 'worker', kind: 'note', to: 'worker', payload: { text: 'x' } }, [DEFAULT_LIMITS]), undefined);
    assert.equal(quickCheck({ from: 'worker', kind: 'answer', payload: { text: 'x' } }, [DEFAULT_LIMITS]), undefined);
    assert.equal(quickCheck({ from: 'worker', kind: 'task', payload: { text: 'x', iteration: 1 } }, [DEFAULT_LIMITS]), undefined);
  });
});
