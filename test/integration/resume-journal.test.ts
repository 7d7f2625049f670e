import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startRun } from '../../src/loop/start-run.js';
import { Journal } from '../../src/run/journal.js';
import { envelopes, readRun, useWorlds, type World } from './helpers.js';

const world = useWorlds();

const done = { msg: ['done', '--text', 'did it'] };
const approve = { msg: ['review', '--json', '{"verdict":"approve","summary":"good"}'] };
const writeWork = { write: ['work.txt', 'work\n'] };

/** A run whose loop process died right after it was prepared: journal and manifest written, no transition yet. */
async function diedAtStart(w: World): Promise<{ id: string; dir: string }> {
  w.configure({ on: { task: [[writeWork, done]] } }, { on: { 'review-request': [[approve]] } });
  const { context } = await startRun({ cwd: w.repo, home: w.home, env: { ...process.env, ...w.env() } as Record<string, string>, prompt: 'do it', flags: {}, ci: true });
  context.journal.close();
  context.lock.release();
  context.checkoutLock?.release(); // as the death of its process would leave them: free to take over
  return { id: context.ref.id, dir: context.ref.dir };
}

describe('loop resume and the journal', () => {
  for (const damage of ['missing', 'empty'] as const) {
    test(`${damage === 'empty' ? 'an' : 'a'} ${damage} journal: one line, exit 2, nothing changed (no hang)`, async () => {
      const w = await world();
      const { id, dir } = await diedAtStart(w);
      const journal = join(dir, 'events.jsonl');
      if (damage === 'missing') rmSync(journal);
      else writeFileSync(journal, '');
      const manifest = readFileSync(join(dir, 'manifest.json'), 'utf8');
      const result = await w.loop(['resume', '--ci', id], { timeout: 30_000 });
      assert.equal(result.exitCode, 2, result.all);
      assert.equal(result.stderr, [
        `loop: run ${id} cannot be resumed: its journal ${journal} is ${damage}`,
        `  hint: resume picks up from the journal alone; nothing was changed. Start the task again: loop run "…" (what is left: loop show ${id})`,
      ].join('\n'));
      assert.equal(readFileSync(join(dir, 'manifest.json'), 'utf8'), manifest);
      assert.equal(existsSync(journal), damage === 'empty');
      assert.equal(existsSync(join(dir, 'lock')), false);
    });
  }

  test('a state or frozen config that fails its schema: one line naming the file and the field, exit 2, nothing changed', async () => {
    const w = await world();
    const { id, dir } = await diedAtStart(w);
    const journalPath = join(dir, 'events.jsonl');
    const journal = Journal.open(journalPath);
    const { seq } = journal.append('transition', { input: { type: 'start' }, state: { phase: 'dancing' }, messages: [] });
    journal.close();
    const manifest = readFileSync(join(dir, 'manifest.json'), 'utf8');
    const state = await w.loop(['resume', '--ci', id], { timeout: 30_000 });
    assert.equal(state.exitCode, 2, state.all);
    assert.equal(state.stderr.split('\n')[0], `loop: ${journalPath} (seq ${seq}): state.phase: expected one of "starting"|"planning"|"plan-review"|"working"|"proving"|"reviewing"|"restoring"|"finished"; not resumed — nothing was changed`);
    assert.equal(readFileSync(join(dir, 'manifest.json'), 'utf8'), manifest);
    assert.equal(existsSync(join(dir, 'lock')), false);

    const parsed = JSON.parse(manifest) as { config: Record<string, unknown> };
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...parsed, config: { ...parsed.config, maxIterations: 'five' } }));
    const config = await w.loop(['resume', '--ci', id], { timeout: 30_000 });
    assert.equal(config.exitCode, 2, config.all);
    assert.equal(config.stderr.split('\n')[0], `loop: ${join(dir, 'manifest.json')}: config.maxIterations: expected number, received string; not resumed — nothing was changed`);
  });

  test('killed before its first transition: resume runs it from the beginning to completed', async () => {
    const w = await world();
    const { id, dir } = await diedAtStart(w);
    const result = await w.loop(['resume', '--ci', id]);
    assert.equal(result.exitCode, 0, result.all);
    const run = readRun(dir);
    assert.equal(run.manifest.status, 'completed');
    assert.equal(run.events.filter((e) => e.type === 'run.resumed').length, 1);
    const kinds = run.events.filter((e) => e.type === 'message.delivered').map((e) => envelopes(run.events).find((m) => m.id === e.id)?.kind);
    // From the beginning: the plan task and its review, then the work task and its review.
    assert.deepEqual(kinds.filter((k) => k === 'task' || k === 'review-request'), ['task', 'review-request', 'task', 'review-request'], kinds.join(', '));
  });
});
