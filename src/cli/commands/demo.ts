import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { startRun } from '../../loop/start-run.js';
import { drive } from '../drive.js';
import { home, userEnv } from '../env.js';
import { selfCommand } from '../self-command.js';

const FILES: Record<string, string> = {
  'math.js': 'export function add(a, b) {\n  return a - b;\n}\n',
  'test.js': "import assert from 'node:assert/strict';\nimport { add } from './math.js';\n\nassert.equal(add(2, 3), 5);\nconsole.log('ok');\n",
  'package.json': '{ "name": "loop-demo", "private": true, "type": "module" }\n',
  '.loop.json': `${JSON.stringify({ worker: 'demo-worker', reviewer: 'demo-reviewer', proof: ['node test.js'], maxIterations: 3 }, null, 2)}\n`,
};

/** `loop demo`: a whole run with the scripted demo pair in a fresh temporary git repository. */
export async function demoCommand(options: { ci?: boolean }): Promise<number> {
  const runsHome = home('write');
  const repo = mkdtempSync(join(tmpdir(), 'loop-demo-'));
  for (const [name, content] of Object.entries(FILES)) writeFileSync(join(repo, name), content);
  const git = (...args: string[]) => execa('git', args, { cwd: repo });
  await git('init', '-q', '-b', 'main');
  await git('-c', 'user.name=loop demo', '-c', 'user.email=demo@loop.invalid', 'commit', '-q', '--allow-empty', '-m', 'empty');
  await git('add', '-A');
  await git('-c', 'user.name=loop demo', '-c', 'user.email=demo@loop.invalid', 'commit', '-q', '-m', 'demo project with a bug in add()');
  process.stdout.write([
    'loop demo: two SCRIPTED demo agents (no model, no agent CLI needed) pair on a small task.',
    `  repository: ${repo}`,
    '  task:       fix add() in math.js and test it with negative numbers',
    '  proof:      node test.js (run by loop itself)',
    '',
  ].join('\n'));
  const ci = Boolean(options.ci);
  const prepared = await startRun({
    cwd: repo, home: runsHome, env: userEnv(), ci, flags: {},
    prompt: 'Fix add() in math.js (it is wrong) and make sure test.js tests it, including negative numbers.',
  });
  const code = await drive(prepared, { ci });
  const self = selfCommand();
  const id = prepared.context.ref.id;
  process.stdout.write([
    `loop demo: the demo repository is kept at ${repo}`,
    `loop demo: next: ${self} ls; ${self} show ${id}; ${self} logs ${id} --role worker`,
    '',
  ].join('\n'));
  return code;
}
