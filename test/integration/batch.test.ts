import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { agentPids, gate, isAlive, openGate, readRun, useWorlds, waitFor, type World } from './helpers.js';

const world = useWorlds();

const approve = { msg: ['review', '--json', JSON.stringify({ verdict: 'approve', summary: 'fine', findings: [] })] };
const done = { msg: ['done', '--text', 'did the task'] };

/**
 * The worker marks that its run has started, then waits until two runs have: a batch that never ran two at once
 * would wait here forever (the third run finds two marks already). Then it does the work unless its task says
 * "never proven" (it reads its task with loop inbox).
 */
const worker = (w: World) => ({
  on: {
    task: [[
      // mktemp: a unique mark per run (under the sandbox every agent's $$ may be the same small pid).
      { sh: `mktemp '${w.base}/started-XXXXXX' >/dev/null; while [ "$(ls '${w.base}' | grep -c '^started-')" -lt 2 ]; do sleep 0.05; done` },
      { sh: "loop inbox --all --json | grep -q 'never proven' || echo work > work.txt" },
      done,
    ]],
  },
});

/** The runs whose records are there (a run being created has no manifest yet). */
const runsOf = (w: World) => w.runDirs().flatMap((dir) => {
  try {
    return [readRun(dir)];
  } catch {
    return [];
  }
});

/** The most runs whose journals were open (run.started … run.finished) at any one moment. */
function mostAtOnce(runs: ReturnType<typeof readRun>[]): number {
  const spans = runs.map((r) => ({
    start: Date.parse(r.events.find((e) => e.type === 'run.started')!.at),
    end: Date.parse(r.events.find((e) => e.type === 'run.finished')!.at),
  }));
  return Math.max(...spans.map((s) => spans.filter((o) => o.start <= s.start && o.end > s.start).length));
}

describe('loop batch', () => {
  test('3 tasks with -j 2, one never proven: two at once at most, a summary table, exit 1; each run is a normal worktree run', async () => {
    const w = await world();
    w.configure(worker(w), { on: { 'review-request': [[approve]] } }, { plan: 'off', maxIterations: 1 });
    writeFileSync(join(w.base, 'tasks.txt'), 'write work.txt (a)\n\n# a comment\nwrite work.txt (b)\nthis one is never proven\n');
    const result = await w.loop(['batch', join(w.base, 'tasks.txt'), '-j', '2'], { timeout: 240_000 });
    assert.equal(result.exitCode, 1, result.all);
    const runs = runsOf(w);
    assert.equal(runs.length, 3);
    assert.equal(mostAtOnce(runs), 2);
    const byTask = new Map(runs.map((r) => [r.manifest.task, r.manifest]));
    assert.equal(byTask.get('write work.txt (a)')?.result.exitCode, 0);
    assert.equal(byTask.get('write work.txt (b)')?.result.exitCode, 0);
    assert.equal(byTask.get('this one is never proven')?.result.exitCode, 1);
    const lines = result.stdout.split('\n');
    const header = lines.findIndex((l) => /^#\s+RUN\s+TASK\s+EXIT\s+BRANCH$/.test(l));
    assert.ok(header >= 0, result.stdout);
    const rows = lines.slice(header + 1, header + 4);
    const tasks = ['write work.txt (a)', 'write work.txt (b)', 'this one is never proven'];
    rows.forEach((row, i) => {
      const m = byTask.get(tasks[i]!)!;
      assert.match(row, new RegExp(`^${i + 1}\\s+${m.id}\\s+${tasks[i]!.replace(/[()]/g, '\\$&')}\\s+${m.result.exitCode}\\s+loop/${m.id}$`));
      assert.equal(m.branch, `loop/${m.id}`);
      assert.ok(existsSync(m.worktree), m.worktree);
    });
    assert.match(result.stdout, /loop batch: exit 1 \(not proven: the worst of the runs\)/);
    const ls = JSON.parse((await w.loop(['ls', '--json'])).stdout) as Array<{ id: string }>;
    assert.equal(ls.length, 3);
    const show = await w.loop(['show', byTask.get('write work.txt (a)')!.id]);
    assert.match(show.stdout, /commit    [0-9a-f]{40} on loop\//);
  });

  test('SIGTERM stops every run resumably (exit 130), starts no more, leaves no process behind', async () => {
    const w = await world();
    w.configure({ on: { task: [[gate(w, 'never'), { write: ['work.txt', 'x\n'] }, done]] } }, { on: { 'review-request': [[approve]] } }, { plan: 'off' });
    writeFileSync(join(w.base, 'tasks.md'), '# Tasks\n\nintro, not a task\n\n## First\nwrite work.txt\n\n## Second\nalso work.txt\n\n## Third\nnever started\n');
    const batch = w.loop(['batch', join(w.base, 'tasks.md'), '-j', '2'], { timeout: 240_000 });
    try {
      // Both workers have their task (they wait at a gate that is never opened).
      await waitFor(() => runsOf(w).filter((r) => r.events.some((e) => e.type === 'message.delivered')).length === 2, 'two runs working', 120_000);
    } finally {
      batch.kill('SIGTERM'); // also when the wait failed: the batch stops its runs before the world is removed
    }
    const result = await batch;
    assert.equal(result.exitCode, 130, result.all);
    const runs = runsOf(w);
    assert.equal(runs.length, 2, 'the third task was not started');
    assert.deepEqual(runs.map((r) => r.manifest.task).sort(), ['First\nwrite work.txt', 'Second\nalso work.txt']);
    for (const run of runs) {
      assert.equal(run.manifest.status, 'stopped');
      assert.equal(run.manifest.result.exitCode, 130);
      const loopPid = run.events.find((e) => e.type === 'run.started')!.pid as number;
      await waitFor(() => !isAlive(loopPid), `loop ${loopPid} to be gone`);
      for (const pid of agentPids(run.events)) await waitFor(() => !isAlive(pid), `agent ${pid} to be gone`);
    }
    assert.match(result.stdout, /3\s+-\s+Third\s+-\s+-/);
    assert.match(result.stdout, /loop batch: continue the stopped runs with: loop resume /);
    // Resumable: the worktree is still there, and resume runs it to the end.
    openGate(w, 'never');
    const id = runs[0]!.manifest.id;
    const resumed = await w.loop(['resume', '--ci', id]);
    assert.equal(resumed.exitCode, 0, resumed.all);
    assert.ok(readdirSync(join(w.home, 'worktrees')).includes(id));
    assert.equal((await execa('git', ['rev-parse', `loop/${id}^{tree}`], { cwd: w.repo })).exitCode, 0);
  });
});
