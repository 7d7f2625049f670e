import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { selfCommand } from '../../src/cli/self-command.js';
import { LOOP_BIN, ROOT } from '../integration/helpers.js';

test('hints name `loop` only when the loop on PATH is this installation; otherwise node and the path of bin/loop.js', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'loop-self-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const ours = join(dir, 'ours');
  const other = join(dir, 'other');
  mkdirSync(ours);
  mkdirSync(other);
  symlinkSync(LOOP_BIN, join(ours, 'loop'));
  writeFileSync(join(other, 'loop'), '#!/bin/sh\necho an unrelated loop\n', { mode: 0o755 });
  assert.equal(selfCommand({ PATH: ['/usr/bin', ours].join(':') }, '/'), 'loop');
  assert.equal(selfCommand({ PATH: [other, ours].join(':') }, '/'), `node ${LOOP_BIN}`, 'the first loop on PATH is another program');
  assert.equal(selfCommand({ PATH: '/usr/bin:/bin' }, '/'), `node ${LOOP_BIN}`);
  assert.equal(selfCommand({ PATH: '/usr/bin:/bin' }, ROOT), 'node bin/loop.js', 'in the checkout (npm run demo): a relative path');
  assert.equal(selfCommand({ PATH: '/usr/bin:/bin', npm_command: 'exec' }, '/'), `node ${LOOP_BIN}`, 'npx only when loop runs from npx\'s cache');
});
