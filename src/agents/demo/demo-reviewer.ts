import { readFileSync } from 'node:fs';
import { loop, pause, runScriptedAgent } from './scripted-agent.js';

// DEMO ONLY: a scripted reviewer. It asks for a negative-number test once, then approves.
runScriptedAgent('demo-reviewer', async (message, say) => {
  if (message.kind !== 'review-request') {
    say(`read ${message.kind} ${message.id}`);
    return;
  }
  say('reviewing the working tree');
  await pause(500);
  const test = readFileSync('test.js', 'utf8');
  // The request lists first the changed files that can weaken the proof (here test.js, named in the proof command).
  const surface = (message.payload.proofSurface ?? []).map((c) => c.file);
  if (surface.length > 0) say(`proof surface changed: ${surface.join(', ')}; checked that the test only gained assertions`);
  const review = /add\(-\d/.test(test)
    ? { verdict: 'approve', summary: 'add() is fixed and covered, negative numbers included.', findings: [], ...(surface.length > 0 ? { proofSurfaceReviewed: true } : {}) }
    : {
        verdict: 'changes',
        summary: 'The fix is right, but the task asked for a test with negative numbers.',
        findings: [{ severity: 'medium', title: 'No test covers negative numbers', file: 'test.js', line: 4, body: 'Add assertions such as add(-2, -3) === -5.' }],
      };
  loop(['msg', 'review', '--json', JSON.stringify(review)]);
  say(`sent review: ${review.verdict}`);
});
