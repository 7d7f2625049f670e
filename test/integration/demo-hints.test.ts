import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { execa } from 'execa';
import { LOOP_BIN } from './helpers.js';

test('loop demo completes and its closing hints are commands that work as printed, from another folder', async (t) => {
  const base = mkdtempSync(join(tmpdir(), 'loop-demo-hints-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  const env = { LOOP_HOME: join(base, 'home'), NO_COLOR: '1', CI: '1', PATH: '/usr/local/bin:/usr/bin:/bin', TMPDIR: base };
  const demo = await execa(process.execPath, [LOOP_BIN, 'demo', '--ci'], { cwd: base, env, extendEnv: false, reject: false, timeout: 120_000, stdin: 'ignore' });
  assert.equal(demo.exitCode, 0, demo.stdout + demo.stderr);
  const id = /^loop: run (\S+) stored in /m.exec(demo.stdout)?.[1];
  assert.ok(id, demo.stdout);
  assert.match(demo.stdout, new RegExp(`^loop: details: node ${LOOP_BIN} show ${id}$`, 'm'));
  const next = /^loop demo: next: (.+)$/m.exec(demo.stdout)?.[1];
  assert.equal(next, [`node ${LOOP_BIN} ls`, `node ${LOOP_BIN} show ${id}`, `node ${LOOP_BIN} logs ${id} --role worker`].join('; '));
  for (const command of next!.split('; ')) {
    const result = await execa('bash', ['-c', command], { cwd: '/', env, extendEnv: false, reject: false });
    assert.equal(result.exitCode, 0, `${command}: ${result.stderr}`);
    assert.ok(result.stdout.length > 0, `${command} printed nothing`);
  }
});
