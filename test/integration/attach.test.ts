import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { gate, LOOP_BIN, openGate, readRun, waitFor, World } from './helpers.js';

const worlds: World[] = [];
after(() => worlds.forEach((w) => w.cleanup()));

describe('loop attach', () => {
  test("streams an agent's terminal, passes keystrokes to it, and Ctrl-] detaches while the run goes on", async () => {
    const w = await new World().init();
    worlds.push(w);
    w.configure(
      { on: { task: [[gate(w, 'work'), { write: ['work.txt', 'x'] }, { msg: ['done', '--text', 'ok'] }]] } },
      { on: { 'review-request': [[{ msg: ['review', '--json', '{"verdict":"approve","summary":"ok"}'] }]] } },
      { plan: 'off' }, // one review request, held back by the gate until the human has typed
    );
    const run = w.loop(['run', '--ci', 'do it']);
    await waitFor(() => w.runDirs().some((d) => existsSync(join(d, 'attach-reviewer.json'))), 'the run to announce its attach socket');
    const dir = w.runDirs()[0]!;
    const id = readRun(dir).manifest.id;
    const client = execa(process.execPath, [LOOP_BIN, 'attach', id, 'reviewer'], { env: w.env(), reject: false, all: true });
    let seen = '';
    client.all!.on('data', (chunk) => (seen += String(chunk)));
    await waitFor(() => seen.includes('attached to the reviewer'), 'the client to attach');
    client.stdin!.write('hello-from-human\r');
    await waitFor(() => /hello-from-human[^]*reviewer> /.test(seen), 'the echo and the prompt the agent answers the line with');
    client.stdin!.write('\x1d');
    const attached = await client;
    assert.equal(attached.exitCode, 0, attached.all);
    assert.match(attached.all, /attached to the reviewer of run/);
    assert.match(attached.all, /hello-from-human/, 'the terminal echo came back through the socket');
    assert.match(attached.all, /reviewer> /, 'the agent answered the typed line with its prompt');
    assert.match(attached.all, /detached from the reviewer/);
    openGate(w, 'work'); // the worker finishes only now, so the review request comes after the human's line
    const finished = await run;
    assert.equal(finished.exitCode, 0, finished.all);
    assert.ok(!existsSync(join(dir, 'attach-reviewer.json')), 'the attach socket is gone with the run');
    const log = readFileSync(w.log, 'utf8');
    assert.doesNotMatch(log, /received review-request .* received review-request/s);
  });

  test('attaching to a run that is not running is a clear error', async () => {
    const w = await new World().init();
    worlds.push(w);
    w.configure({ on: { task: [[{ write: ['work.txt', 'x'] }, { msg: ['done', '--text', 'ok'] }]] } }, { on: { 'review-request': [[{ msg: ['review', '--json', '{"verdict":"approve","summary":"ok"}'] }]] } });
    assert.equal((await w.loop(['run', '--ci', 'do it'])).exitCode, 0);
    const id = readRun(w.runDirs()[0]!).manifest.id;
    const result = await w.loop(['attach', id, 'worker']);
    assert.equal(result.exitCode, 2);
    assert.match(result.stderr, new RegExp(`^loop: run ${id} is not running, so there is no terminal to attach to\\n  hint: see what happened: loop logs ${id} --role worker$`, 'm'));
    const bad = await w.loop(['attach', id, 'boss']);
    assert.equal(bad.exitCode, 2);
    assert.match(bad.stderr, /role must be 'worker' or 'reviewer' \(or a panel's reviewer-2…\), got 'boss'/);
  });
});
