import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { execa } from 'execa';
import { LOOP_BIN, ROOT } from '../integration/helpers.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };

test("the $schema of .loop.example.json is a file the package ships, on unpkg at this major.minor, and is what loop config --schema prints", async () => {
  const example = JSON.parse(readFileSync(join(ROOT, '.loop.example.json'), 'utf8')) as { $schema: string };
  const ref = /^https:\/\/unpkg\.com\/([^@/]+)@(\d+\.\d+)\/(.+)$/.exec(example.$schema);
  assert.ok(ref, `not an unpkg URL of the package: ${example.$schema}`);
  const [, name, range, path] = ref;
  assert.equal(name, pkg.name);
  assert.equal(range, pkg.version.split('.').slice(0, 2).join('.'), 'the URL names the current major.minor');
  // --ignore-scripts: listing the files needs no build (and must not rebuild dist/ under the other tests).
  const pack = await execa('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT });
  const files = (JSON.parse(pack.stdout) as { files: { path: string }[] }[])[0]!.files.map((file) => file.path);
  assert.ok(files.includes(path!), `npm pack does not ship ${path} (files: ${files.filter((f) => !f.startsWith('dist/')).join(', ')})`);
  const printed = await execa(process.execPath, [LOOP_BIN, 'config', '--schema']);
  assert.deepEqual(JSON.parse(readFileSync(join(ROOT, path!), 'utf8')), JSON.parse(printed.stdout));
});
