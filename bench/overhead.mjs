// Benchmark: loop's own overhead per iteration, with instant command agents (bench/fixtures/instant-agent.mjs):
// the worker answers each task with `loop msg done` at once, the reviewer asks for changes N−1 times and then
// approves; the proof is `true`. Timestamps come from the agents (when a message's line reached them, when
// their `loop msg` returned) and from the journal. Prints a table; asserts nothing.
// Run: npm run bench:overhead   (BENCH_RUNS=3 BENCH_ITERATIONS=5 BENCH_QUIET_MS=… to vary)
import { envelopesOf, makeWorld, median, printTable } from './lib/world.mjs';

const runs = Number(process.env.BENCH_RUNS ?? 3);
const iterations = Number(process.env.BENCH_ITERATIONS ?? 5);
const quietMs = process.env.BENCH_QUIET_MS ? Number(process.env.BENCH_QUIET_MS) : undefined;
const TARGET_MS = 150;

const at = (event) => Date.parse(event.at);

/** Per iteration: where the baton was, in ms (agent-side and journal-side timings). */
function measure(world) {
  const log = world.agentLog();
  const events = world.events();
  const envelopes = envelopesOf(events);
  const kindOf = new Map(envelopes.map((e) => [e.id, e]));
  const delivered = new Map(events.filter((e) => e.type === 'message.delivered').map((e) => [e.id, at(e)]));
  const journaled = new Map(events.filter((e) => e.type === 'message').map((e) => [e.envelope.id, at(e)]));
  const typed = (role, kind) => log.filter((l) => l.role === role && l.ev === 'typed' && l.kinds.includes(kind));
  const sent = (kind) => log.filter((l) => l.ev === 'sent' && l.kind === kind && l.exit === 0);
  const tasks = typed('worker', 'task');
  const requests = typed('reviewer', 'review-request');
  const dones = sent('done');
  const reviews = sent('review');
  const proofs = events.filter((e) => e.type === 'proof.receipt').map((e) => e.receipt.durationMs);
  const rows = [];
  for (let i = 0; i < iterations; i++) {
    const [task, done, request, review, next] = [tasks[i], dones[i], requests[i], reviews[i], tasks[i + 1]];
    if (!task || !done || !request || !review) break;
    const requestId = request.ids[request.kinds.indexOf('review-request')];
    const nextTaskId = next ? next.ids[next.kinds.indexOf('task')] : undefined;
    rows.push({
      worker: done.t - task.t,
      reviewer: review.t - request.t,
      doneToRequest: request.t - done.t,
      reviewToTask: next ? next.t - review.t : undefined,
      intake: (journaled.get(done.id) ?? NaN) - done.t,
      journalDoneToDelivered: (delivered.get(requestId) ?? NaN) - (journaled.get(done.id) ?? NaN),
      journalReviewToDelivered: nextTaskId ? (delivered.get(nextTaskId) ?? NaN) - (journaled.get(review.id) ?? NaN) : undefined,
      proof: proofs[i] ?? NaN,
      kind: kindOf.get(requestId)?.kind,
    });
  }
  return rows;
}

const all = [];
for (let r = 0; r < runs; r++) {
  const world = makeWorld({ approveAt: iterations, extra: { quietMs } });
  try {
    const started = Date.now();
    const result = await world.loop(['run', '--ci', 'bench: answer each task at once']);
    if (result.code !== 0) throw new Error(`loop run exited ${result.code}:\n${result.output}`);
    const rows = measure(world);
    all.push(...rows);
    console.log(`run ${r + 1}/${runs}: ${rows.length} iterations in ${Date.now() - started} ms`);
  } finally {
    world.cleanup();
  }
}

const full = all.filter((row) => row.reviewToTask !== undefined);
const ms = (values) => (values.length ? `${Math.round(median(values))}` : '-');
const col = (rows, key) => rows.map((row) => row[key]).filter((v) => v !== undefined && !Number.isNaN(v));
console.log(`\nloop overhead per iteration (median ms over ${full.length} full iterations of ${runs} run(s); quiet window ${quietMs ?? 'default'})\n`);
printTable(['segment', 'who holds the baton', 'median ms'], [
  ['task typed → done sent', 'worker (agent floor)', ms(col(full, 'worker'))],
  ['review-request typed → review sent', 'reviewer (agent floor)', ms(col(full, 'reviewer'))],
  ['done sent → review-request typed', 'loop', ms(col(full, 'doneToRequest'))],
  ['  of which: spool → journaled (intake)', 'loop', ms(col(full, 'intake'))],
  ['  of which: proof `true`', 'loop', ms(col(full, 'proof'))],
  ['  journal: done → review-request delivered', 'loop', ms(col(full, 'journalDoneToDelivered'))],
  ['review sent → next task typed', 'loop', ms(col(full, 'reviewToTask'))],
  ['  journal: review → task delivered', 'loop', ms(col(full, 'journalReviewToDelivered'))],
  ['loop total per iteration', 'loop', ms(full.map((row) => row.doneToRequest + row.reviewToTask))],
  ['agents total per iteration', 'agents', ms(full.map((row) => row.worker + row.reviewer))],
]);
const total = median(full.map((row) => row.doneToRequest + row.reviewToTask));
console.log(`\ntarget: loop's own time ≤ ${TARGET_MS} ms per iteration (median ${Math.round(total)} ms)`);
