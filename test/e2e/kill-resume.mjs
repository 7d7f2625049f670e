#!/usr/bin/env node
// Kill and resume with the real CLIs: N runs over the 9 pairings, loop SIGKILLed after a random number of journal
// events, then `loop resume` to the end. Counts: completed, ids journaled twice, loop messages never delivered,
// and messages typed twice into one harness session (read from the harnesses' own transcripts). Not part of
// `npm test` (it takes ~40 s a run). Prints one line per run and a table; exit 1 on any failure.
//   node test/e2e/kill-resume.mjs [--runs 50] [--hogs 0] [--max-event 40] [--pair codex,gemini …]
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { envelopes, LoopWorld, pairScript } from './loop-world.mjs';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '50' }, hogs: { type: 'string', default: '0' }, 'max-event': { type: 'string', default: '40' }, pair: { type: 'string', multiple: true } } });
const HARNESSES = ['claude', 'codex', 'gemini'];
const ALL_PAIRS = HARNESSES.flatMap((worker) => HARNESSES.map((reviewer) => [worker, reviewer]));
// --pair codex×gemini (or codex,gemini), given once or more: only those pairings.
const wanted = (values.pair ?? []).map((p) => p.split(/[×,]/).join('×'));
const PAIRS = wanted.length ? ALL_PAIRS.filter(([w, r]) => wanted.includes(`${w}×${r}`)) : ALL_PAIRS;
if (PAIRS.length === 0) throw new Error(`--pair: no such pairing among ${ALL_PAIRS.map((p) => p.join('×')).join(', ')}`);
const hogs = Array.from({ length: Number(values.hogs) }, () => spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }));
process.on('exit', () => hogs.forEach((h) => h.kill('SIGKILL')));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const ID = /\bm-[0-9a-z]{17}\b/g;

const files = (dir) => {
  try {
    return readdirSync(dir, { recursive: true }).map((f) => join(dir, String(f))).filter((f) => f.endsWith('.jsonl'));
  } catch {
    return [];
  }
};
/** The user prompts of every harness session in the world's home: file → prompt texts. */
function prompts(w) {
  const out = [];
  const text = (c) => (typeof c === 'string' ? c : Array.isArray(c) && c.every((p) => typeof p?.text === 'string') ? c.map((p) => p.text).join('\n') : '');
  for (const f of files(join(w.home, '.claude', 'projects'))) {
    const lines = readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => { try { return JSON.parse(l); } catch { return {}; } });
    out.push({ file: f, texts: lines.filter((l) => l.type === 'user' && l.message?.role === 'user').map((l) => text(l.message.content)) });
  }
  for (const f of files(join(w.home, '.codex', 'sessions'))) {
    const lines = readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => { try { return JSON.parse(l); } catch { return {}; } });
    out.push({ file: f, texts: lines.filter((l) => l.type === 'response_item' && l.payload?.type === 'message' && l.payload.role === 'user').map((l) => text(l.payload.content)) });
  }
  for (const f of files(join(w.home, '.gemini', 'tmp'))) {
    const lines = readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => { try { return JSON.parse(l); } catch { return {}; } });
    out.push({ file: f, texts: lines.filter((l) => l.type === 'user').map((l) => text(l.content)) });
  }
  return out;
}

function analyse(w) {
  const { manifest, events } = w.run();
  const all = envelopes(events);
  const seqs = new Map();
  for (const e of all) seqs.set(e.id, (seqs.get(e.id) ?? 0) + 1);
  const delivered = new Set(events.filter((e) => e.type === 'message.delivered').map((e) => e.id));
  const undelivered = all.filter((e) => e.from === 'loop' && (e.to === 'worker' || e.to === 'reviewer') && !delivered.has(e.id) && e.kind !== 'nack');
  let retyped = 0;
  for (const { texts } of prompts(w)) {
    const seen = new Map();
    for (const t of texts) for (const id of new Set(t.match(ID) ?? [])) seen.set(id, (seen.get(id) ?? 0) + 1);
    for (const n of seen.values()) retyped += n - 1;
  }
  return {
    ...(manifest.status !== 'completed' ? { reason: manifest.result?.reason ?? '(none)' } : {}),
    completed: manifest.status === 'completed', twice: [...seqs.values()].filter((n) => n > 1).length,
    undelivered: undelivered.length, retyped, heldAfterResume: events.filter((e) => e.type === 'message.delivered' && e.via === 'session').length,
  };
}

const rows = [];
for (let i = 0; i < Number(values.runs); i++) {
  const [worker, reviewer] = PAIRS[i % PAIRS.length];
  const w = await LoopWorld.create(pairScript({ via: i % 2 === 0 ? 'mcp' : 'shell', reviewerChanges: 1 }));
  w.configure({ worker, reviewer, proof: ['test -f work.txt'], maxIterations: 3 });
  const k = 1 + Math.floor(Math.random() * Number(values['max-event']));
  const row = { run: i + 1, pair: `${worker}×${reviewer}`, killAt: k, killed: false };
  try {
    const first = w.loop(['run', '--ci', 'Create work.txt'], { timeoutMs: 300_000 });
    let ended = false;
    void first.then(() => (ended = true));
    for (;;) {
      if (ended) break;
      let n = 0;
      try {
        n = w.run().events.length;
      } catch {}
      if (n >= k) break;
      await sleep(20);
    }
    if (!ended) {
      first.child.kill('SIGKILL');
      row.killed = true;
    }
    await first;
    if (row.killed) {
      const resumed = await w.loop(['resume', '--ci', w.run().manifest.id], { timeoutMs: 300_000 });
      row.resumeExit = resumed.signal ?? resumed.code;
      if (resumed.code !== 0 && !/has already finished/.test(resumed.output)) row.output = resumed.output.split('\n').slice(-3).join(' | ').slice(0, 300);
    }
    Object.assign(row, analyse(w));
  } catch (error) {
    row.error = String(error).slice(0, 300);
  }
  rows.push(row);
  console.log(JSON.stringify(row));
  await w.close();
}

const sum = (key) => rows.reduce((n, r) => n + Number(r[key] ?? 0), 0);
console.log(`\n${rows.length} runs (${rows.filter((r) => r.killed).length} killed), ${hogs.length} CPU hogs`);
for (const [label, value] of [
  ['completed', `${rows.filter((r) => r.completed).length}/${rows.length}`],
  ['ids journaled twice', sum('twice')],
  ['loop messages never delivered', sum('undelivered')],
  ['typed twice into one harness session (transcripts)', sum('retyped')],
  ['held by the session after resume, not typed again', sum('heldAfterResume')],
]) console.log(`${String(label).padEnd(52)} ${value}`);
const bad = rows.filter((r) => !r.completed || r.twice || r.undelivered || r.retyped || r.error);
for (const r of bad) console.log(`  run ${r.run} ${r.pair} kill@${r.killAt}: ${JSON.stringify(r)}`);
process.exit(bad.length > 0 ? 1 : 0);
