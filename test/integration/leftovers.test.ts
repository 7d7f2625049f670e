import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gate, openGate, readRun, waitFor, World } from './helpers.js';

/** A world whose loop processes use their own temp folder, with a LOOP_HOME long enough that attach sockets need the fallback folder. */
class TempWorld extends World {
  override readonly home = join(this.base, 'a-loop-home-with-a-long-name-so-that-socket-paths-need-the-fallback-folder');
  readonly tmp = join(this.base, 'tmp');
  override env(): Record<string, string> {
    return { ...super.env(), TMPDIR: this.tmp };
  }
}

const worlds: World[] = [];
after(() => worlds.forEach((w) => w.cleanup()));

const done = { msg: ['done', '--text', 'did it'] };
const approve = { msg: ['review', '--json', '{"verdict":"approve","summary":"good"}'] };
const writeWork = { write: ['work.txt', 'work\n'] };

test('a killed run leaves nothing that outlives the next run; files of live processes are kept', async () => {
  const w = await new TempWorld().init();
  worlds.push(w);
  mkdirSync(w.tmp);
  const sockets = join(w.tmp, `loop-sockets-${process.getuid!()}`);
  w.configure({ on: { task: [[gate(w, 'work'), writeWork, done]] } }, { on: { 'review-request': [[approve]] } });

  const first = w.loop(['run', '--ci', 'do it']);
  await waitFor(() => w.runDirs().some((dir) => ['worker', 'reviewer'].every((role) => existsSync(join(dir, `attach-${role}.json`)))), 'both attach sockets');
  const dir = w.runDirs()[0]!;
  first.kill('SIGKILL');
  await first;
  const dead = first.pid!;

  // What the killed process left: its two fallback attach sockets, and (had it been killed while hashing the
  // tree) temporary git indexes in its run's scratch folder and in the temp folder.
  assert.deepEqual(readdirSync(sockets).map((name) => name.replace(/-[0-9a-f]{16}\.sock$/, '')), [String(dead), String(dead)]);
  mkdirSync(join(dir, 'tmp', `loop-index-${dead}-a1b2c3`), { recursive: true });
  mkdirSync(join(w.tmp, `loop-index-${dead}-d4e5f6`));
  writeFileSync(join(w.tmp, `loop-index-${dead}-d4e5f6`, 'index'), '');
  // What a live loop process (here: this test's) owns is never touched.
  const live = [`loop-index-${process.pid}-live01`, `loop-verify-${process.pid}-live02`];
  for (const name of live) mkdirSync(join(w.tmp, name));
  const liveSocket = `${process.pid}-0123456789abcdef.sock`;
  writeFileSync(join(sockets, liveSocket), '');

  openGate(w, 'work');
  const resumed = await w.loop(['resume', '--ci', readRun(dir).manifest.id]);
  assert.equal(resumed.exitCode, 0, resumed.all);
  assert.equal(readRun(dir).manifest.status, 'completed');
  assert.deepEqual(readdirSync(w.tmp).sort(), [...live, `loop-sockets-${process.getuid!()}`].sort());
  assert.deepEqual(readdirSync(sockets), [liveSocket]);
  assert.equal(existsSync(join(dir, 'tmp')), false, "the run's scratch folder is gone with the run");

  // A whole run, start to end, leaves nothing behind either.
  // --here: the first run's work (PLAN.md, work.txt) is still uncommitted in the checkout, and this test is about temp files.
  const second = await w.loop(['run', '--ci', '--here', 'do it again']);
  assert.equal(second.exitCode, 0, second.all);
  assert.deepEqual(readdirSync(w.tmp).sort(), [...live, `loop-sockets-${process.getuid!()}`].sort());
  assert.deepEqual(readdirSync(sockets), [liveSocket]);
  for (const run of w.runDirs()) assert.equal(existsSync(join(run, 'tmp')), false);
});
