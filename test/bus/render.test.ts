import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { renderBlock, renderBlocks, renderBody, renderHeader, renderLine, renderLines, replyHint } from '../../src/bus/render.js';
import { envelope, receipt } from './helpers.js';

const INBOX_HINT = 'full message: loop inbox --json';

describe('renderBlock', () => {
  test('header, body and reply hint for a question', () => {
    const e = envelope({ id: 'm-000000001qqqqqqqq', kind: 'question', from: 'worker', to: 'reviewer', iteration: 2, payload: { text: 'Which file?\nsrc/a.ts or src/b.ts' } });
    assert.equal(
      renderBlock(e),
      [
        '[loop] question m-000000001qqqqqqqq from worker to reviewer (iteration 2)',
        'Which file?',
        'src/a.ts or src/b.ts',
        `→ answer: loop msg answer --reply-to m-000000001qqqqqqqq --text "…" · ${INBOX_HINT}`,
      ].join('\n'),
    );
  });

  test('a task says how to claim done', () => {
    const e = envelope({ kind: 'task', from: 'loop', to: 'worker', payload: { text: 'Fix it', iteration: 1 } });
    const lines = renderBlock(e).split('\n');
    assert.equal(lines[0], renderHeader(e));
    assert.equal(lines[1], 'Fix it');
    assert.equal(lines[2], `→ when finished: loop msg done --text "<what you did>" · ${INBOX_HINT}`);
  });

  test('a plan task says how to send the plan; a plan says what it is', () => {
    const task = envelope({ kind: 'task', from: 'loop', to: 'worker', payload: { text: 'Write PLAN.md', iteration: 1, phase: 'plan' } });
    assert.equal(replyHint(task), 'when PLAN.md is ready: loop msg plan --text "<summary of the plan>"');
    const work = envelope({ kind: 'task', from: 'loop', to: 'worker', payload: { text: 'Carry it out', iteration: 1, phase: 'work' } });
    assert.equal(replyHint(work), 'when finished: loop msg done --text "<what you did>"');
    const plan = envelope({ kind: 'plan', from: 'worker', to: 'loop', payload: { summary: 'three steps' } });
    assert.equal(renderBody(plan), 'three steps');
  });

  test('a plan review request shows PLAN.md between markers; a change request its checklist progress', () => {
    const planRequest = envelope({ kind: 'review-request', from: 'loop', to: 'reviewer', payload: {
      subject: 'plan', summary: 'PLAN REVIEW: review it', plan: '- [ ] a\n- [ ] b', planHash: 'ab'.repeat(32), planProgress: { done: 0, total: 2 }, diffStat: '', claims: [],
    } });
    assert.equal(renderBody(planRequest), 'PLAN REVIEW: review it\n--- PLAN.md (sha256 abababababab, 2 items) ---\n- [ ] a\n- [ ] b\n--- end of PLAN.md ---');
    assert.match(replyHint(planRequest), /^answer: loop msg review --json/);
    const change = (extra: Record<string, unknown>) => renderBody(envelope({ kind: 'review-request', from: 'loop', to: 'reviewer', payload: {
      subject: 'change', summary: 'Review this', diffStat: ' a | 1 +', receipt: receipt(), claims: [], ...extra,
    } })).split('\n').slice(-3);
    assert.deepEqual(change({ planProgress: { done: 2, total: 3 }, checkedOff: ['a', 'b'] }), ['PLAN.md: 2/3 items checked; checked off since the last review:', '- [x] a', '- [x] b']);
    assert.deepEqual(change({ planProgress: { done: 2, total: 3 } }).at(-1), 'PLAN.md: 2/3 items checked; none checked off since the last review');
    assert.equal(change({}).at(-1), ' a | 1 +', 'no PLAN.md checklist: no line about it');
  });

  test('review body lists verdict and findings', () => {
    const e = envelope({
      kind: 'review', from: 'reviewer', to: 'loop',
      payload: { verdict: 'changes', summary: 'Two issues', findings: [
        { severity: 'high', title: 'Null deref', file: 'src/a.ts', line: 3, body: 'x may be null' },
        { severity: 'low', title: 'Typo' },
      ] },
    });
    assert.equal(renderBody(e), 'verdict: changes\nTwo issues\n- [high] Null deref (src/a.ts:3): x may be null\n- [low] Typo');
    assert.equal(replyHint(e), 'no reply needed');
  });

  test('proof and review-request bodies show the steps', () => {
    const r = receipt({ passed: false, steps: [
      { command: 'npm test', exitCode: 1, durationMs: 5, outputTail: 'boom' },
    ] });
    const proof = envelope({ kind: 'proof', from: 'loop', to: 'worker', payload: { passed: false, steps: r.steps, treeHash: r.treeHash } });
    assert.equal(renderBody(proof), `proof FAILED on tree ${'a'.repeat(12)}\nFAIL npm test (exit 1, 5 ms)`);
    const request = envelope({ kind: 'review-request', from: 'loop', to: 'reviewer', payload: { summary: 'Review this', diffStat: '', receipt: r, claims: ['tests pass'] } });
    assert.equal(
      renderBody(request),
      `Review this\nproof FAILED on tree ${'a'.repeat(12)}: FAIL npm test (exit 1, 5 ms)\nchanges:\n(no changes)\nworker claims:\n- tests pass`,
    );
    assert.match(replyHint(request), /^answer: loop msg review --json /);
  });

  test('a change review request shows the why-again line and the proof surface first, then the rest', () => {
    const r = receipt();
    const request = envelope({ kind: 'review-request', from: 'loop', to: 'reviewer', payload: {
      subject: 'change', notice: 'Asked again: why.',
      proofSurface: [
        { file: 'test/a.test.js', status: 'deleted', added: 0, removed: 12 },
        { file: 'src/b.js', status: 'renamed', added: 1, removed: 2, from: 'src/b.test.js' },
      ],
      proofSurfaceMore: 3, summary: 'Review this', diffStat: ' a | 1 +', receipt: r, claims: [],
    } });
    assert.deepEqual(renderBody(request).split('\n').slice(0, 7), [
      'Asked again: why.',
      '⚠ PROOF SURFACE CHANGED since the run started — these files can weaken the proof:',
      '- test/a.test.js (deleted, +0 -12)',
      '- src/b.js (renamed from src/b.test.js, +1 -2)',
      '+3 more',
      'Approving? add "proofSurfaceReviewed": true to your review to acknowledge them.',
      'Review this',
    ]);
    assert.match(renderLine(request, 400), /\(iteration 1\): Asked again: why\. \| ⚠ PROOF SURFACE CHANGED since the run started/);
  });

  test('a review that acknowledges the proof surface says so', () => {
    const e = envelope({ kind: 'review', from: 'reviewer', to: 'loop', payload: { verdict: 'approve', summary: 'ok', findings: [], proofSurfaceReviewed: true } });
    assert.equal(renderBody(e), 'verdict: approve (proof surface reviewed)\nok');
  });

  test('nack lists the errors', () => {
    const e = envelope({ kind: 'nack', from: 'loop', to: 'worker', payload: { reason: 'message m-1 refused', errors: ['payload.text: must not be empty'] } });
    assert.equal(renderBody(e), 'message m-1 refused\n- payload.text: must not be empty');
  });
});

