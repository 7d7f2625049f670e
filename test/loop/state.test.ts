import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { initialState } from '../../src/loop/state.js';

describe('initialState', () => {
  test('starts before iteration 1 with zeroed counters and no result', () => {
    assert.deepEqual(initialState({ task: 'T', proof: ['npm test'], maxIterations: 3, maxMessages: 40 }), {
      phase: 'starting',
      iteration: 0,
      maxIterations: 3,
      maxMessages: 40,
      reviewerMayEdit: false,
      agentMessages: 0,
      lastInputSeq: 0,
      task: 'T',
      proof: ['npm test'],
      unchangedDones: 0,
      cannotReview: 0,
      reproves: 0,
      reminders: { worker: 0, reviewer: 0 },
    });
  });

  test('is JSON-serialisable (journaled after every step)', () => {
    const state = initialState({ task: 'T', proof: [], maxIterations: 1, maxMessages: 1 });
    assert.deepEqual(JSON.parse(JSON.stringify(state)), state);
  });
});
