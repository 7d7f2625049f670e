import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { changeRequests, envelopes, useWorlds, workTasks } from './helpers.js';

const world = useWorlds();

const done = (text = 'did the work') => ({ msg: ['done', '--text', text] });
const review = (verdict: string, extra: Record<string, unknown> = {}) => ({ msg: ['review', '--json', JSON.stringify({ verdict, summary: `verdict ${verdict}`, ...extra })] });
const writeWork = (content = 'work\n') => ({ write: ['work.txt', content] });
const ASK_AGAIN = 'Asked again: you approved without "proofSurfaceReviewed": true, but this change touches the proof surface (listed below). Check those files, then approve with "proofSurfaceReviewed": true, or request changes.';

describe('loop run: the reviewer never edits the tree', () => {
  test('an edit made during the review voids that approval: the edit is saved as a patch, undone, and handed to the worker', async () => {
    const w = await world();
    w.configure(
      { on: { task: [[writeWork(), done()]] } },
      { on: { 'review-request': [[{ write: ['work.txt', 'reviewer edit\n'] }, review('approve')], [review('approve')]] } },
    );
    const result = await w.loop(['run', '--ci', 'write work.txt']);
    assert.equal(result.exitCode, 0, result.all);
    const run = w.onlyRun();
    assert.equal(run.manifest.iteration, 2);
    assert.equal(readFileSync(join(w.repo, 'work.txt'), 'utf8'), 'work\n', 'the reviewed tree is back');

    const patch = join(run.dir, 'reviewer-edits', 'iteration-1.patch');
    assert.equal(statSync(patch).mode & 0o777, 0o600);
    assert.match(readFileSync(patch, 'utf8'), /^-work\n\+reviewer edit$/m);

    // The change reviews (the plan review comes first).
    const requests = changeRequests(run.events);
    const requested = run.events.filter((e) => e.type === 'review.requested' && requests.some((r) => r.id === e.id));
    assert.equal(requested.length, 2);
    const reviews = envelopes(run.events).filter((e) => e.kind === 'review' && e.seq > requests[0].seq);
    const changed = run.events.filter((e) => e.type === 'review.tree-changed');
    assert.equal(changed.length, 1);
    const { seq: _seq, at: _at, prev: _prev, ...event } = changed[0]!;
    assert.deepEqual(event, {
      type: 'review.tree-changed', requestedTree: requested[0]!.treeHash, reviewTree: reviews[0].treeHash, files: ['work.txt'], patch, restored: true,
    });
    assert.notEqual(requested[0]!.treeHash, reviews[0].treeHash);
    assert.equal(reviews[1].treeHash, requested[0]!.treeHash, 'the second approval is on the reviewed tree');
    assert.match(result.all, new RegExp(`warning: the tree changed during the review \\(1 file\\(s\\)\\); loop restored the reviewed tree and saved the change as ${patch}`));

    const task = workTasks(run.events)[1];
    const text = task.payload.text as string;
    assert.match(text, /^Iteration 2 of 3: the previous attempt was not accepted \(the tree changed during the review \(reviewerMayEdit: false\)\)\./);
    assert.ok(text.includes(`- [medium] the tree changed during the review (files: work.txt): loop restored the reviewed tree and saved the change as ${patch}; apply it if you agree: git apply ${patch}`), text);
    assert.ok(run.events.some((e) => e.type === 'message.delivered' && e.id === task.id && e.to === 'worker'));
    assert.ok(w.agentLog().some((l) => l.startsWith(`worker received task ${task.id} `)), w.agentLog().join('\n'));
  });

  test('at the iteration cap the reason says the tree changed during the review; a file the reviewer added is removed', async () => {
    const w = await world();
    w.configure({ on: { task: [[writeWork(), done()]] } }, { on: { 'review-request': [[{ write: ['notes.txt', 'mine\n'] }, review('approve')]] } }, { maxIterations: 1 });
    const result = await w.loop(['run', '--ci', 'write work.txt']);
    assert.equal(result.exitCode, 1, result.all);
    const run = w.onlyRun();
    assert.equal(run.manifest.result.reason, 'not proven after 1 iteration(s): the tree changed during the review (reviewerMayEdit: false) (raise --max-iterations to allow more)');
    assert.equal(existsSync(join(w.repo, 'notes.txt')), false);
    assert.match(readFileSync(join(run.dir, 'reviewer-edits', 'iteration-1.patch'), 'utf8'), /^\+\+\+ b\/notes\.txt$/m);
  });

  test('with reviewerMayEdit the edited tree is proved again and the approval completes the run', async () => {
    const w = await world();
    w.configure(
      { on: { task: [[writeWork(), done()]] } },
      { on: { 'review-request': [[{ write: ['work.txt', 'reviewer edit\n'] }, review('approve')], [review('approve')]] } },
      { reviewerMayEdit: true },
    );
    const result = await w.loop(['run', '--ci', 'write work.txt']);
    assert.equal(result.exitCode, 0, result.all);
    const run = w.onlyRun();
    assert.equal(run.manifest.iteration, 1);
    assert.equal(run.events.filter((e) => e.type === 'proof.receipt').length, 2);
    assert.equal(readFileSync(join(w.repo, 'work.txt'), 'utf8'), 'reviewer edit\n');
    assert.equal(existsSync(join(run.dir, 'reviewer-edits')), false);
  });
});

