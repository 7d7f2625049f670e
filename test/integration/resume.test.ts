import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { agentPids, changeRequests, envelopes, gate, gatePath, isAlive, killLoopWhen, openGate, readRun, reviewRequested, useWorlds, waitFor, waitForJournal, type World } from './helpers.js';

const world = useWorlds();

const done = { msg: ['done', '--text', 'did it'] };
const approve = { msg: ['review', '--json', '{"verdict":"approve","summary":"good"}'] };
const writeWork = { write: ['work.txt', 'work\n'] };


function assertNoDoubleDelivery(w: World, events: Record<string, any>[]) {
  const delivered = events.filter((e) => e.type === 'message.delivered').map((e) => e.id);
  assert.equal(new Set(delivered).size, delivered.length, `delivered twice: ${delivered.join(', ')}`);
  const received = w.agentLog().filter((l) => / received /.test(l)).map((l) => l.split(' ')[3]);
  assert.equal(new Set(received).size, received.length, `an agent received a message twice: ${received.join(', ')}`);
}

describe('loop resume after the loop process is killed', () => {
  test('killed while the reviewer works: resume completes, nothing delivered twice', async () => {
    const w = await world();
    w.configure({ on: { task: [[writeWork, done]] } }, { on: { 'review-request': [[gate(w, 'review'), approve]] } });
    const killed = await killLoopWhen(w, w.loop(['run', '--ci', 'do it']), reviewRequested);
    const { dir } = killed;
    assert.equal(killed.manifest.status, 'running');
    for (const pid of agentPids(killed.events)) await waitFor(() => !isAlive(pid), `agent ${pid} to end with its loop`);
    openGate(w, 'review');
    const ls = await w.loop(['ls', '--json']);
    assert.equal(JSON.parse(ls.stdout)[0].status, 'interrupted');

    const resumed = await w.loop(['resume', '--ci', killed.manifest.id.slice(0, 17)]);
    assert.equal(resumed.exitCode, 0, resumed.all);
    const run = readRun(dir);
    assert.equal(run.manifest.status, 'completed');
    assert.ok(run.events.some((e) => e.type === 'run.resumed'));
    run.events.forEach((e, i) => assert.equal(e.seq, i + 1));
    assertNoDoubleDelivery(w, run.events);
    const requests = changeRequests(run.events);
    assert.equal(requests.length, 2, 'the relaunched reviewer gets a fresh review request');
  });

  test('killed before the first task was delivered: resume delivers that same task exactly once', async () => {
    const w = await world();
    w.configure({ startGate: gatePath(w, 'start'), on: { task: [[writeWork, done]] } }, { on: { 'review-request': [[approve]] } });
    const first = w.loop(['run', '--ci', 'do it']);
    const dir = await waitForJournal(w, (events) => events.some((e) => e.type === 'transition'));
    first.kill('SIGKILL');
    await first;
    const killed = readRun(dir);
    assert.equal(killed.events.filter((e) => e.type === 'message.delivered').length, 0);
    const taskId = envelopes(killed.events).find((e) => e.kind === 'task').id;
    openGate(w, 'start');

    const resumed = await w.loop(['resume', '--ci', killed.manifest.id]);
    assert.equal(resumed.exitCode, 0, resumed.all);
    const run = readRun(dir);
    const planTasks = envelopes(run.events).filter((e) => e.kind === 'task' && e.payload.phase === 'plan');
    assert.deepEqual(planTasks.map((t) => t.id), [taskId]);
    assertNoDoubleDelivery(w, run.events);
  });

  test('loop stop: exit 130, status stopped, resumable; resume of a finished run is refused', async () => {
    const w = await world();
    w.configure({ on: { task: [[gate(w, 'work'), writeWork, done]] } }, { on: { 'review-request': [[approve]] } });
    const first = w.loop(['run', '--ci', 'do it']);
    const dir = await waitForJournal(w, (events) => events.some((e) => e.type === 'message.delivered'));
    const id = readRun(dir).manifest.id;
    const stop = await w.loop(['stop', id]);
    assert.equal(stop.exitCode, 0, stop.all);
    assert.match(stop.stdout, new RegExp(`stopped run ${id}; continue it with: loop resume ${id}`));
    const stopped = await first;
    assert.equal(stopped.exitCode, 130, stopped.all);
    assert.equal(readRun(dir).manifest.status, 'stopped');
    for (const pid of agentPids(readRun(dir).events)) assert.equal(isAlive(pid), false);
    openGate(w, 'work');

    const resumed = await w.loop(['resume', '--ci', id]);
    assert.equal(resumed.exitCode, 0, resumed.all);
    assert.equal(readRun(dir).manifest.status, 'completed');

    const again = await w.loop(['resume', id]);
    assert.equal(again.exitCode, 2);
    assert.match(again.stderr, new RegExp(`loop: run ${id} has already finished \\(completed`));
  });
});
