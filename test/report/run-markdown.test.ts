import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { basename, dirname } from 'node:path';
import { codeCell, code } from '../../src/report/markdown.js';
import { openFindings, proofTable, runMarkdown } from '../../src/report/run-markdown.js';
import { runHistory } from '../../src/report/run-iterations.js';
import { details } from '../../src/report/summary.js';
import type { RunRef } from '../../src/run/store.js';
import { useWorlds } from '../integration/helpers.js';

const world = useWorlds();
const done = (text = 'did the work') => ({ msg: ['done', '--text', text] });
const review = (verdict: string, findings: unknown[] = []) => ({ msg: ['review', '--json', JSON.stringify({ verdict, summary: `verdict ${verdict}`, findings })] });

describe('the run as Markdown, from a real run directory', () => {
  let ref: RunRef;
  before(async () => {
    // Iteration 1: the worker claims done without the file (the proof fails) and the reviewer asks for changes;
    // iteration 2: the file is there, the proof passes, the reviewer approves with a low finding left open.
    const w = await world({ 'hello.txt': 'hello\n' });
    w.configure(
      { on: { task: [[done('nothing yet')], [{ write: ['work.txt', 'w\n'] }, done('wrote it')]] } },
      {
        on: {
          'review-request': [
            [review('changes', [{ severity: 'high', title: 'No work.txt | at all', file: 'hello.txt', line: 1, endLine: 2 }])],
            [review('approve', [{ severity: 'low', title: 'Trailing newline', file: 'work.txt', line: 1 }])],
          ],
        },
      },
      { proof: ['test -f work.txt', "printf 'a|b'"] },
    );
    const result = await w.loop(['run', '--ci', 'write work.txt']);
    assert.equal(result.exitCode, 0, result.all);
    const dir = w.onlyRun().dir;
    ref = { id: basename(dir), repoId: basename(dirname(dir)), dir };
  });

  test('the whole summary: result, task, agents, plan reviews, iterations with proof tables and verdicts, open findings, plan, run id', () => {
    const md = runMarkdown(ref);
    assert.match(md, new RegExp(`^## ✅ loop run \`${ref.id}\`: completed\n\n\\*\\*Exit code 0\\*\\*: approved and proof passed on tree [0-9a-f]{12}`));
    assert.match(md, /### Task\n\n```\nwrite work\.txt\n```/);
    assert.match(md, /\| worker \| `fake-worker` \| — \|\n\| reviewer \| `fake-reviewer` \| — \|/);
    assert.match(md, /### Plan reviews\n\n- reviewer \(`fake-reviewer`\): \*\*approve\*\* — plan approved/);
    assert.match(md, /### Iteration 1\n\nProof \*\*failed\*\* in \d.* on tree `[0-9a-f]{12}`\n\n\| command \| exit \| duration \|\n\|---\|---\|---\|\n\| `test -f work\.txt` \| 1 \| \d+ ms \|\n\n\*\*Reviews\*\*\n\n- reviewer \(`fake-reviewer`\): \*\*changes\*\*, 1 finding — verdict changes/);
    assert.match(md, /### Iteration 2\n\nProof \*\*passed\*\*.*\n\n\| command \| exit \| duration \|\n\|---\|---\|---\|\n\| `test -f work\.txt` \| 0 \| \d+ ms \|\n\| `printf 'a\\\|b'` \| 0 \| \d+ ms \|\n\n\*\*Reviews\*\*\n\n- reviewer \(`fake-reviewer`\): \*\*approve\*\*, 1 finding — verdict approve/);
    assert.match(md, /### Open findings\n\n\| severity \| file:line \| title \|\n\|---\|---\|---\|\n\| low \| `work\.txt:1` \| Trailing newline \|\n/);
    assert.match(md, /### Plan: 1\/1 items checked\n\n- \[x\] carry out the scripted task/);
    assert.match(md, new RegExp(`### Run \`${ref.id}\`\n\n- details: \`loop show ${ref.id}\``));
    assert.doesNotMatch(md, /Proof surface/);
    assert.equal(md.indexOf('### Iteration 1') < md.indexOf('### Iteration 2'), true);
  });

  test('sections on their own: a proof table and the open findings', () => {
    const history = runHistory(details(ref).events);
    assert.deepEqual(history.iterations.map((i) => [i.iteration, i.receipts.map((r) => r.passed), i.reviews.map((r) => r.verdict)]), [[1, [false], ['changes']], [2, [true], ['approve']]]);
    assert.match(proofTable(history.iterations[0]!.receipts[0]!), /^\| command \| exit \| duration \|\n\|---\|---\|---\|\n\| `test -f work\.txt` \| 1 \| \d+ ms \|$/);
    assert.equal(openFindings([{ severity: 'high', title: 'a | b', file: 'x.ts', line: 3, endLine: 5 }, { severity: 'medium', title: 'no place' }]),
      '### Open findings\n\n| severity | file:line | title |\n|---|---|---|\n| high | `x.ts:3-5` | a \\| b |\n| medium | — | no place |');
    assert.equal(openFindings([]), '### Open findings\n\nNone.');
  });
});

describe('Markdown escaping', () => {
  test('code spans outgrow backticks inside; pipes are escaped only in a table cell', () => {
    assert.equal(code('a `b` c'), '``a `b` c``');
    assert.equal(code('`x`'), '`` `x` ``');
    assert.equal(code('a|b'), '`a|b`');
    assert.equal(codeCell('a|b'), '`a\\|b`');
  });
});
