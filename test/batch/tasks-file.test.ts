import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readTasks } from '../../src/batch/tasks-file.js';
import { worstExit } from '../../src/batch/batch-runner.js';
import { loopError, scratchDir } from '../helpers/shared.js';

const dir = scratchDir('loop-tasks');
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('batch tasks file', () => {
  test('a text file: one task per non-empty line; # lines are comments', () => {
    assert.deepEqual(readTasks(file('t.txt', '  fix the bug  \n\n# not a task\nadd a test\n')), ['fix the bug', 'add a test']);
  });

  test('markdown: one task per ## section (heading and body); the introduction is not a task', () => {
    const tasks = readTasks(file('t.md', '# Batch\n\nintro\n\n## Fix the bug\nin math.js\n\n### detail\nmore\n## Add a test\n'));
    assert.deepEqual(tasks, ['Fix the bug\nin math.js\n\n### detail\nmore', 'Add a test']);
  });

  test('a missing file or one without tasks: exit 2 naming the file', () => {
    const missing = loopError(() => readTasks(join(dir, 'nope.txt')));
    assert.equal(missing.exitCode, 2);
    assert.match(missing.message, /nope\.txt: cannot read the tasks file \(ENOENT\)/);
    const empty = loopError(() => readTasks(file('e.md', '# only an introduction\n')));
    assert.equal(empty.exitCode, 2);
    assert.match(empty.message, /e\.md: no tasks in it/);
    assert.match(empty.hint ?? '', /"## " heading/);
  });
});

describe('worstExit', () => {
  test('0 < 1 < 3 < 4 < 2 < 5 < 130; none is 0', () => {
    assert.equal(worstExit([]), 0);
    assert.equal(worstExit([0, 1, 0]), 1);
    assert.equal(worstExit([1, 3]), 3);
    assert.equal(worstExit([4, 3, 1]), 4);
    assert.equal(worstExit([2, 4]), 2);
    assert.equal(worstExit([5, 2, 4]), 5);
    assert.equal(worstExit([130, 5]), 130);
  });
});
