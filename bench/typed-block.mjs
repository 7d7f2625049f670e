// Benchmark: the largest block loop types into an agent. The worker floods the reviewer with 30 notes of ~8 KiB
// while the reviewer is busy in its turn; when it is idle again, loop types what waits, in one block capped at
// 32 KiB, and names the rest for `loop inbox`. Prints a table; asserts nothing.  Run: npm run bench:typed
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const NOTES = Number(process.env.BENCH_NOTES ?? 30);
const base = mkdtempSync(join(tmpdir(), 'loop-bench-typed-'));
const repo = join(base, 'repo');
mkdirSync(repo);
writeFileSync(join(repo, 'README.md'), '# bench\n');
const git = (...args) => execFileSync('git', ['-c', 'user.name=b', '-c', 'user.email=b@b.invalid', ...args], { cwd: repo });
git('init', '-q', '-b', 'main');
git('add', '-A');
git('commit', '-q', '-m', 'init');
const note = (i) => ({ msg: ['note', '--to', 'reviewer', '--text', `note ${i}: ${'lorem ipsum '.repeat(600)}`] });
const agent = (role, script) => {
  const path = join(base, `${role}.json`);
  writeFileSync(path, JSON.stringify({ bracketedPaste: true, ...script }));
  return { command: process.execPath, args: [join(root, 'test', 'fixtures', 'fake-agent.mjs')], env: { FAKE_SCRIPT: path }, idlePattern: `^${role}>$` };
};
writeFileSync(join(repo, '.loop.json'), JSON.stringify({
  worker: 'w', reviewer: 'r', proof: ['test -f work.txt'], maxIterations: 3, plan: 'off',
  agents: {
    w: agent('worker', { on: { task: [[{ write: ['work.txt', 'x'] }, { msg: ['done', '--text', 'wrote it'] }, ...Array.from({ length: NOTES }, (_, i) => note(i))], [{ msg: ['done', '--text', 'again'] }]] } }),
    // Busy in its first review while the notes arrive; asks for changes, so it is idle again and the notes are typed.
    r: agent('reviewer', { on: { 'review-request': [[{ sleep: 8000 }, { msg: ['review', '--json', '{"verdict":"changes","summary":"once more","findings":[]}'] }], [{ msg: ['review', '--json', '{"verdict":"approve","summary":"ok"}'] }]] } }),
  },
}));
const home = join(base, 'home');
const run = spawnSync(process.execPath, [join(root, 'bin', 'loop.js'), 'run', '--ci', 'bench'], { cwd: repo, env: { ...process.env, LOOP_HOME: home, NO_COLOR: '1' }, encoding: 'utf8', timeout: 180_000 });
const runsDir = join(home, 'runs');
const dir = readdirSync(runsDir).flatMap((r) => readdirSync(join(runsDir, r)).map((id) => join(runsDir, r, id)))[0];
const events = readFileSync(join(dir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
rmSync(base, { recursive: true, force: true });

const notes = events.filter((e) => e.type === 'message' && e.envelope.kind === 'note');
const noteBytes = notes.reduce((n, e) => n + Buffer.byteLength(JSON.stringify(e.envelope.payload)), 0);
const delivered = events.filter((e) => e.type === 'message.delivered');
const blocks = new Map(); // one typed block per (role, bytes, seq run): group by the consecutive deliveries of one hand-off
for (const e of delivered) blocks.set(`${e.to}:${e.bytes}:${e.attempts}:${e.confirmedBy}`, e.bytes);
const largest = Math.max(...delivered.map((e) => e.bytes ?? 0));
const rows = [
  ['measure', 'value'],
  ['run exit code', String(run.status)],
  ['notes queued for the busy reviewer', String(notes.length)],
  ['their payloads, total', `${(noteBytes / 1024).toFixed(1)} KiB`],
  ['messages named by a notice (read with loop inbox)', String(delivered.filter((e) => e.via === 'notice').length)],
  ['largest typed block', `${(largest / 1024).toFixed(1)} KiB (${largest} bytes)`],
  ['cap', '32.0 KiB (32768 bytes)'],
  ['before issue 7 (same flood, no cap)', '227 KiB'],
];
const width = Math.max(...rows.map((r) => r[0].length));
for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
if (run.status !== 0) console.log(`\nloop output:\n${run.stdout}${run.stderr}`);
