import { test } from 'node:test';
import assert from 'node:assert/strict';
import { liveStatusObserver } from '../../src/cli/render/live-status.js';

test('the live status of a resumed run goes on from what each role spent before it', () => {
  let screen = '';
  const observe = liveStatusObserver((text) => (screen += text), false);
  observe({
    type: 'started', runId: 'r1', runDir: '/d', resumed: true, agents: [{ role: 'worker', name: 'w' }, { role: 'reviewer', name: 'v' }],
    spentBefore: { worker: { tokens: 1000, costUsd: 0.5, unknown: false } },
  });
  observe({ type: 'usage', role: 'worker', tokens: 200, costUsd: 0.25 });
  observe({ type: 'usage', role: 'reviewer', tokens: 50, costUsd: 'unknown', unknown: 'no price' });
  observe({ type: 'finished', exitCode: 0, reason: 'ok', runDir: '/d' });
  assert.match(screen, /^ {2}worker {5}w {17}starting {2}1200 tok · \$0\.75$/m);
  assert.match(screen, /^ {2}reviewer {3}v {17}starting {2}50 tok · \$0\.00\+\?$/m);
});
