import { readFileSync, writeFileSync } from 'node:fs';
import { loop, pause, runScriptedAgent } from './scripted-agent.js';

const FIX = 'fix add() in math.js (it subtracts)';
const TEST = 'test add() with negative numbers in test.js';

/** PLAN.md with the items done so far checked. */
const plan = (done: readonly string[]) => [
  '# Plan',
  '',
  ...[FIX, TEST].map((item) => `- [${done.includes(item) ? 'x' : ' '}] ${item}`),
  '',
  'Proof: `node test.js` passes (loop runs it).',
  '',
].join('\n');

// DEMO ONLY: a scripted worker. In the plan phase it writes PLAN.md; iteration 1 fixes the bug but forgets the
// planned test; iteration 2 adds the test after the reviewer asks for it. It checks items off as it goes.
runScriptedAgent('demo-worker', async (message, say) => {
  if (message.kind !== 'task') {
    say(`read ${message.kind} ${message.id}`);
    return;
  }
  const { iteration, phase } = message.payload;
  if (phase === 'plan') {
    say('plan phase: writing PLAN.md (a checklist and the proof)');
    writeFileSync('PLAN.md', plan([]));
    await pause(400);
    loop(['msg', 'plan', '--text', 'Two steps: fix add(), then test it with negative numbers; proof: node test.js.']);
    say('sent the plan for review');
    return;
  }
  say(`got task for iteration ${iteration}; following PLAN.md`);
  await pause(400);
  if (iteration === 1) {
    writeFileSync('math.js', readFileSync('math.js', 'utf8').replace('return a - b;', 'return a + b;'));
    writeFileSync('PLAN.md', plan([FIX]));
    say('fixed add() in math.js; checked it off in PLAN.md');
    await pause(400);
    loop(['msg', 'done', '--text', 'Fixed add(): it subtracted instead of adding. PLAN.md updated.']);
  } else {
    const test = readFileSync('test.js', 'utf8');
    writeFileSync('test.js', test.replace("console.log('ok');", "assert.equal(add(-2, -3), -5);\nassert.equal(add(-1, 1), 0);\nconsole.log('ok');"));
    writeFileSync('PLAN.md', plan([FIX, TEST]));
    say('added tests for negative numbers to test.js; PLAN.md is all checked');
    await pause(400);
    loop(['msg', 'done', '--json', JSON.stringify({ summary: 'Added the negative-number tests the reviewer asked for.', evidence: ['test.js: add(-2, -3) and add(-1, 1)'] })]);
  }
  say('sent done');
});
