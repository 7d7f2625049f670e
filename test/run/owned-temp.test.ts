import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { makeTempDir, sweepDeadOwners } from '../../src/run/owned-temp.js';
import { scratchDir } from '../helpers/shared.js';

/** The pid of a process that has exited. */
const deadPid = () => spawnSync('true').pid!;

test("makeTempDir names the folder after its kind and this process, in the given folder", () => {
  const parent = join(scratchDir('owned-temp'), 'scratch');
  const dir = makeTempDir('index', parent);
  assert.equal(dirname(dir), parent);
  assert.match(basename(dir), new RegExp(`^loop-index-${process.pid}-\\w{6}$`));
});

test('sweepDeadOwners removes what dead processes own, and nothing else', () => {
  const dir = scratchDir('owned-temp');
  const dead = deadPid();
  mkdirSync(join(dir, `loop-index-${dead}-abcdef`));
  writeFileSync(join(dir, `loop-index-${dead}-abcdef`, 'index'), '');
  mkdirSync(join(dir, `loop-verify-${dead}-abcdef`));
  const kept = [`loop-index-${process.pid}-abcdef`, `loop-index-${process.ppid}-abcdef`, 'loop-index-abcdef', 'loop-demo-abcdef', 'other'];
  for (const name of kept) mkdirSync(join(dir, name));
  assert.deepEqual(sweepDeadOwners(dir).sort(), [join(dir, `loop-index-${dead}-abcdef`), join(dir, `loop-verify-${dead}-abcdef`)]);
  assert.deepEqual(readdirSync(dir).sort(), [...kept].sort());
  assert.deepEqual(sweepDeadOwners(join(dir, 'missing')), []);
  assert.ok(!existsSync(join(dir, 'missing')));
});
