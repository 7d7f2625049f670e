import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAgentCall } from '../../src/cli/agent-entry.js';
import { macMatches } from '../../src/isolation/role-keys.js';
import { Journal } from '../../src/run/journal.js';
import { envelope } from '../bus/helpers.js';
import { freshDirs } from '../helpers/shared.js';
import { LOOP_BIN } from '../integration/helpers.js';

const newDir = freshDirs('loop-agent-cli');
const KEY = 'k'.repeat(64);

/** A directory laid out like a run as an agent sees it: manifest.json and agents/. */
function runDir(): string {
  const dir = newDir();
  mkdirSync(join(dir, 'agents'));
  writeFileSync(join(dir, 'manifest.json'), '{}\n');
  return dir;
}

function loop(args: string[], dir: string, input?: string) {
  const env = { PATH: process.env.PATH ?? '', LOOP_RUN_DIR: dir, LOOP_ROLE: 'worker', LOOP_RUN_ID: 'r', LOOP_TOKEN: KEY };
  return spawnSync(process.execPath, [LOOP_BIN, ...args], { env, encoding: 'utf8', input: input ?? '' });
}

const spooled = (dir: string) => {
  const box = join(dir, 'agents', 'worker', 'spool');
  return existsSync(box) ? readdirSync(box).map((name) => readFileSync(join(box, name), 'utf8')) : [];
};

describe('loop msg / loop inbox outside a run', () => {
  const cases: [string, () => string, string][] = [
    ['a missing folder', () => join(newDir(), 'gone'), 'no such folder'],
    ['a file', () => { const file = join(newDir(), 'f'); writeFileSync(file, ''); return file; }, 'not a folder'],
    ['a folder without manifest.json', () => { const dir = newDir(); mkdirSync(join(dir, 'agents')); return dir; }, 'no manifest.json in it'],
    ['a folder without agents/', () => { const dir = newDir(); writeFileSync(join(dir, 'manifest.json'), '{}'); return dir; }, 'no agents/ folder in it'],
  ];
  for (const [what, make, problem] of cases) {
    for (const args of [['msg', 'note', '--text', 'hi'], ['msg', 'note', '--json', '{bad'], ['msg', 'note', '--text', 'a', '--text', 'b'], ['inbox'], ['inbox', '--json']]) {
      test(`${args.join(' ')} refuses ${what}: one line, exit 2, nothing written`, () => {
        const dir = make();
        const result = loop(args, dir);
        assert.equal(result.status, 2);
        assert.equal(result.stdout, '');
        assert.equal(result.stderr,
          `loop: LOOP_RUN_DIR=${dir} is not a loop run directory (${problem}): this command works inside an agent started by \`loop run\`, which sets it\n`);
        assert.equal(existsSync(join(dir, 'agents', 'worker')), false);
      });
    }
  }
});

describe('loop msg', () => {
  test('sends a signed submission and prints its id, in every plain form', () => {
    for (const args of [['msg', 'note', '--text', 'hi'], ['msg', '--text=hi', 'note'], ['msg', 'note', '--json', '-']]) {
      const dir = runDir();
      const result = loop(args, dir, '{"text":" hi "}');
      assert.equal(result.status, 0, result.stderr);
      const id = result.stdout.trim();
      assert.match(id, /^m-[a-z0-9]{17}$/);
      const [file] = spooled(dir);
      const { mac, ...record } = JSON.parse(file!);
      assert.ok(macMatches(KEY, JSON.stringify(record), mac));
      assert.equal(record.submission.id, id);
      assert.deepEqual({ ...record.submission, at: 'x' }, { id, from: 'worker', kind: 'note', to: 'reviewer', payload: { text: 'hi' }, at: 'x', via: 'cli' });
    }
  });

  test('a refusal names the reasons, exits 2, and is recorded', () => {
    const dir = runDir();
    const result = loop(['msg', 'review', '--text', 'ok'], dir);
    assert.equal(result.status, 2);
    assert.equal(result.stderr, "loop: message refused:\n  - only the reviewer may send 'review' (you are the worker)\n");
    assert.equal(JSON.parse(spooled(dir)[0]!).refusal.reasons[0], "only the reviewer may send 'review' (you are the worker)");
    const bad = loop(['msg', 'note', '--json', '{bad'], runDir());
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^loop: --json: not valid JSON \(/);
  });

  test('--help still answers, through commander', () => {
    const result = loop(['msg', '--help'], runDir());
    assert.equal(result.status, 0);
    assert.match(result.stdout, /^Usage: loop msg \[options\] <kind>/);
  });
});

describe('loop inbox', () => {
  test('prints the unread envelopes, also when one needs the schemas to be skipped', () => {
    const dir = runDir();
    const journal = Journal.open(join(dir, 'events.jsonl'));
    const note = envelope({ seq: 1, from: 'reviewer', to: 'worker', payload: { text: 'hi worker' } });
    journal.append('message', { envelope: note });
    assert.deepEqual(JSON.parse(loop(['inbox', '--json'], dir).stdout), [note]);
    assert.equal(loop(['inbox'], dir).stdout, 'no new messages\n');
    journal.append('transition', { messages: [{ id: 'bogus' }] });
    journal.close();
    assert.deepEqual(JSON.parse(loop(['inbox', '--all', '--json'], dir).stdout), [note]);
  });
});

describe('parseAgentCall', () => {
  const argv = (...args: string[]) => ['node', 'loop.js', ...args];
  test('takes the plain forms', () => {
    assert.deepEqual(parseAgentCall(argv('msg', 'done', '--text', 'x', '--to=loop')), { command: 'msg', kind: 'done', options: { text: 'x', to: 'loop' } });
    assert.deepEqual(parseAgentCall(argv('msg', '--reply-to', 'm-1', 'answer', '--json', '-')), { command: 'msg', kind: 'answer', options: { replyTo: 'm-1', json: '-' } });
    assert.deepEqual(parseAgentCall(argv('inbox', '--json', '--all')), { command: 'inbox', options: { json: true, all: true } });
  });
  test('leaves everything else to commander', () => {
    for (const args of [['msg'], ['msg', '--help'], ['msg', 'note', '-h'], ['msg', 'note', 'extra'], ['msg', 'note', '--text'], ['msg', 'note', '--text', '--version'],
      ['msg', 'note', '--text', 'a', '--text', 'b'], ['msg', 'note', '--', '--text'], ['msg', 'note', '--bogus', 'x'], ['inbox', '--help'], ['inbox', 'x'], ['inbox', '--all', '--all'], ['ls']]) {
      assert.equal(parseAgentCall(argv(...args)), undefined, args.join(' '));
    }
  });
});
