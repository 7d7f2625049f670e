// Kill-and-resume harness: N runs (BENCH_RUNS, default 50) with instant command agents, each SIGKILLed at a
// random point (a random journal length between 1 and that of a whole run, or with BENCH_KILL=delay a random
// delay), then `loop resume` to completion. Reports, over all runs: completed; agent messages lost (an id a
// `loop msg` returned that never reached the journal); loop messages never marked delivered; ids journaled
// twice; messages applied twice; messages typed twice into one agent session (one agent process = one session;
// a relaunched command agent is a new session, so a re-type there is counted apart, as expected).
// Run: npm run bench:kill-resume   (BENCH_RUNS=10 for a quick look)
import { envelopesOf, makeWorld, printTable } from './lib/world.mjs';

const runs = Number(process.env.BENCH_RUNS ?? 50);
const mode = process.env.BENCH_KILL ?? 'events';
const approveAt = 2;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const random = (n) => 1 + Math.floor(Math.random() * n);

/** One clean run: how many journal events and ms a whole run takes here. */
async function calibrate() {
  const world = makeWorld({ approveAt });
  try {
    const started = Date.now();
    const result = await world.loop(['run', '--ci', 'bench: kill me']);
    if (result.code !== 0) throw new Error(`calibration run exited ${result.code}:\n${result.output}`);
    return { events: world.events().length, ms: Date.now() - started };
  } finally {
    world.cleanup();
  }
}

function analyse(world) {
  const events = world.events();
  const log = world.agentLog();
  const envelopes = envelopesOf(events);
  const journaledIds = new Set([
    ...events.filter((e) => e.type === 'message').map((e) => e.envelope.id),
    ...events.filter((e) => e.type === 'message.refused' || e.type === 'message.duplicate').map((e) => e.id),
  ]);
  const delivered = new Set(events.filter((e) => e.type === 'message.delivered').map((e) => e.id));
  const sent = log.filter((l) => l.ev === 'sent' && l.exit === 0).map((l) => l.id);
  const lost = sent.filter((id) => !journaledIds.has(id));
  const undelivered = envelopes.filter((e) => e.from === 'loop' && e.to !== 'loop' && !delivered.has(e.id)).map((e) => `${e.kind} ${e.id}`);
  const seqsById = new Map();
  for (const e of envelopes) seqsById.set(e.id, (seqsById.get(e.id) ?? 0) + 1);
  const twice = [...seqsById].filter(([, n]) => n > 1).map(([id]) => id);
  const applied = new Map();
  for (const e of events) if (e.type === 'transition' && e.input?.type === 'message') applied.set(e.input.id, (applied.get(e.input.id) ?? 0) + 1);
  const appliedTwice = [...applied].filter(([, n]) => n > 1).map(([id]) => id);
  const typedIn = new Map(); // id → the agent sessions it was typed into, with repeats
  for (const l of log.filter((x) => x.ev === 'typed')) for (const id of l.ids) typedIn.set(id, [...(typedIn.get(id) ?? []), l.session]);
  let sameSession = 0;
  let newSession = 0;
  for (const sessions of typedIn.values()) {
    sameSession += sessions.length - new Set(sessions).size;
    newSession += new Set(sessions).size - 1;
  }
  const skipped = events.filter((e) => e.type === 'message.duplicate').length;
  return { lost, undelivered, twice, appliedTwice, sameSession, newSession, skipped };
}

// Stopped midway (Ctrl-C): end the run in progress and remove its scratch world.
let current;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    current?.child?.kill('SIGKILL');
    current?.world?.cleanup();
    process.exit(130);
  });
}

const calibration = await calibrate();
console.log(`calibration: a whole run is ${calibration.events} journal events, ${calibration.ms} ms; killing by ${mode}`);
const results = [];
for (let i = 0; i < runs; i++) {
  const world = makeWorld({ approveAt });
  const row = { run: i + 1, killAt: '', killed: false, resumeExit: '', completed: false };
  try {
    const running = world.loop(['run', '--ci', 'bench: kill me']);
    current = { world, child: running.child };
    let exited = false;
    void running.then(() => (exited = true));
    if (mode === 'delay') {
      const ms = random(calibration.ms);
      row.killAt = `${ms} ms`;
      await Promise.race([sleep(ms), running]);
    } else {
      const k = random(calibration.events);
      row.killAt = `event ${k}`;
      while (!exited && world.events().length < k) await sleep(10);
    }
    if (!exited) {
      running.child.kill('SIGKILL');
      row.killed = true;
    }
    await running;
    if (row.killed && !world.hasManifest()) {
      // Killed between the first journal line and the first manifest write (a few ms): no agent had started,
      // nothing was sent; `loop resume` says "no manifest" (exit 2). Counted apart.
      row.unborn = true;
      results.push(row);
      console.log(`run ${row.run}/${runs}: kill at ${row.killAt} — before the manifest existed (nothing started)`);
      continue;
    }
    if (row.killed && world.manifest().status !== 'completed') {
      const resuming = world.loop(['resume', '--ci', world.manifest().id]);
      current = { world, child: resuming.child };
      const resumed = await resuming;
      row.resumeExit = String(resumed.code);
      // exit 2 "has already finished": killed after run.finished, the manifest is brought in step (not an error).
      if (resumed.code !== 0 && !/has already finished/.test(resumed.output)) row.output = resumed.output.split('\n').slice(-4).join(' | ');
    }
    row.completed = world.manifest().status === 'completed';
    Object.assign(row, analyse(world));
  } catch (error) {
    row.error = String(error);
  } finally {
    world.cleanup();
  }
  results.push(row);
  const flags = [row.lost?.length && 'LOST', row.twice?.length && 'TWICE', row.appliedTwice?.length && 'APPLIED-TWICE', row.sameSession && 'RETYPED', !row.completed && 'INCOMPLETE'].filter(Boolean);
  console.log(`run ${row.run}/${runs}: kill at ${row.killAt}${row.killed ? '' : ' (finished first)'}${row.resumeExit ? `, resume exit ${row.resumeExit}` : ''}${flags.length ? ` — ${flags.join(' ')}` : ''}${row.output ? ` — ${row.output}` : ''}${row.error ? ` — ${row.error}` : ''}`);
}

const sum = (key) => results.reduce((n, r) => n + (Array.isArray(r[key]) ? r[key].length : Number(r[key] ?? 0)), 0);
const count = (predicate) => results.filter(predicate).length;
console.log('');
printTable(['measure', 'value'], [
  ['runs', runs],
  ['killed before the end', count((r) => r.killed)],
  ['killed before the manifest existed (not resumable, nothing started)', count((r) => r.unborn)],
  ['completed (after resume)', `${count((r) => r.completed)}/${runs - count((r) => r.unborn)}`],
  ['agent messages lost (sent, never journaled)', sum('lost')],
  ['loop messages never marked delivered', sum('undelivered')],
  ['ids journaled twice (two seqs)', sum('twice')],
  ['messages applied twice', sum('appliedTwice')],
  ['re-typed into the same agent session', sum('sameSession')],
  ['typed again into a relaunched session (expected)', sum('newSession')],
  ['leftover spool files skipped (message.duplicate)', sum('skipped')],
]);
const undelivered = results.flatMap((r) => r.undelivered ?? []);
if (undelivered.length) console.log(`\nnever delivered: ${undelivered.join(', ')}`);
