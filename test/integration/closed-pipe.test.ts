import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { gate, killLoopWhen, openGate, readRun, useWorlds, type World } from './helpers.js';
import { loopIntoClosedPipe, loopIntoHead } from './closed-output.js';

const world = useWorlds();

const done = { msg: ['done', '--text', 'did it'] };
const approve = { msg: ['review', '--json', '{"verdict":"approve","summary":"good"}'] };
const writeWork = { write: ['work.txt', 'work\n'] };

describe('output into a closed pipe (loop … | head)', () => {
  let w: World;
  let id: string;
  before(async () => {
    w = await world();
    w.configure({ on: { task: [[writeWork, done]] } }, { on: { 'review-request': [[approve]] } });
    // `loop run … | head -n 1`: the run goes on after its first line is read, and finishes as usual.
    const run = await loopIntoHead(w, ['run', '--ci', 'write work.txt']);
    assert.match(run.stdout, /^\[\d\d:\d\d:\d\d\] started run /);
    assert.equal(run.stderr, '');
    assert.equal(run.exitCode, 0);
    const { manifest, events } = w.onlyRun();
    id = manifest.id;
    assert.equal(manifest.status, 'completed');
    assert.equal(manifest.result.exitCode, 0);
    assert.equal(events.at(-1)!.type, 'run.finished');
  });

  const commands = () => [
    ['--help'], ['--version'], ['ls'], ['ls', '--json'], ['show', id], ['show', id, '--json'], ['logs', id], ['logs', id, '--json'],
    ['logs', id, '--role', 'worker'], ['verify', id], ['config'], ['config', '--schema'], ['doctor'], ['doctor', '--json'], ['resume', id],
  ];

  test('every command exits as it would (no stack trace) when its output has nowhere to go', async () => {
    for (const [n, args] of commands().entries()) {
      const normal = await w.loop(args);
      const closed = await loopIntoClosedPipe(w, args, `closed-${n}.fifo`);
      const what = `loop ${args.join(' ')}`;
      assert.equal(closed.exitCode, normal.exitCode, `${what}: ${closed.stderr}`);
      assert.equal(closed.stderr.trimEnd(), normal.stderr, what);
      assert.doesNotMatch(closed.stderr, /EPIPE|unexpected error|\n\s+at /, what);
    }
  });
});

describe('a resumed run whose output pipe closes', () => {
  test('keeps going and finishes completed', async () => {
    const w = await world();
    w.configure({ on: { task: [[gate(w, 'work'), writeWork, done]] } }, { on: { 'review-request': [[approve]] } });
    const killed = await killLoopWhen(w, w.loop(['run', '--ci', 'do it']), (events) => events.some((e) => e.type === 'message.delivered'));
    assert.equal(killed.manifest.status, 'running');
    openGate(w, 'work');
    const resumed = await loopIntoClosedPipe(w, ['resume', '--ci', killed.manifest.id]);
    assert.equal(resumed.stderr, '');
    assert.equal(resumed.exitCode, 0);
    const run = readRun(killed.dir);
    assert.equal(run.manifest.status, 'completed');
    assert.ok(run.events.some((e) => e.type === 'run.resumed'));
    assert.equal(run.events.at(-1)!.type, 'run.finished');
  });
});
