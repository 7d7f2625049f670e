// Benchmark: how fast `loop --help` (and `loop --version`) answer. Prints a table; asserts nothing.
// Run: npm run bench   (after npm install)
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/loop.js', import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 20);
const cases = [['--help'], ['--version'], ['ls', '--help'], ['msg', '--help']];

const rows = cases.map((args) => {
  spawnSync(process.execPath, [bin, ...args]); // warm the file cache
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (result.status !== 0) throw new Error(`loop ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  }
  times.sort((a, b) => a - b);
  const pick = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(1);
  return { command: `loop ${args.join(' ')}`, runs, min: times[0].toFixed(1), median: pick(0.5), p90: pick(0.9), max: times.at(-1).toFixed(1) };
});

const header = ['command', 'runs', 'min ms', 'median ms', 'p90 ms', 'max ms'];
const table = [header, ...rows.map((r) => [r.command, String(r.runs), r.min, r.median, r.p90, r.max])];
const widths = header.map((_, i) => Math.max(...table.map((row) => row[i].length)));
for (const row of table) console.log(row.map((cell, i) => cell.padEnd(widths[i])).join('  '));
console.log(`\ntarget: loop --help under 300 ms (median ${rows[0].median} ms)`);
