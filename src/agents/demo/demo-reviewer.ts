import { readFileSync } from 'node:fs';
import { loop, pause, runScriptedAgent } from './scripted-agent.js';

// DEMO ONLY: a scripted reviewer. It approves the plan, asks for the planned negative-number test once, then approves.
runScriptedAgent('demo-reviewer', async (message, say) => {
  if (message.kind !== 'review-request') {
    say(`read ${message.kind} ${message.id}`);
    return;
  }
  const request = message.payload;
  if (request.subject === 'plan') {
    say('reviewing the plan (PLAN.md)');
    await pause(500);
    const covered = /negative/i.test(request.plan ?? '');
    const review = covered
      ? { verdict: 'approve', summary: 'The plan fixes add() and tests negative numbers; node test.js is the proof.', findings: [] }
      : { verdict: 'changes', summary: 'The plan must test negative numbers.', findings: [{ severity: 'medium', title: 'No step tests negative numbers' }] };
    loop(['msg', 'review', '--json', JSON.stringify(review)]);
    say(`sent plan review: ${review.verdict}`);
    return;
  }
  say('reviewing the working tree');
  await pause(500);
  if (request.planProgress) {
    const off = request.checkedOff ?? [];
    say(`PLAN.md ${request.planProgress.done}/${request.planProgress.total}${off.length > 0 ? `; checked off since the last review: ${off.join('; ')}` : ''}`);
  }
  const test = readFileSync('test.js', 'utf8');
  // The request lists first the changed files that can weaken the proof (here test.js, named in the proof command).
  const surface = (request.proofSurface ?? []).map((c) => c.file);
  if (surface.length > 0) say(`proof surface changed: ${surface.join(', ')}; checked that the test only gained assertions`);
  const review = /add\(-\d/.test(test)
    ? { verdict: 'approve', summary: 'add() is fixed and covered, negative numbers included.', findings: [], ...(surface.length > 0 ? { proofSurfaceReviewed: true } : {}) }
    : {
        verdict: 'changes',
        summary: 'The fix is right, but the plan\'s negative-number test is missing.',
        findings: [{ severity: 'medium', title: 'No test covers negative numbers', file: 'test.js', line: 4, body: 'Add assertions such as add(-2, -3) === -5, and check the item off in PLAN.md.' }],
      };
  loop(['msg', 'review', '--json', JSON.stringify(review)]);
  say(`sent review: ${review.verdict}`);
});
