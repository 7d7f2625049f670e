import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { givenPlan } from '../../src/loop/task-text.js';
import { readPlanFile } from '../../src/loop/read-plan.js';
import { freshDirs } from '../helpers/shared.js';

const dirs = freshDirs('loop-task-text-test');

/** A repository root with these files. */
function root(files: Record<string, string> = {}): string {
  const dir = dirs();
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

describe('givenPlan: a plan the worker adopts instead of starting over', () => {
  test('the task is a .md plan file', () => {
    assert.equal(givenPlan('docs/steps.md', root()), 'docs/steps.md');
    assert.equal(givenPlan('  PLAN.md ', root()), 'PLAN.md');
  });

  test('no prompt: the repository\'s PLAN.md is the task', () => {
    assert.equal(givenPlan(undefined, root({ 'PLAN.md': '# Plan\n- [x] all done\n' })), 'PLAN.md');
  });

  test('a PLAN.md with unchecked items beside a plain-text task', () => {
    assert.equal(givenPlan('add a flag', root({ 'PLAN.md': '- [x] a\n- [ ] b\n' })), 'PLAN.md');
  });

  test('none: no PLAN.md, one with every item checked, or one without a checklist', () => {
    assert.equal(givenPlan('add a flag', root()), undefined);
    assert.equal(givenPlan('add a flag', root({ 'PLAN.md': '- [x] a\n- [X] b\n' })), undefined);
    assert.equal(givenPlan('add a flag', root({ 'PLAN.md': '# Notes\nprose only\n' })), undefined);
    assert.equal(givenPlan('fix the README.md typo', root()), undefined, 'a sentence naming a .md file is not a plan file');
  });
});

describe('readPlanFile', () => {
  test('the text, its size and the sha256 of its bytes', () => {
    const text = '- [ ] café\n';
    assert.deepEqual(readPlanFile(root({ 'PLAN.md': text })), { text, bytes: 12, hash: createHash('sha256').update(text, 'utf8').digest('hex') });
  });

  test('what is wrong with it, never a throw: missing, a directory, too large', () => {
    assert.deepEqual(readPlanFile(root()), { problem: 'there is no PLAN.md at the repository root' });
    const dir = root();
    mkdirSync(join(dir, 'PLAN.md'));
    assert.deepEqual(readPlanFile(dir), { problem: 'PLAN.md at the repository root is not a file' });
    assert.deepEqual(readPlanFile(root({ 'PLAN.md': 'x'.repeat(1024 * 1024 + 1) })), { problem: 'PLAN.md is 1048577 bytes; keep it under 1048576 bytes' });
  });
});
