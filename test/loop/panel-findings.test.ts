import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding } from '../../src/bus/message.js';
import { mergeFindings, sameFinding } from '../../src/loop/panel-findings.js';

const f = (title: string, extra: Partial<Finding> = {}): Finding => ({ severity: 'medium', title, ...extra });

describe('sameFinding: the same file within a few lines, or the same title', () => {
  test('the same file, lines 3 apart or overlapping ranges: the same; 4 apart, or another file: not', () => {
    assert.equal(sameFinding(f('x', { file: 'a.js', line: 10 }), f('y', { file: './a.js', line: 13 })), true);
    assert.equal(sameFinding(f('x', { file: 'a.js', line: 10 }), f('y', { file: 'a.js', line: 14 })), false);
    assert.equal(sameFinding(f('x', { file: 'a.js', line: 10, endLine: 20 }), f('y', { file: 'a.js', line: 22 })), true);
    assert.equal(sameFinding(f('x', { file: 'a.js', line: 10 }), f('y', { file: 'b.js', line: 10 })), false);
  });

  test('a file without lines matches only by title; titles match whatever their case and punctuation', () => {
    assert.equal(sameFinding(f('x', { file: 'a.js' }), f('y', { file: 'a.js' })), false);
    assert.equal(sameFinding(f('Missing test for --verbose!', { file: 'a.js' }), f('missing test for verbose', { file: 'b.js', line: 1 })), true);
    assert.equal(sameFinding(f('…'), f('!!')), false);
  });
});

describe('mergeFindings', () => {
  test('a finding raised by two reviewers is kept once, at the higher severity, agreed by both, and listed first', () => {
    const merged = mergeFindings([
      { role: 'reviewer', findings: [f('style nit', { severity: 'low' }), f('off by one', { severity: 'medium', file: 'src/a.js', line: 12 })] },
      { role: 'reviewer-2', findings: [f('loop bound is wrong', { severity: 'high', file: 'src/a.js', line: 14 }), f('no docs', { severity: 'high' })] },
    ]);
    assert.deepEqual(merged, [
      { severity: 'high', title: 'off by one', file: 'src/a.js', line: 12, raisedBy: ['reviewer', 'reviewer-2'], agreedBy: ['reviewer', 'reviewer-2'] },
      { severity: 'high', title: 'no docs', raisedBy: ['reviewer-2'] },
      { severity: 'low', title: 'style nit', raisedBy: ['reviewer'] },
    ]);
  });

  test("one reviewer's own findings are never merged; a third reviewer joins the group it matches", () => {
    const merged = mergeFindings([
      { role: 'reviewer', findings: [f('a', { file: 'x.js', line: 1 }), f('b', { file: 'x.js', line: 2 })] },
      { role: 'reviewer-2', findings: [f('c', { file: 'x.js', line: 2 })] },
      { role: 'reviewer-3', findings: [f('B')] },
    ]);
    assert.deepEqual(merged.map((m) => [m.title, m.agreedBy ?? []]), [
      ['a', ['reviewer', 'reviewer-2']],
      ['b', ['reviewer', 'reviewer-3']],
    ]);
  });

  test('no findings, nothing merged', () => {
    assert.deepEqual(mergeFindings([{ role: 'reviewer', findings: [] }, { role: 'reviewer-2', findings: [] }]), []);
  });
});
