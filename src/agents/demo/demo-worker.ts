import { readFileSync, writeFileSync } from 'node:fs';
import { loop, pause, runScriptedAgent } from './scripted-agent.js';

// DEMO ONLY: a scripted worker. Iteration 1 fixes the bug but forgets the requested test;
// iteration 2 adds the test after the reviewer asks for it.
runScriptedAgent('demo-worker', async (message, say) => {
  if (message.kind !== 'task') {
    say(`read ${message.kind} ${message.id}`);
    return;
  }
  const { iteration } = message.payload;
  say(`got task for iteration ${iteration}; planning`);
  writeFileSync('PLAN.md', [
    '# Plan',
    '',
    `- [x] fix add() in math.js (it subtracted)`,
    `- [${iteration > 1 ? 'x' : ' '}] test add() with negative numbers`,
    '- proof: `node test.js`',
    '',
  ].join('\n'));
  await pause(400);
  if (iteration === 1) {
    writeFileSync('math.js', readFileSync('math.js', 'utf8').replace('return a - b;', 'return a + b;'));
    say('fixed add() in math.js');
    await pause(400);
    loop(['msg', 'done', '--text', 'Fixed add(): it subtracted instead of adding. PLAN.md updated.']);
  } else {
    const test = readFileSync('test.js', 'utf8');
    writeFileSync('test.js', test.replace("console.log('ok');", "assert.equal(add(-2, -3), -5);\nassert.equal(add(-1, 1), 0);\nconsole.log('ok');"));
    say('added tests for negative numbers to test.js');
    await pause(400);
    loop(['msg', 'done', '--json', JSON.stringify({ summary: 'Added the negative-number tests the reviewer asked for.', evidence: ['test.js: add(-2, -3) and add(-1, 1)'] })]);
  }
  say('sent done');
});
