// Runs every test file under test/ (except e2e) with Node's test runner and tsx for TypeScript.
// Node 20's --test does not expand globs, so the file list is collected here.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('.', import.meta.url).pathname;
const skipDirs = new Set(['fixtures', 'e2e', 'node_modules']);
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (!skipDirs.has(name)) walk(path);
    } else if (name.endsWith('.test.ts')) files.push(relative(process.cwd(), path));
  }
};
walk(root);
const only = process.argv.slice(2);
const selected = only.length > 0 ? files.filter((f) => only.some((o) => f.includes(o))) : files;
const result = spawnSync(
  process.execPath,
  // A safety net, not a timing assertion: a test that hangs fails after 10 minutes, named, instead of holding the run.
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=600000', '--test-reporter=spec', ...selected],
  { stdio: 'inherit', env: { ...process.env, NO_COLOR: '1' } },
);
process.exit(result.status ?? 1);
