import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { commandWords, proofSurfaceChanges } from '../../src/proof/proof-surface.js';
import { treeHash } from '../../src/proof/tree-hash.js';
import { DEFAULT_PROOF_SURFACE } from '../../src/config/proof-surface-defaults.js';
import { freshDirs, git } from '../helpers/shared.js';

const dirs = freshDirs('loop-proof-surface-test');

function write(root: string, files: Record<string, string>): void {
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), content);
  }
}

/** A committed repository; returns its root and the tree hash it starts from. */
async function repo(files: Record<string, string>): Promise<{ root: string; base: string }> {
  const root = dirs();
  git(root, 'init', '-q');
  write(root, files);
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'init');
  return { root, base: await treeHash(root) };
}

const options = (commands: string[] = []) => ({ globs: DEFAULT_PROOF_SURFACE, commands });

describe('commandWords', () => {
  test('words of the proof commands that could be repository paths', () => {
    assert.deepEqual(commandWords(['node test/run.mjs --grep=x', "sh ./scripts/check.sh && test -f 'out.txt'", 'make -C build/ all; cat a | grep $HOME', 'python -m pytest --rootdir=tests ../up /abs']),
      ['node', 'test/run.mjs', 'x', 'sh', 'scripts/check.sh', 'test', 'out.txt', 'make', 'build', 'all', 'cat', 'a', 'grep', 'python', 'pytest', 'tests']);
  });
});

describe('proofSurfaceChanges', () => {
  test('a deleted test, an edited package.json and a renamed test, with status and line counts; source files are not listed', async () => {
    const { root, base } = await repo({ 'test/a.test.js': 'one\ntwo\nthree\n', 'package.json': '{"scripts":{"test":"node test"}}\n', 'src/b.spec.js': 'x\n'.repeat(20), 'src/index.js': 'x\n' });
    rmSync(join(root, 'test/a.test.js'));
    write(root, { 'package.json': '{"scripts":{"test":"true"}}\n', 'src/index.js': 'y\n' });
    renameSync(join(root, 'src/b.spec.js'), join(root, 'src/b.js'));
    const changes = await proofSurfaceChanges(root, base, await treeHash(root), options());
    assert.deepEqual(changes, [
      { file: 'package.json', status: 'modified', added: 1, removed: 1 },
      { file: 'src/b.js', status: 'renamed', added: 0, removed: 0, from: 'src/b.spec.js' },
      { file: 'test/a.test.js', status: 'deleted', added: 0, removed: 3 },
    ]);
  });

  test('an added file in the surface, untracked files included', async () => {
    const { root, base } = await repo({ 'README.md': '#\n' });
    write(root, { '.github/workflows/ci.yml': 'on: push\n' });
    assert.deepEqual(await proofSurfaceChanges(root, base, await treeHash(root), options()), [
      { file: '.github/workflows/ci.yml', status: 'added', added: 1, removed: 0 },
    ]);
  });

  test('paths named in the proof commands count when they exist at the start (out.txt does not), directories included; config globs replace the defaults', async () => {
    const { root, base } = await repo({ 'check.sh': 'exit 1\n', 'checks/x.sh': 'exit 1\n', 'test/a.test.js': 'x\n' });
    write(root, { 'check.sh': 'exit 0\n', 'checks/x.sh': 'exit 0\n', 'test/a.test.js': 'y\n', 'out.txt': 'new\n' });
    const tree = await treeHash(root);
    const changes = await proofSurfaceChanges(root, base, tree, { globs: ['nothing/**'], commands: ['sh check.sh && sh checks/x.sh', '[ -f out.txt ]'] });
    assert.deepEqual(changes.map((c) => c.file), ['check.sh', 'checks/x.sh']);
  });

  test('PLAN.md counts only when its proof section changed', async () => {
    const plan = (steps: string, proof: string) => `# Plan\n${steps}\n## Proof\n${proof}\n## Notes\nn\n`;
    const { root, base } = await repo({ 'PLAN.md': plan('- [ ] a', '- npm test') });
    write(root, { 'PLAN.md': plan('- [x] a\n- [ ] b', '- npm test') });
    assert.deepEqual(await proofSurfaceChanges(root, base, await treeHash(root), options()), []);
    write(root, { 'PLAN.md': plan('- [x] a', '- npm test (skipped on CI)') });
    assert.deepEqual(await proofSurfaceChanges(root, base, await treeHash(root), options()), [
      { file: 'PLAN.md', status: 'modified', added: 1, removed: 1 },
    ]);
  });

  test('PLAN.md\'s proof section is compared with the approved plan\'s when there is one', async () => {
    const plan = (proof: string) => `# Plan\n- [ ] a\n## Proof\n${proof}\n`;
    const { root, base } = await repo({ 'README.md': 'r\n' });
    write(root, { 'PLAN.md': plan('- npm test') });
    const tree = await treeHash(root);
    assert.deepEqual(await proofSurfaceChanges(root, base, tree, options()), [{ file: 'PLAN.md', status: 'added', added: 3, removed: 0 }], 'new since the base tree');
    assert.deepEqual(await proofSurfaceChanges(root, base, tree, { ...options(), planProofBase: '## Proof\n- npm test\n' }), [], 'as approved');
    assert.deepEqual(await proofSurfaceChanges(root, base, tree, { ...options(), planProofBase: '## Proof\n- npm test\n- npm run lint\n' }), [
      { file: 'PLAN.md', status: 'added', added: 0, removed: 1 },
    ], 'a step of the approved proof dropped');
  });

  test('nothing on the same tree, and nothing outside git', async () => {
    const { root, base } = await repo({ 'test/a.test.js': 'x\n' });
    assert.deepEqual(await proofSurfaceChanges(root, base, base, options()), []);
    assert.deepEqual(await proofSurfaceChanges(root, 'sha256-abc', 'sha256-def', options()), []);
  });
});
