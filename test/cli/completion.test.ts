import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { execa } from 'execa';
import { createPtySession } from '../../src/pty/session.js';
import { LOOP_BIN } from '../integration/helpers.js';
import { waitUntil } from '../pty/helpers.js';

const COMMANDS = ['attach', 'batch', 'clean', 'completion', 'config', 'demo', 'doctor', 'export', 'import', 'inbox', 'logs', 'ls', 'mcp', 'msg', 'pr', 'resume', 'run', 'show', 'stop', 'verify'];

/** A scratch folder holding the generated script, a LOOP_HOME with one stored run, and a plan file; removed after. */
function scratch(t: TestContext, shell: 'bash' | 'zsh', script: string) {
  const dir = mkdtempSync(join(tmpdir(), 'loop-completion-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, `loop.${shell}`), script);
  mkdirSync(join(dir, 'home', 'runs', 'repo-1', '20261130-0901-abcd'), { recursive: true });
  writeFileSync(join(dir, 'plan.md'), '# plan\n');
  return dir;
}

const script = async (shell: string) => execa(process.execPath, [LOOP_BIN, 'completion', shell], { reject: false });

describe('loop completion bash', () => {
  /** Sources the script in a real bash, sets the words of a command line as bash would, and returns COMPREPLY. */
  async function complete(dir: string, line: string): Promise<string[]> {
    const words = line.split(' ');
    const program = [
      `source ${join(dir, 'loop.bash')}`,
      `COMP_WORDS=(${words.map((word) => `'${word}'`).join(' ')})`,
      `COMP_CWORD=${words.length - 1}`,
      'COMP_LINE=$1',
      '_loop',
      'printf "%s\\n" "${COMPREPLY[@]}"',
    ].join('\n');
    const result = await execa('bash', ['--norc', '--noprofile', '-c', program, 'bash', line], { cwd: dir, env: { LOOP_HOME: join(dir, 'home'), PATH: process.env.PATH ?? '' } });
    return result.stdout.split('\n').filter(Boolean).sort();
  }

  test('completes the commands, each command\'s options and their choices, stored run ids and files', async (t) => {
    const generated = await script('bash');
    assert.equal(generated.exitCode, 0);
    const dir = scratch(t, 'bash', generated.stdout);
    assert.deepEqual(await complete(dir, 'loop '), COMMANDS);
    assert.deepEqual(await complete(dir, 'loop show --'), ['--help', '--json']);
    assert.deepEqual(await complete(dir, 'loop --'), ['--help', '--version']);
    assert.deepEqual(await complete(dir, 'loop run --panel '), ['all', 'any', 'majority']);
    assert.deepEqual(await complete(dir, 'loop run --worker '), [], 'an agent name is free text');
    assert.deepEqual(await complete(dir, 'loop run --worker codex pl'), ['plan.md'], 'the prompt argument is a file, past an option and its value');
    assert.deepEqual(await complete(dir, 'loop show '), ['20261130-0901-abcd']);
    assert.deepEqual(await complete(dir, 'loop attach 20261130-0901-abcd rev'), ['reviewer', 'reviewer-2', 'reviewer-3', 'reviewer-4', 'reviewer-5']);
    assert.deepEqual(await complete(dir, 'loop completion '), ['bash', 'zsh']);
    const registered = await execa('bash', ['--norc', '--noprofile', '-c', `source ${join(dir, 'loop.bash')}; complete -p loop`]);
    assert.equal(registered.stdout, 'complete -o filenames -F _loop loop');
  });

  test('an unknown shell is a usage error (exit 2), one line naming the choices', async () => {
    const result = await script('fish');
    assert.equal(result.exitCode, 2);
    assert.match(result.stderr, /^error: command-argument value 'fish' is invalid for argument 'shell'\. Allowed choices are bash, zsh\.$/m);
    assert.equal(result.stdout, '');
  });
});

const hasZsh = (await execa('zsh', ['--version'], { reject: false })).exitCode === 0;

describe('loop completion zsh', () => {
  test('in an interactive zsh, Tab completes a command, an option and its choices', { skip: hasZsh ? false : 'zsh is not installed here' }, async (t) => {
    const generated = await script('zsh');
    assert.equal(generated.exitCode, 0);
    const dir = scratch(t, 'zsh', generated.stdout);
    writeFileSync(join(dir, '.zshrc'), `PS1='zsh> '\nautoload -U compinit && compinit -u -d ${join(dir, '.zcompdump')}\nsource ${join(dir, 'loop.zsh')}\n`);
    const session = await createPtySession(
      { command: 'zsh', args: ['-i'], cwd: dir, env: { ZDOTDIR: dir, HOME: dir, LOOP_HOME: join(dir, 'home'), PATH: process.env.PATH ?? '', TERM: 'xterm-256color' }, cols: 120, rows: 20 },
      { pattern: /zsh> $/, quietMs: 100 },
    );
    t.after(() => session.kill(500));
    const lastLine = () => session.screenText().trimEnd().split('\n').at(-1) ?? '';
    await waitUntil(() => lastLine() === 'zsh>', 'the zsh prompt');
    session.write('loop sh\t');
    await waitUntil(() => lastLine() === 'zsh> loop show', `"loop sh<Tab>" becomes "loop show" (screen: ${lastLine()})`);
    session.write('\x15loop run --pa\t');
    await waitUntil(() => lastLine() === 'zsh> loop run --panel', `"--pa<Tab>" becomes "--panel" (screen: ${lastLine()})`);
    session.write(' ma\t');
    await waitUntil(() => lastLine() === 'zsh> loop run --panel majority', `"--panel ma<Tab>" becomes "majority" (screen: ${lastLine()})`);
    session.write('\x15loop show 2026\t');
    await waitUntil(() => lastLine() === 'zsh> loop show 20261130-0901-abcd', `a stored run id (screen: ${lastLine()})`);
  });
});
