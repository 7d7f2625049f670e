import { test } from 'node:test';
import assert from 'node:assert/strict';
import { taskTitle } from '../../src/report/task-title.js';
import { approvedCommitMessage } from '../../src/worktree/approved-commit.js';

test('a task title: the first line, a plan file\'s first heading, capped at 72', () => {
  assert.equal(taskTitle('Fix add()\n\nit subtracts'), 'Fix add()');
  assert.equal(taskTitle('Carry out the plan in PLAN.md:\n\n# Plan: validate the form\n\n- [ ] x'), 'Plan: validate the form');
  assert.equal(taskTitle('## Add   a test'), 'Add a test');
  assert.equal(taskTitle('x'.repeat(100)).length, 72);
  assert.ok(taskTitle('x'.repeat(100)).endsWith('…'));
});

test('the commit message: the title, then the Loop-* trailers (one Loop-Reviewed-By per approving reviewer)', () => {
  const message = approvedCommitMessage({ tree: 'a'.repeat(40), title: 'Fix add()', runId: 'r1', proof: ['npm test', 'npm run\nlint'], reviewedBy: ['reviewer (claude)', 'reviewer-2 (gemini)'] });
  assert.equal(message, `Fix add()\n\nLoop-Run: r1\nLoop-Tree: ${'a'.repeat(40)}\nLoop-Proof: passed: npm test; npm run lint\nLoop-Reviewed-By: reviewer (claude)\nLoop-Reviewed-By: reviewer-2 (gemini)\n`);
  assert.match(approvedCommitMessage({ tree: 't', title: 'x', runId: 'r', proof: [], reviewedBy: [] }), /Loop-Proof: none configured\n$/);
});
