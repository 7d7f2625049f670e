import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readInbox } from '../../src/bus/inbox.js';
import { deliveredIds, envelopesOf } from '../../src/bus/envelopes.js';
import { Journal, readJournal } from '../../src/run/journal.js';
import { envelope } from './helpers.js';
import { freshDirs } from '../helpers/shared.js';

const newRunDir = freshDirs('loop-inbox-test');

/** A run journal holding: a loop task to the worker, a worker note to the reviewer, a done to loop, a reviewer note to the worker. */
function seededRun() {
  const dir = newRunDir();
  const journal = Journal.open(join(dir, 'events.jsonl'));
  const task = envelope({ seq: 1, from: 'loop', to: 'worker', kind: 'task', payload: { text: 'do it', iteration: 1 } });
  const note = envelope({ seq: 2, from: 'worker', to: 'reviewer', kind: 'note', payload: { text: 'hi reviewer' } });
  const done = envelope({ seq: 3, from: 'worker', to: 'loop', kind: 'done', payload: { summary: 'done' } });
  const reply = envelope({ seq: 4, from: 'reviewer', to: 'worker', kind: 'note', payload: { text: 'hi worker' } });
  journal.append('run.started', { id: 'x' });
  journal.append('transition', { input: { type: 'start' }, state: {}, messages: [task] });
  journal.append('message', { envelope: note });
  journal.append('message', { envelope: done });
  journal.append('message', { envelope: reply });
  return { dir, journal, task, note, done, reply };
}

describe('readInbox', () => {
  test('returns only envelopes addressed to the role, from message and transition events, oldest first', () => {
    const { dir, journal, task, note, reply } = seededRun();
    journal.close();
    assert.deepEqual(readInbox(dir, 'worker', { all: true }), [task, reply]);
    assert.deepEqual(readInbox(dir, 'reviewer', { all: true }), [note]);
  });

  test('unread-only advances a cursor; --all returns everything and does not move it', () => {
    const { dir, journal, task, reply } = seededRun();
    assert.deepEqual(readInbox(dir, 'worker'), [task, reply]);
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'agents', 'worker', 'inbox-cursor.json'), 'utf8')), { seq: 4 });
    assert.deepEqual(readInbox(dir, 'worker'), []);
    assert.deepEqual(readInbox(dir, 'worker', { all: true }), [task, reply]);

    const later = envelope({ seq: 5, from: 'loop', to: 'worker', kind: 'proof', payload: { passed: true, steps: [], treeHash: 't' } });
    journal.append('transition', { input: { type: 'receipt' }, state: {}, messages: [later] });
    journal.close();
    assert.deepEqual(readInbox(dir, 'worker', { all: true }), [task, reply, later]);
    assert.deepEqual(readInbox(dir, 'worker'), [later]);
    assert.deepEqual(readInbox(dir, 'worker'), []);
  });

  test('cursors are per role', () => {
    const { dir, journal, note } = seededRun();
    journal.close();
    readInbox(dir, 'worker');
    assert.deepEqual(readInbox(dir, 'reviewer'), [note]);
    assert.equal(existsSync(join(dir, 'agents', 'reviewer', 'inbox-cursor.json')), true);
  });

  test('an empty read writes no cursor; a missing journal is an empty inbox', () => {
    const dir = newRunDir();
    assert.deepEqual(readInbox(dir, 'worker'), []);
    assert.equal(existsSync(join(dir, 'agents')), false);
  });
});

describe('envelopesOf / deliveredIds', () => {
  test('sorted by envelope seq, invalid candidates skipped, delivered ids collected', () => {
    const dir = newRunDir();
    const path = join(dir, 'events.jsonl');
    const journal = Journal.open(path);
    const second = envelope({ seq: 2 });
    const first = envelope({ seq: 1, from: 'loop', to: 'worker', kind: 'task', payload: { text: 't', iteration: 1 } });
    journal.append('message', { envelope: second });
    journal.append('transition', { messages: [first, { id: 'bogus' }] });
    journal.append('transition', { input: {} }); // no messages at all
    journal.append('message.delivered', { id: first.id, to: 'worker' });
    journal.close();
    const events = readJournal(path).events;
    assert.deepEqual(envelopesOf(events), [first, second]);
    assert.deepEqual([...deliveredIds(events)], [first.id]);
  });
});
