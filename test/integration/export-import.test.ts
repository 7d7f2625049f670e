import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { execa } from 'execa';
import { create } from 'tar';
import { LOOP_BIN, useWorlds, type World } from './helpers.js';

const world = useWorlds();
const done = (text = 'did the work') => ({ msg: ['done', '--text', text] });
const review = (verdict: string) => ({ msg: ['review', '--json', JSON.stringify({ verdict, summary: `verdict ${verdict}`, findings: [] })] });

/** `loop …` with its own LOOP_HOME. */
const loopAt = (w: World, home: string, args: string[]) =>
  execa(process.execPath, [LOOP_BIN, ...args], { cwd: w.repo, env: { ...w.env(), LOOP_HOME: home }, reject: false, timeout: 90_000, stdin: 'ignore' });

describe('loop export and loop import', () => {
  let w: World;
  let runId: string;
  let bundle: string;
  before(async () => {
    w = await world();
    w.configure({ on: { task: [[{ write: ['work.txt', 'w\n'] }, done()]] } }, { on: { 'review-request': [[review('approve')]] } });
    const result = await w.loop(['run', '--ci', 'write work.txt']);
    assert.equal(result.exitCode, 0, result.all);
    runId = basename(w.onlyRun().dir);
    bundle = join(w.base, 'out.tar.gz');
  });

  test('a completed run exports to a tar.gz that tar -tzf lists: records only, the agents\' env values left out', async () => {
    const result = await w.loop(['export', runId.slice(0, 18), '-o', bundle]);
    assert.equal(result.exitCode, 0, result.all);
    assert.equal(result.stdout, `exported run ${runId} (7 files) to ${bundle}\nopen it elsewhere with: loop import ${bundle}`);
    const listed = (await execa('tar', ['-tzf', bundle])).stdout.split('\n').sort();
    assert.deepEqual(listed, [`${runId}/`, `${runId}/events.jsonl`, `${runId}/manifest.json`, `${runId}/proof/`, `${runId}/proof/${readdirSync(join(w.onlyRun().dir, 'proof'))[0]}`,
      `${runId}/result.json`, `${runId}/reviewer.cast`, `${runId}/summary.md`, `${runId}/worker.cast`].sort());
    const manifest = JSON.parse((await execa('tar', ['-xzOf', bundle, `${runId}/manifest.json`])).stdout);
    assert.deepEqual(manifest.config.agents['fake-worker'].env, { FAKE_SCRIPT: '(left out by loop export)' });
    const summary = (await execa('tar', ['-xzOf', bundle, `${runId}/summary.md`])).stdout;
    assert.match(summary, /^## ✅ loop run `.*`: completed/);
  });

  test('imported into an empty LOOP_HOME, loop show, loop logs and loop verify work; a second import is refused', async () => {
    const home = join(w.base, 'elsewhere');
    const imported = await loopAt(w, home, ['import', bundle]);
    assert.equal(imported.exitCode, 0, imported.stderr);
    const dir = join(home, 'runs', w.onlyRun().manifest.repoId, runId);
    assert.equal(imported.stdout, `imported run ${runId} into ${dir}\nsee it with: loop show ${runId}`);
    const show = await loopAt(w, home, ['show', runId]);
    assert.equal(show.exitCode, 0, show.stderr);
    assert.match(show.stdout, /status {4}completed \(exit 0\)/);
    assert.match(show.stdout, /journal {3}chain intact/);
    const verify = await loopAt(w, home, ['verify', runId]);
    assert.equal(verify.exitCode, 0, verify.stdout);
    assert.match(verify.stdout, /every check holds/);
    const logs = await loopAt(w, home, ['logs', runId, '--role', 'worker']);
    assert.equal(logs.exitCode, 0, logs.stderr);
    assert.match(logs.stdout, /worker>/);
    const again = await loopAt(w, home, ['import', bundle]);
    assert.equal(again.exitCode, 2);
    assert.equal(again.stderr.split('\n')[0], `loop: run ${runId} is already in ${dir}; nothing was imported`);
  });

  test('hostile bundles are refused whole, with one line and exit 2, and nothing lands in LOOP_HOME', async () => {
    const make = async (name: string, build: (dir: string) => Promise<void>) => {
      const dir = join(w.base, `hostile-${name}`);
      mkdirSync(join(dir, 'R1', 'proof'), { recursive: true });
      writeFileSync(join(dir, 'R1', 'events.jsonl'), '');
      await build(dir);
      return join(w.base, `${name}.tar.gz`);
    };
    const cases: Array<[string, (dir: string, file: string) => Promise<void>, RegExp]> = [
      ['symlink', async (dir, file) => {
        symlinkSync('/etc/passwd', join(dir, 'R1', 'manifest.json'));
        await create({ gzip: true, file, cwd: dir }, ['R1']);
      }, /R1\/manifest\.json: a SymbolicLink entry/],
      ['dotdot', async (dir, file) => {
        writeFileSync(join(dir, 'evil'), 'x');
        await create({ gzip: true, file, cwd: join(dir, 'R1'), preservePaths: true }, ['../evil', 'events.jsonl']);
      }, /refused: \.\.\/evil: a path with '\.\.'/],
      ['absolute', async (dir, file) => {
        await create({ gzip: true, file, cwd: dir, preservePaths: true }, [join(dir, 'R1', 'events.jsonl')]);
      }, /: an absolute path/],
      ['secret', async (dir, file) => {
        mkdirSync(join(dir, 'R1', 'private'));
        writeFileSync(join(dir, 'R1', 'private', 'role-keys.json'), '{}');
        await create({ gzip: true, file, cwd: dir }, ['R1']);
      }, /R1\/private\/: a folder a bundle does not hold|R1\/private\/role-keys\.json: a file a bundle does not hold/],
      ['not-a-tar', async (_dir, file) => writeFileSync(file, 'just text\n'), /: refused: not a readable tar\.gz/],
    ];
    const home = join(w.base, 'target-home');
    for (const [name, build, reason] of cases) {
      const file = await make(name, async (dir) => build(dir, join(w.base, `${name}.tar.gz`)));
      const result = await loopAt(w, home, ['import', file]);
      assert.equal(result.exitCode, 2, `${name}: ${result.stdout}${result.stderr}`);
      assert.equal(result.stderr.trim().split('\n').length, 1, `${name}: ${result.stderr}`);
      assert.match(result.stderr, new RegExp(`^loop: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: refused: `), name);
      assert.match(result.stderr, reason, name);
      assert.deepEqual(readdirSync(home).filter((n) => n !== 'runs'), [], `${name}: left something in LOOP_HOME`);
      assert.equal(existsSync(join(home, 'runs')) ? readdirSync(join(home, 'runs')).length : 0, 0, name);
      assert.equal(existsSync(join(home, 'evil')), false);
    }
  });

  test('export of an unknown run, and import of a missing file: one line, exit 2', async () => {
    const unknown = await w.loop(['export', 'nope']);
    assert.equal(unknown.exitCode, 2);
    assert.match(unknown.stderr, /^loop: no run matches 'nope'/);
    const missing = await loopAt(w, join(w.base, 'h3'), ['import', join(w.base, 'missing.tar.gz')]);
    assert.equal(missing.exitCode, 2);
    assert.equal(missing.stderr, `loop: ${join(w.base, 'missing.tar.gz')}: no such file`);
  });
});
