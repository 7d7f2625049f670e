import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { LOOP_BIN, useWorlds } from './helpers.js';

const world = useWorlds();

// Every command that reads or stores runs (or reads the user config there).
const COMMANDS = [
  ['run', '--ci', 'do it'], ['resume', 'x'], ['demo', '--ci'], ['ls'], ['ls', '--json'], ['show', 'x'], ['logs', 'x'], ['verify', 'x'],
  ['stop', 'x'], ['attach', 'x', 'worker'], ['doctor'], ['doctor', '--revert'], ['config'],
];

describe('a LOOP_HOME loop cannot use', () => {
  test('a file: every command says so in one line (exit 2, no stack) and leaves the file as it was', async () => {
    const w = await world();
    const file = join(w.base, 'home-file');
    writeFileSync(file, 'precious\n');
    for (const args of COMMANDS) {
      const result = await execa(process.execPath, [LOOP_BIN, ...args], { cwd: w.repo, env: { ...w.env(), LOOP_HOME: file }, reject: false, stdin: 'ignore' });
      const what = `loop ${args.join(' ')}`;
      assert.equal(result.exitCode, 2, `${what}: ${result.stderr}`);
      assert.equal(result.stderr, [
        `loop: LOOP_HOME (${file}) is a file, not a folder: loop keeps its runs there`,
        '  hint: point LOOP_HOME at a folder you can write (or unset it to use ~/.loop), or move the file away',
      ].join('\n'), what);
      assert.equal(result.stdout, '', what);
    }
    assert.equal(readFileSync(file, 'utf8'), 'precious\n');
  });

  test('under a file: it cannot be created', async () => {
    const w = await world();
    writeFileSync(join(w.base, 'home-file'), '');
    const home = join(w.base, 'home-file', 'loop');
    for (const args of [['run', '--ci', 'do it'], ['ls']]) {
      const result = await execa(process.execPath, [LOOP_BIN, ...args], { cwd: w.repo, env: { ...w.env(), LOOP_HOME: home }, reject: false, stdin: 'ignore' });
      assert.equal(result.exitCode, 2, result.stderr);
      assert.equal(result.stderr.split('\n')[0], `loop: LOOP_HOME (${home}) cannot be created: ${join(w.base, 'home-file')} is a file, not a folder`);
    }
  });

  test("a file where its runs folder goes: run says which folder it cannot create, and why", async () => {
    const w = await world();
    w.configure({ on: {} }, { on: {} });
    mkdirSync(w.home);
    writeFileSync(join(w.home, 'runs'), 'precious\n');
    const result = await w.loop(['run', '--ci', 'do it']);
    assert.equal(result.exitCode, 2, result.all);
    assert.match(result.stderr, new RegExp(`^loop: cannot create the run folder under ${join(w.home, 'runs')}/repo-[0-9a-f]{12} \\(EEXIST: file already exists, mkdir '${join(w.home, 'runs')}'\\)\n  hint: check that LOOP_HOME \\(${w.home}\\) is a folder you can write, or point LOOP_HOME elsewhere$`));
    assert.equal(readFileSync(join(w.home, 'runs'), 'utf8'), 'precious\n');
  });

  // Root may read and write anything: as root the commands run as nobody (setpriv), with the folder root's.
  const root = process.getuid?.() === 0;
  // As root the check runs as nobody, who must be able to reach the test's folder through the temp folder.
  const reachable = !root || (statSync(tmpdir()).mode & 0o001) !== 0;
  test('a folder you may not write (or not read): run and resume refuse, ls refuses only what it cannot read', { skip: reachable ? false : `the temp folder ${tmpdir()} is not searchable by other users, so nobody cannot reach the test's LOOP_HOME` }, async () => {
    const w = await world();
    const home = join(w.base, 'locked-home');
    mkdirSync(home);
    chmodSync(w.base, 0o755); // the way there stays open to the other user
    const loop = (args: string[]) => execa(root ? 'setpriv' : process.execPath, [
      ...(root ? ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath] : []), LOOP_BIN, ...args,
    ], { cwd: '/', env: { ...w.env(), LOOP_HOME: home, HOME: '/nonexistent' }, reject: false, stdin: 'ignore' });

    chmodSync(home, root ? 0o755 : 0o555); // readable, not writable
    for (const args of [['run', '--ci', 'do it'], ['resume', 'x'], ['stop', 'x']]) {
      const result = await loop(args);
      assert.equal(result.exitCode, 2, result.stderr);
      assert.equal(result.stderr, [
        `loop: LOOP_HOME (${home}) is not writable by you: loop keeps its runs there`,
        '  hint: point LOOP_HOME at a folder you can write (or unset it to use ~/.loop), or give yourself read, write and search permission on it',
      ].join('\n'));
    }
    const listed = await loop(['ls']);
    assert.equal(listed.exitCode, 0, listed.stderr);

    chmodSync(home, root ? 0o700 : 0o000); // not even readable
    const unreadable = await loop(['ls']);
    assert.equal(unreadable.exitCode, 2, unreadable.stderr);
    assert.equal(unreadable.stderr.split('\n')[0], `loop: LOOP_HOME (${home}) is not readable by you: loop keeps its runs there`);
    chmodSync(home, 0o700);
  });
});
