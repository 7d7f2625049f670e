import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SETTINGS, initialState, LoopStateSchema } from '../../src/loop/state.js';

describe('initialState', () => {
  test('starts before iteration 1 with zeroed counters and no result', () => {
    assert.deepEqual(initialState({ task: 'T', proof: ['npm test'], maxIterations: 3, maxMessages: 40 }), {
      phase: 'starting',
      iteration: 0,
      maxIterations: 3,
      maxMessages: 40,
      reviewerMayEdit: false,
      settings: DEFAULT_SETTINGS,
      agentMessages: 0,
      lastInputSeq: 0,
      task: 'T',
      proof: ['npm test'],
      unchangedDones: 0,
      cannotReview: 0,
      reproves: 0,
      blocking: { keys: [], rounds: 0 },
      reminders: {},
      restarts: {},
      openQuestions: [],
    });
  });

  test('is JSON-serialisable (journaled after every step)', () => {
    const state = initialState({ task: 'T', proof: [], maxIterations: 1, maxMessages: 1 });
    assert.deepEqual(JSON.parse(JSON.stringify(state)), state);
  });

  test('reads back through its schema; a state journaled before the newer fields gets their defaults', () => {
    const state = initialState({ task: 'T', proof: [], maxIterations: 1, maxMessages: 1 });
    assert.deepEqual(LoopStateSchema.parse(JSON.parse(JSON.stringify(state))), state);
    const { settings: _s, blocking: _b, restarts: _r, openQuestions: _q, ...older } = state;
    assert.deepEqual(LoopStateSchema.parse({ ...older, reminders: { worker: 1, reviewer: 0 } }), { ...state, reminders: { worker: 1, reviewer: 0 } });
    assert.equal(LoopStateSchema.safeParse({ ...state, phase: 'dancing' }).success, false);
  });
});
