import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { liveStatusObserver } from '../../src/cli/render/live-status.js';
import { logLinesObserver } from '../../src/cli/render/log-lines.js';
import { initialState, type LoopState } from '../../src/loop/state.js';

const withPlan = (done: number, total: number, phase: LoopState['phase'] = 'working'): LoopState => ({
  ...initialState({ task: 'T', proof: [], maxIterations: 3, maxMessages: 10 }),
  phase, iteration: 1,
  checklist: { progress: { done, total, items: [] }, seen: [], checkedOff: [] },
});

describe('plan progress in the run\'s live output', () => {
  test('the live status line shows plan n/m', () => {
    let screen = '';
    const observe = liveStatusObserver((text) => (screen += text), false);
    observe({ type: 'started', runId: 'r1', runDir: '/d', resumed: false, agents: [{ role: 'worker', name: 'w' }, { role: 'reviewer', name: 'v' }] });
    observe({ type: 'state', state: withPlan(3, 5) });
    observe({ type: 'finished', exitCode: 0, reason: 'ok', runDir: '/d' });
    assert.match(screen, /^loop · run r1 · iteration 1\/3 · working · plan 3\/5 · \d\d:\d\d$/m);
  });

  test('no checklist: no plan in the status line', () => {
    let screen = '';
    const observe = liveStatusObserver((text) => (screen += text), false);
    observe({ type: 'state', state: initialState({ task: 'T', proof: [], maxIterations: 3, maxMessages: 10 }) });
    observe({ type: 'finished', exitCode: 0, reason: 'ok', runDir: '/d' });
    assert.doesNotMatch(screen, /plan/);
  });

  test('--ci log lines say the progress each time it changes', () => {
    const lines: string[] = [];
    const observe = logLinesObserver((text) => lines.push(text));
    observe({ type: 'state', state: withPlan(0, 2, 'plan-review') });
    observe({ type: 'state', state: withPlan(0, 2, 'working') });
    observe({ type: 'state', state: withPlan(1, 2, 'reviewing') });
    assert.deepEqual(lines.map((l) => l.replace(/^\[\d\d:\d\d:\d\d\] /, '')), [
      'phase: plan-review (iteration 1/3)\n', 'plan 0/2 items checked\n', 'phase: working (iteration 1/3)\n', 'phase: reviewing (iteration 1/3)\n', 'plan 1/2 items checked\n',
    ]);
  });
});
