import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { LOOP_BIN, readRun, useWorlds } from './helpers.js';

const world = useWorlds();

test('loop run outside a git repository: one line saying how to fix it, exit 2, nothing stored', async () => {
  const w = await world();
  const plain = join(w.base, 'plain');
  mkdirSync(plain);
  const result = await execa(process.execPath, [LOOP_BIN, 'run', '--ci', 'do it'], { cwd: plain, env: w.env(), reject: false, stdin: 'ignore' });
  assert.equal(result.exitCode, 2);
  assert.equal(result.stderr, `loop: ${plain} is not inside a git repository: loop run works on a git working tree\n  hint: cd into your repository, or make this folder one: git init`);
  assert.equal(result.stdout, '');
  assert.equal(existsSync(w.home), false, 'no run was stored');
});

test('loop demo still works from outside a git repository (it makes its own)', async () => {
  const w = await world();
  const plain = join(w.base, 'plain');
  mkdirSync(plain);
  const result = await execa(process.execPath, [LOOP_BIN, 'demo', '--ci'], { cwd: plain, env: w.env(), reject: false, stdin: 'ignore', timeout: 120_000 });
  const repo = /repository: (\S+)/.exec(result.stdout)?.[1];
  if (repo) rmSync(repo, { recursive: true, force: true });
  assert.equal(result.exitCode, 0, result.stdout + result.stderr);
  const runs = join(w.home, 'runs');
  const [repoId] = readdirSync(runs);
  const [id] = readdirSync(join(runs, repoId!));
  assert.equal(readRun(join(runs, repoId!, id!)).manifest.status, 'completed');
});
