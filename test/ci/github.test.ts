import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { MergedFinding } from '../../src/loop/panel-findings.js';
import { annotationFile, findingAnnotations } from '../../src/ci/github/annotations.js';
import { githubEnvOf } from '../../src/ci/github/github-env.js';
import { githubLog } from '../../src/ci/github/log-groups.js';
import type { RunNotice } from '../../src/loop/observer.js';
import type { LoopState } from '../../src/loop/state.js';
import { outputLines } from '../../src/ci/github/outputs.js';
import { escapeData, escapeProperty, workflowCommand } from '../../src/ci/github/workflow-commands.js';

describe('workflow commands', () => {
  test('escaping as @actions/core: %, CR, LF in data; and : , in properties', () => {
    assert.equal(escapeData('a%b\r\nc: d, e'), 'a%25b%0D%0Ac: d, e');
    assert.equal(escapeProperty('a%b\r\nc: d, e'), 'a%25b%0D%0Ac%3A d%2C e');
    assert.equal(workflowCommand('error', { file: 'a,b.ts', line: 3, endLine: undefined, title: 'x: y' }, 'body\n::warning::forged'),
      '::error file=a%2Cb.ts,line=3,title=x%3A y::body%0A::warning::forged');
    assert.equal(workflowCommand('notice', {}, 'plain'), '::notice::plain');
  });

  test("a finding's file is made relative to the checkout", () => {
    assert.equal(annotationFile('src/a.ts', '/w/repo/pkg', '/w/repo'), 'pkg/src/a.ts');
    assert.equal(annotationFile('/w/repo/b.ts', '/w/repo', '/w/repo'), 'b.ts');
    assert.equal(annotationFile('c.ts', '/w/repo', undefined), 'c.ts');
    assert.equal(annotationFile('/elsewhere/d.ts', '/w/repo', '/w/repo'), '/elsewhere/d.ts');
  });
});

describe('annotations for open findings', () => {
  const where = { cwd: '/w/repo', workspace: '/w/repo', runId: 'r1' };
  test('error for critical and high, warning for medium, notice for low; line and endLine only with a file', () => {
    const findings: MergedFinding[] = [
      { severity: 'low', title: 'nit' },
      { severity: 'high', title: 'broken', body: 'why\nit breaks', file: 'hello.txt', line: 1, endLine: 4 },
      { severity: 'medium', title: 'meh', file: 'x.ts' },
      { severity: 'critical', title: 'worse', file: 'y.ts', line: 2, raisedBy: ['reviewer', 'reviewer-2'], agreedBy: ['reviewer', 'reviewer-2'] },
    ];
    assert.deepEqual(findingAnnotations(findings, where), [
      '::error file=y.ts,line=2,title=[critical] worse::worse (raised by reviewer, reviewer-2)',
      '::error file=hello.txt,line=1,endLine=4,title=[high] broken::why%0Ait breaks',
      '::warning file=x.ts,title=[medium] meh::meh',
      '::notice title=[low] nit::nit',
    ]);
  });

  test('at most 10 per level: past it, nine and a line saying how many more', () => {
    const many = (n: number, severity: 'high' | 'medium') => Array.from({ length: n }, (_, i): MergedFinding => ({ severity, title: `t${i}`, file: 'f.ts', line: i + 1 }));
    const lines = findingAnnotations([...many(12, 'high'), ...many(10, 'medium')], where);
    const errors = lines.filter((l) => l.startsWith('::error'));
    const warnings = lines.filter((l) => l.startsWith('::warning'));
    assert.equal(errors.length, 10);
    assert.equal(warnings.length, 10);
    assert.equal(errors[9], '::error title=loop%3A 3 more critical or high findings::3 more critical or high findings are not annotated (GitHub shows 10 per level): see the job summary, or loop show r1');
    assert.equal(errors[8], '::error file=f.ts,line=9,title=[high] t8::t8');
    assert.equal(warnings[9], '::warning file=f.ts,line=10,title=[medium] t9::t9');
  });
});

describe('step outputs and the environment', () => {
  test('name=value lines; a value with a line break in the heredoc form', () => {
    assert.equal(outputLines({ 'run-id': 'r1', 'exit-code': 1, 'tree-hash': null }), 'run-id=r1\nexit-code=1\ntree-hash=\n');
    assert.equal(outputLines({ bundle: 'a\nb' }, () => 'ghadelimiter_X'), 'bundle<<ghadelimiter_X\na\nb\nghadelimiter_X\n');
  });

  test('on with GITHUB_ACTIONS=true or the flag, off otherwise', () => {
    assert.equal(githubEnvOf({ GITHUB_STEP_SUMMARY: '/s' }, false), undefined);
    assert.deepEqual(githubEnvOf({ GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: '/s', GITHUB_OUTPUT: '', RUNNER_TEMP: '/t' }, false), { stepSummary: '/s', runnerTemp: '/t' });
    assert.deepEqual(githubEnvOf({}, true), {});
  });
});

describe('the log on GitHub Actions', () => {
  test("agents' text is written with commands stopped; loop's own groups are written with them resumed", () => {
    let out = '';
    const seen: string[] = [];
    let n = 0;
    const log = githubLog((notice) => {
      seen.push(notice.type);
      if (notice.type === 'info') out += `${notice.text}\n`;
    }, (text) => {
      out += text;
    }, () => `t${++n}`);
    const state = (phase: string, iteration: number): RunNotice => ({ type: 'state', state: { phase, iteration } as LoopState });
    log.start();
    for (const notice of [state('planning', 1), { type: 'info', text: '::error::forged' } as RunNotice, state('plan-review', 1), state('working', 1), state('proving', 1), state('working', 2), { type: 'info', text: 'x ##[error]forged' } as RunNotice, state('finished', 2)]) log.observer(notice);
    log.end();
    assert.equal(out, [
      '::stop-commands::loop-t1', '::loop-t1::', '::group::Plan', '::stop-commands::loop-t2', '::error::forged',
      '::loop-t2::', '::endgroup::', '::group::Iteration 1', '::stop-commands::loop-t3',
      '::loop-t3::', '::endgroup::', '::group::Iteration 2', '::stop-commands::loop-t4', 'x ##[error]forged',
      '::loop-t4::', '::endgroup::', '::stop-commands::loop-t5', '::loop-t5::', '',
    ].join('\n'));
    assert.equal(seen.length, 8, 'every notice reaches the log lines');
  });

  test('a resumed run starts in the group of the state it resumes in; a fresh one in none', () => {
    let out = '';
    const resumed = githubLog(() => undefined, (text) => {
      out += text;
    }, () => 't');
    resumed.start({ phase: 'reviewing', iteration: 2 });
    resumed.end();
    assert.equal(out, '::stop-commands::loop-t\n::loop-t::\n::group::Iteration 2\n::stop-commands::loop-t\n::loop-t::\n::endgroup::\n');
    out = '';
    const fresh = githubLog(() => undefined, (text) => {
      out += text;
    }, () => 't');
    fresh.start({ phase: 'starting', iteration: 0 });
    fresh.end();
    assert.equal(out, '::stop-commands::loop-t\n::loop-t::\n');
  });
});
