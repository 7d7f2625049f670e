#!/usr/bin/env node
// Soak: many real-CLI runs over the 9 pairings, optionally beside CPU hogs, looking for silent hangs.
// Not part of `npm test` (it takes ~25 s a run). Prints one line per run and a table; exit 1 on any failure.
//   node test/e2e/soak.mjs [--runs 50] [--hogs 2] [--timeout-s 300]
// A run counts as a silent hang when loop has not ended within --timeout-s, or ended without naming its reason.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { envelopes, LoopWorld, pairScript } from './loop-world.mjs';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '50' }, hogs: { type: 'string', default: '2' }, 'timeout-s': { type: 'string', default: '300' } } });
const HARNESSES = ['claude', 'codex', 'gemini'];
const PAIRS = HARNESSES.flatMap((worker) => HARNESSES.map((reviewer) => [worker, reviewer]));
const hogs = Array.from({ length: Number(values.hogs) }, () => spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }));
const stopHogs = () => hogs.forEach((h) => h.kill('SIGKILL'));
process.on('exit', stopHogs);
process.on('SIGINT', () => process.exit(130));

const rows = [];
for (let i = 0; i < Number(values.runs); i++) {
  const [worker, reviewer] = PAIRS[i % PAIRS.length];
  const via = i % 2 === 0 ? 'mcp' : 'shell';
  const reviewerChanges = Math.floor(i / PAIRS.length) % 2; // every other round asks for changes once
  const w = await LoopWorld.create(pairScript({ via, reviewerChanges }));
  w.configure({ worker, reviewer, proof: ['test -f work.txt'], maxIterations: 3 });
  const started = Date.now();
  const result = await w.loop(['run', '--ci', 'Create work.txt'], { timeoutMs: Number(values['timeout-s']) * 1000 });
  const seconds = (Date.now() - started) / 1000;
  let manifest = {};
  let events = [];
  try {
    ({ manifest, events } = w.run());
  } catch {}
  const hang = result.signal === 'SIGKILL' || (result.code !== 0 && !manifest.result?.reason);
  const delivered = events.filter((e) => e.type === 'message.delivered');
  const ids = delivered.map((e) => e.id);
  const row = {
    run: i + 1, pair: `${worker}×${reviewer}`, via, changes: reviewerChanges, exit: result.signal ?? result.code, seconds: seconds.toFixed(1),
    hang, reason: manifest.result?.reason ?? '(none)', retries: events.filter((e) => e.type === 'message.unsubmitted').length,
    screenConfirmed: delivered.filter((e) => e.confirmedBy === 'screen').length, duplicates: ids.length - new Set(ids).size,
    messages: envelopes(events).filter((e) => e.from !== 'loop').length,
  };
  rows.push(row);
  console.log(JSON.stringify(row));
  if (result.code !== 0) console.log(result.output.split('\n').slice(-6).join('\n'));
  await w.close();
}
stopHogs();

const failed = rows.filter((r) => r.exit !== 0);
const byPair = Object.groupBy ? Object.groupBy(rows, (r) => r.pair) : rows.reduce((m, r) => ((m[r.pair] ??= []).push(r), m), {});
console.log(`\n${'pairing'.padEnd(16)} runs  ok  hangs  retries  p50 s  max s`);
for (const [pair, list] of Object.entries(byPair)) {
  const secs = list.map((r) => Number(r.seconds)).sort((a, b) => a - b);
  console.log(`${pair.padEnd(16)} ${String(list.length).padStart(4)} ${String(list.filter((r) => r.exit === 0).length).padStart(3)} ${String(list.filter((r) => r.hang).length).padStart(6)} ${String(list.reduce((n, r) => n + r.retries, 0)).padStart(8)} ${secs[Math.floor(secs.length / 2)].toFixed(1).padStart(6)} ${secs.at(-1).toFixed(1).padStart(6)}`);
}
console.log(`\n${rows.length} runs, ${hogs.length} CPU hogs: ${rows.length - failed.length} completed, ${failed.length} not, ${rows.filter((r) => r.hang).length} silent hangs, ${rows.reduce((n, r) => n + r.duplicates, 0)} duplicate deliveries, ${rows.reduce((n, r) => n + r.retries, 0)} hand-off retries`);
for (const r of failed) console.log(`  run ${r.run} ${r.pair}: exit ${r.exit}: ${r.reason}`);
writeFileSync(join(process.cwd(), '.e2e', `soak-${Date.now()}.json`), JSON.stringify(rows, null, 2));
process.exit(failed.length > 0 ? 1 : 0);
