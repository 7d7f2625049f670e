// Runs every benchmark in bench/ (each prints its own table), one after another. Run: npm run bench
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const benches = readdirSync(dir).filter((name) => name.endsWith('.mjs') && name !== 'all.mjs').sort();
let failed = 0;
for (const name of benches) {
  console.log(`\n== bench/${name}\n`);
  const result = spawnSync(process.execPath, [`${dir}${name}`], { stdio: 'inherit' });
  if (result.status !== 0) failed++;
}
process.exitCode = failed > 0 ? 1 : 0;
