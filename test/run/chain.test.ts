import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { describeChain, GENESIS, hashLine, readChain, verifyChain } from '../../src/run/chain.js';
import { freshDirs } from '../helpers/shared.js';

const newDir = freshDirs('loop-chain-test');

/** Chained journal lines for the given types, as the Journal writes them. */
function chained(types: string[], startPrev = GENESIS, startSeq = 1): string[] {
  const lines: string[] = [];
  let prev = startPrev;
  types.forEach((type, i) => {
    const line = JSON.stringify({ seq: startSeq + i, at: 'x', type, prev });
    lines.push(line);
    prev = hashLine(line);
  });
  return lines;
}
const text = (lines: string[]) => `${lines.join('\n')}\n`;

describe('chain', () => {
  test('hashLine is the sha256 hex of the exact bytes; GENESIS is 64 zeros', () => {
    assert.equal(hashLine('{"a":"é"}'), createHash('sha256').update(Buffer.from('{"a":"é"}', 'utf8')).digest('hex'));
    assert.equal(GENESIS, '0000000000000000000000000000000000000000000000000000000000000000');
  });

  test('an intact chain: every line, the head, line numbers from 1', () => {
    const lines = chained(['run.started', 'message', 'run.finished']);
    const report = verifyChain(text(lines));
    assert.equal(report.ok, true);
    assert.equal(report.chained, true);
    assert.equal(report.events, 3);
    assert.deepEqual(report.head, { seq: 3, hash: hashLine(lines[2]!) });
    assert.deepEqual(report.links.map((l) => [l.line, l.seq]), [[1, 1], [2, 2], [3, 3]]);
    assert.equal(describeChain(report), 'intact (3 events)');
  });

  test('an empty journal is intact, unchained, with no head', () => {
    const report = verifyChain('');
    assert.deepEqual({ ok: report.ok, chained: report.chained, events: report.events, head: report.head }, { ok: true, chained: false, events: 0, head: undefined });
  });

  test('a journal with no prev anywhere is unchained, not broken', () => {
    const report = verifyChain('{"seq":1,"at":"x","type":"a"}\n{"seq":2,"at":"x","type":"b"}\n');
    assert.equal(report.ok, true);
    assert.equal(report.chained, false);
    assert.equal(describeChain(report), 'unchained (written before hash chains; 2 events)');
  });

  test('an unchained start continued by a chained run (an old run resumed) is intact', () => {
    const old = '{"seq":1,"at":"x","type":"a"}';
    const report = verifyChain(text([old, ...chained(['b', 'c'], hashLine(old), 2)]));
    assert.equal(report.ok, true);
    assert.equal(report.events, 3);
  });

  test('a character changed inside a middle line names that line', () => {
    const lines = chained(['a', 'b', 'c', 'd']);
    lines[1] = lines[1]!.replace('"type":"b"', '"type":"B"');
    const report = verifyChain(text(lines));
    assert.equal(report.ok, false);
    assert.equal(report.brokenAt, 2);
    assert.equal(report.reason, "changed after it was written (line 3's prev no longer matches it)");
    assert.equal(report.events, 1);
    assert.equal(describeChain(report), "broken at line 2: changed after it was written (line 3's prev no longer matches it)");
  });

  test('a forged last line with a wrong prev is the break', () => {
    const lines = chained(['a', 'b']);
    lines.push(JSON.stringify({ seq: 3, at: 'x', type: 'message', prev: GENESIS }));
    const report = verifyChain(text(lines));
    assert.equal(report.brokenAt, 3);
    assert.equal(report.reason, 'prev does not match line 2');
    assert.deepEqual(report.head, { seq: 2, hash: hashLine(lines[1]!) });
  });

  test('a line inserted with a right prev of its own breaks the chain at the line after it', () => {
    const lines = chained(['a', 'b', 'c']);
    const forged = JSON.stringify({ seq: 3, at: 'x', type: 'forged', prev: hashLine(lines[1]!) });
    const report = verifyChain(text([lines[0]!, lines[1]!, forged, lines[2]!.replace('"seq":3', '"seq":4')]));
    assert.equal(report.brokenAt, 4);
    assert.equal(report.reason, 'prev does not match line 3');
  });

  test('a missing prev after chained lines, a bad first prev, a seq gap, non-JSON and non-events are breaks', () => {
    const lines = chained(['a', 'b']);
    assert.deepEqual(pick(verifyChain(text([...lines, '{"seq":3,"at":"x","type":"c"}']))), [3, 'prev is missing']);
    assert.deepEqual(pick(verifyChain(text([JSON.stringify({ seq: 1, at: 'x', type: 'a', prev: 'f'.repeat(64) })]))), [1, 'prev of line 1 is not 64 zeros']);
    const gap = JSON.stringify({ seq: 5, at: 'x', type: 'c', prev: hashLine(lines[1]!) });
    assert.deepEqual(pick(verifyChain(text([...lines, gap]))), [3, 'seq 5 does not follow seq 2']);
    assert.deepEqual(pick(verifyChain(text([lines[0]!, 'not json', lines[1]!]))), [2, 'not valid JSON']);
    assert.deepEqual(pick(verifyChain(text([lines[0]!, '[1,2]', lines[1]!]))), [2, 'not a journal event']);
    assert.deepEqual(pick(verifyChain(text([lines[0]!, '', lines[1]!]))), [2, 'not valid JSON']);
  });

  test('a torn last line is skipped, not a break; a whole last line without its newline counts', () => {
    const lines = chained(['a', 'b', 'c']);
    const torn = verifyChain(`${lines.join('\n')}\n{"seq":4,"at":"20`);
    assert.deepEqual([torn.ok, torn.torn, torn.events], [true, true, 3]);
    const unterminated = verifyChain(lines.join('\n'));
    assert.deepEqual([unterminated.ok, unterminated.torn, unterminated.events], [true, false, 3]);
  });

  test('readChain reads a file; a missing file is an empty journal', () => {
    const dir = newDir();
    const path = join(dir, 'events.jsonl');
    assert.equal(readChain(path).events, 0);
    writeFileSync(path, text(chained(['a', 'b'])));
    assert.equal(readChain(path).events, 2);
  });
});

const pick = (report: ReturnType<typeof verifyChain>) => [report.brokenAt, report.reason];