describe('loop run: the proof surface', () => {
  const files = { 'README.md': '# scratch\n', 'test/a.test.js': 'check(1)\ncheck(2)\ncheck(3)\n' };
  const deleteTest = { sh: 'rm -f test/a.test.js' };

  test('a deleted test is listed first in the review request; an approval without the acknowledgement is asked again; with it the run completes', async () => {
    const w = await world(files);
    w.configure({ on: { task: [[writeWork(), deleteTest, done()]] } }, { on: { 'review-request': [[review('approve')], [review('approve', { proofSurfaceReviewed: true })]] } });
    const result = await w.loop(['run', '--ci', 'write work.txt']);
    assert.equal(result.exitCode, 0, result.all);
    assert.match(result.all, /^loop: proof surface changed \(1 file\), acknowledged by the reviewer$/m);
    const run = w.onlyRun();
    assert.equal(run.manifest.iteration, 1);
    assert.deepEqual(run.manifest.proofSurface, { changed: ['test/a.test.js'], count: 1, acknowledged: true });

    const requests = changeRequests(run.events);
    assert.equal(requests.length, 2);
    assert.equal(requests[0].payload.subject, 'change');
    assert.deepEqual(requests[0].payload.proofSurface, [{ file: 'test/a.test.js', status: 'deleted', added: 0, removed: 3 }]);
    assert.equal(requests[0].payload.notice, undefined);
    const { notice, ...again } = requests[1].payload;
    assert.equal(notice, ASK_AGAIN);
    assert.deepEqual(again, requests[0].payload);

    // What the reviewer's terminal received (one typed line, wrapped by the terminal: compared without whitespace).
    const squeeze = (text: string) => text.replace(/\s+/g, '');
    const screen = squeeze((await w.loop(['logs', run.manifest.id, '--role', 'reviewer'])).stdout);
    assert.ok(screen.includes(squeeze('⚠ PROOF SURFACE CHANGED since the run started — these files can weaken the proof: | - test/a.test.js (deleted, +0 -3) | Approving? add "proofSurfaceReviewed": true to your review to acknowledge them.')), screen);

    const show = await w.loop(['show', run.manifest.id]);
    assert.match(show.stdout, /^surface {3}proof surface changed \(1 file\), acknowledged by the reviewer\n {10}test\/a\.test\.js$/m);
  });

  test('a reviewer that never acknowledges it: the approvals count as changes and the run ends not completed', async () => {
    const w = await world(files);
    w.configure({ on: { task: [[writeWork(), deleteTest, done()]] } }, { on: { 'review-request': [[review('approve')]] } }, { maxIterations: 2 });
    const result = await w.loop(['run', '--ci', 'write work.txt']);
    assert.equal(result.exitCode, 1, result.all);
    assert.match(result.all, /^loop: proof surface changed \(1 file\), NOT acknowledged by the reviewer$/m);
    const run = w.onlyRun();
    assert.equal(run.manifest.status, 'failed');
    assert.equal(run.manifest.result.reason, 'not proven after 2 iteration(s): the reviewer approved without acknowledging the proof-surface change (raise --max-iterations to allow more)');
    assert.equal(changeRequests(run.events).length, 4);
    const task = workTasks(run.events)[1];
    assert.ok((task.payload.text as string).includes('- [high] the reviewer did not acknowledge the proof-surface change (files: test/a.test.js): '), task.payload.text);
    const show = await w.loop(['show', run.manifest.id]);
    assert.match(show.stdout, /^surface {3}proof surface changed \(1 file\), NOT acknowledged by the reviewer$/m);
  });

  test('a worker that rewrites .loop.json mid-run (proof → true, more iterations) changes nothing: the config is frozen at start, and the edit is on the proof surface', async () => {
    const w = await world(files);
    const weaken = { sh: "sed -i -e 's/grep -q ok work.txt/true/' -e 's/\"maxIterations\": 2/\"maxIterations\": 50/' .loop.json" };
    w.configure(
      { on: { task: [[writeWork('nope\n'), weaken, done()], [writeWork('ok\n'), done()]] } },
      { on: { 'review-request': [[review('approve', { proofSurfaceReviewed: true })]] } },
      { proof: ['grep -q ok work.txt'], maxIterations: 2 },
    );
    const result = await w.loop(['run', '--ci', 'write ok into work.txt']);
    assert.equal(result.exitCode, 0, result.all);
    assert.match(readFileSync(join(w.repo, '.loop.json'), 'utf8'), /"proof": \[\s*"true"\s*\]/, 'the worker did rewrite the file');
    const run = w.onlyRun();
    assert.deepEqual([run.manifest.config.proof, run.manifest.maxIterations, run.manifest.iteration], [['grep -q ok work.txt'], 2, 2]);
    const receipts = run.events.filter((e) => e.type === 'proof.receipt').map((e) => e.receipt as { passed: boolean; steps: Array<{ command: string }> });
    assert.deepEqual(receipts.map((r) => [r.passed, r.steps.map((c) => c.command)]), [[false, ['grep -q ok work.txt']], [true, ['grep -q ok work.txt']]]);
    const surface = changeRequests(run.events).map((r) => ((r.payload.proofSurface ?? []) as Array<{ file: string }>).map((f) => f.file));
    assert.deepEqual(surface, [['.loop.json'], ['.loop.json']], 'each review request (the failed proof, then the passing one) lists the rewritten .loop.json');
    assert.deepEqual(run.manifest.proofSurface, { changed: ['.loop.json'], count: 1, acknowledged: true });
  });
});
