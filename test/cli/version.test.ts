import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { execa } from 'execa';
import { LOOP_BIN, ROOT } from '../integration/helpers.js';

test('loop --version and -V print the package version, from package.json, exit 0', async () => {
  const { version } = JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8')) as { version: string };
  assert.match(version, /^\d+\.\d+\.\d+/);
  for (const flag of ['--version', '-V']) {
    const result = await execa(process.execPath, [LOOP_BIN, flag], { reject: false });
    assert.deepEqual([result.exitCode, result.stdout, result.stderr], [0, version, '']);
  }
});