describe('renderLine', () => {
  test('a multi-line body becomes a single line', () => {
    const e = envelope({ kind: 'note', payload: { text: 'first\n\n  second\r\nthird' } });
    assert.equal(renderLine(e), `${renderHeader(e)}: first | second | third → no reply needed`);
  });

  test('no carriage return or newline survives (either would submit early)', () => {
    const e = envelope({ kind: 'note', payload: { text: 'a\rb\nc\r\rd' } });
    const line = renderLine(e);
    assert.doesNotMatch(line, /[\r\n]/);
    assert.ok(line.includes('a | b | c | d'), line);
  });

  test('a long body is cut to the bound with an ellipsis, keeping the reply hint', () => {
    const e = envelope({ kind: 'question', payload: { text: 'x'.repeat(5000) } });
    const line = renderLine(e);
    assert.equal(line.length, 1500);
    assert.ok(line.startsWith(`${renderHeader(e)}: xxx`));
    assert.ok(line.endsWith(`x… → ${replyHint(e)}`), line.slice(-200));
    assert.equal(renderLine(e, 400).length, 400);
  });
});

describe('renderBlocks / renderLines (a queued batch as one delivery)', () => {
  const question = (text: string) => envelope({ kind: 'question', payload: { text } });

  test('renderBlocks separates blocks by a blank line', () => {
    const a = envelope({ payload: { text: 'one' } });
    const b = envelope({ payload: { text: 'two' } });
    assert.equal(renderBlocks([a, b]), `${renderBlock(a)}\n\n${renderBlock(b)}`);
  });

  test('renderLines: one line, messages in order, then where to read them in full', () => {
    const a = envelope({ payload: { text: 'one\ntwo' } });
    const b = question('why?');
    const line = renderLines([a, b]);
    assert.equal(line, `${renderLine(a, 860)} ‖ ${renderLine(b, 860)} · full messages: loop inbox --json`);
    assert.doesNotMatch(line, /[\r\n]/);
  });

  test('renderLines stays within the bound for long bodies', () => {
    const batch = [question('a'.repeat(3000)), question('b'.repeat(3000)), question('c'.repeat(3000))];
    const line = renderLines(batch);
    assert.ok(line.length <= 1800, String(line.length));
    assert.ok(line.includes('aaa…') && line.includes('bbb…') && line.includes('ccc…'));
  });

  test('renderLines stays within the bound for many messages and names the ones not shown', () => {
    const batch = Array.from({ length: 30 }, (_, i) => question(`question number ${i} ${'z'.repeat(500)}`));
    const line = renderLines(batch);
    assert.ok(line.length <= 1800, String(line.length));
    assert.doesNotMatch(line, /[\r\n]/);
    const shown = line.split(' ‖ ').filter((part) => part.startsWith('[loop] question')).length;
    assert.ok(shown >= 1, line);
    assert.ok(line.endsWith(` ‖ (+${30 - shown} more messages) · full messages: loop inbox --json`), line.slice(-120));
    assert.ok(line.startsWith(renderHeader(batch[0]!)));
  });
});
