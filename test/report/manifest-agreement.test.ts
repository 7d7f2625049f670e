import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { GENESIS, hashLine, verifyChain } from '../../src/run/chain.js';
import { parseJournal } from '../../src/run/journal.js';
import type { Manifest } from '../../src/run/manifest.js';
import { manifestAgreement } from '../../src/report/manifest-agreement.js';
import { manifest } from '../run/helpers.js';

/** A chained journal of these events (seq from 1), as text. */
function journal(events: Record<string, unknown>[]): string {
  let prev = GENESIS;
  return events.map((fields, i) => {
    const line = JSON.stringify({ seq: i + 1, at: 'x', ...fields, prev });
    prev = hashLine(line);
    return `${line}\n`;
  }).join('');
}
const agree = (m: Manifest, text: string) => manifestAgreement(m, verifyChain(text), parseJournal(text).events);
const headOf = (text: string) => verifyChain(text).head!;

const FINISHED = journal([{ type: 'run.started' }, { type: 'transition' }, { type: 'run.finished', exitCode: 1, reason: 'r', status: 'failed' }]);
const RUNNING = journal([{ type: 'run.started' }, { type: 'transition' }]);

describe('manifestAgreement', () => {
  test('a finished manifest with the last line as its head and the journal\'s status and exit code agrees', () => {
    const result = agree(manifest({ status: 'failed', result: { exitCode: 1, reason: 'r' }, journalHead: headOf(FINISHED) }), FINISHED);
    assert.deepEqual(result, { ok: true, detail: 'agrees with the journal (head seq 3; failed, exit 1)' });
  });

  test('a running manifest whose head is behind the journal agrees', () => {
    const head = verifyChain(RUNNING).links[0]!;
    assert.deepEqual(agree(manifest({ journalHead: { seq: 1, hash: head.hash } }), RUNNING), { ok: true, detail: 'agrees with the journal (head seq 1; running)' });
  });

  test('a manifest claiming completed: no run.finished, or a different one', () => {
    const claim = { status: 'completed' as const, result: { exitCode: 0, reason: 'forged' } };
    assert.deepEqual(agree(manifest({ ...claim, journalHead: headOf(RUNNING) }), RUNNING), {
      ok: false, detail: 'the manifest says completed, exit 0, but the journal records no run.finished',
    });
    assert.deepEqual(agree(manifest({ ...claim, journalHead: headOf(FINISHED) }), FINISHED), {
      ok: false, detail: "the manifest says completed, exit 0, but the journal's run.finished says failed, exit 1",
    });
  });

  test('a run.finished before the run was resumed does not count', () => {
    const text = journal([{ type: 'run.started' }, { type: 'run.finished', exitCode: 130, reason: 'r', status: 'stopped' }, { type: 'run.resumed' }]);
    assert.equal(agree(manifest({ status: 'stopped', result: { exitCode: 130, reason: 'r' }, journalHead: headOf(text) }), text).detail,
      'the manifest says stopped, exit 130, but the journal records no run.finished');
  });

  test('a manifest still saying running after run.finished is stale, not a forgery', () => {
    assert.deepEqual(agree(manifest({ journalHead: headOf(FINISHED) }), FINISHED), {
      ok: false, stale: true, detail: 'the manifest says running, but the journal records run.finished (failed, exit 1)',
    });
  });

  test('journalHead must match the line at its seq, exist, and be the last line once the run finished', () => {
    const finished = { status: 'failed' as const, result: { exitCode: 1, reason: 'r' } };
    const wrong = { seq: 3, hash: 'f'.repeat(64) };
    assert.deepEqual(agree(manifest({ ...finished, journalHead: wrong }), FINISHED), {
      ok: false, detail: `journalHead (seq 3, ffffffffffff) does not match line 3 of events.jsonl (${headOf(FINISHED).hash.slice(0, 12)})`,
    });
    assert.equal(agree(manifest({ ...finished, journalHead: { seq: 9, hash: 'f'.repeat(64) } }), FINISHED).detail,
      'journalHead names seq 9, which the journal does not have intact');
    const second = verifyChain(FINISHED).links[1]!;
    assert.equal(agree(manifest({ ...finished, journalHead: { seq: 2, hash: second.hash } }), FINISHED).detail,
      'journalHead is seq 2, but the journal goes on to seq 3 after the run finished');
    assert.equal(agree(manifest(finished), FINISHED).detail, 'the manifest records no journalHead, but the journal is chained');
  });

  test('an unchained journal (an older run) needs no journalHead', () => {
    const text = '{"seq":1,"at":"x","type":"run.started"}\n{"seq":2,"at":"x","type":"run.finished","exitCode":1,"reason":"r","status":"failed"}\n';
    assert.deepEqual(agree(manifest({ status: 'failed', result: { exitCode: 1, reason: 'r' } }), text), { ok: true, detail: 'agrees with the journal (failed, exit 1)' });
  });
});
