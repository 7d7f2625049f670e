import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunStore } from '../../src/run/store.js';
import { RUN_ID_PATTERN } from '../../src/run/ids.js';
import { writeManifest } from '../../src/run/manifest.js';
import { LoopError } from '../../src/errors.js';
import { manifest } from './helpers.js';
import { loopError } from '../helpers/shared.js';

const base = mkdtempSync(join(tmpdir(), 'loop-store-test-'));
after(() => rmSync(base, { recursive: true, force: true }));
let counter = 0;
const newStore = () => new RunStore(join(base, `home-${++counter}`));


describe('RunStore.create', () => {
  test('makes $LOOP_HOME/runs/<repo-id>/<run-id> with 0700 dirs', () => {
    const store = newStore();
    const ref = store.create('myrepo-0123456789ab', new Date('2026-03-04T05:06:07.089Z'));
    assert.match(ref.id, RUN_ID_PATTERN);
    assert.ok(ref.id.startsWith('20260304-050607-089-'), ref.id);
    assert.equal(ref.repoId, 'myrepo-0123456789ab');
    assert.equal(ref.dir, join(store.home, 'runs', 'myrepo-0123456789ab', ref.id));
    for (const dir of [store.home, store.runsDir, join(store.runsDir, ref.repoId), ref.dir]) {
      assert.equal(statSync(dir).mode & 0o777, 0o700, dir);
    }
  });

  test('two runs in the same millisecond get different ids', () => {
    const store = newStore();
    const now = new Date('2026-03-04T05:06:07.089Z');
    const ids = Array.from({ length: 20 }, () => store.create('r', now).id);
    assert.equal(new Set(ids).size, 20);
  });
});

describe('RunStore.list and resolve', () => {
  const store = newStore();
  const a = store.create('alpha-000000000001', new Date('2026-01-01T10:00:00.000Z'));
  const b = store.create('beta-000000000002', new Date('2026-01-02T10:00:00.000Z'));
  const c = store.create('alpha-000000000001', new Date('2026-01-02T11:00:00.000Z'));
  writeManifest(b.dir, manifest({ id: b.id, roles: { worker: { agent: 'codex', sessionId: 'thread-abc' }, reviewer: { agent: 'claude', sessionId: '1111-2222' } } }));
  // Noise that list must ignore.
  writeFileSync(join(store.runsDir, 'stray-file'), 'x');
  mkdirSync(join(store.runsDir, 'alpha-000000000001', '.hidden'));
  writeFileSync(join(store.runsDir, 'alpha-000000000001', 'notes.txt'), 'x');

  test('list returns every run across repos, oldest first', () => {
    assert.deepEqual(store.list(), [a, b, c]);
  });

  test('list of an empty store is empty', () => {
    assert.deepEqual(newStore().list(), []);
  });

  test('resolve by exact id', () => {
    assert.deepEqual(store.resolve(a.id), a);
    assert.deepEqual(store.resolve(c.id), c);
  });

  test('resolve by unique prefix', () => {
    assert.deepEqual(store.resolve('20260101'), a);
    assert.deepEqual(store.resolve('20260102-11'), c);
  });

  test('ambiguous prefix is an error listing the matches', () => {
    const error = loopError(() => store.resolve('20260102'));
    assert.equal(error.message, `'20260102' matches 2 runs (${b.id}, ${c.id}); give more characters`);
    assert.equal(error.code, 'ambiguous-id');
    assert.equal(error.exitCode, 2);
  });

  test('resolve by an agent session id found in a manifest', () => {
    assert.deepEqual(store.resolve('thread-abc'), b);
    assert.deepEqual(store.resolve('1111-2222'), b);
  });

  test('unknown id is an error with exit 2', () => {
    const error = loopError(() => store.resolve('nothing-like-this'));
    assert.equal(error.message, "no run matches 'nothing-like-this' (by run id, id prefix or agent session id)");
    assert.equal(error.code, 'unknown-id');
    assert.equal(error.exitCode, 2);
    assert.equal(error.hint, 'list runs with: loop ls');
  });

  test('unknown id in an empty store hints where runs live', () => {
    const empty = newStore();
    const error = loopError(() => empty.resolve('x'));
    assert.equal(error.exitCode, 2);
    assert.equal(error.hint, `no runs are stored under ${empty.runsDir} yet`);
  });
});
