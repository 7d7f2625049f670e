// Every pairing of the three real harnesses, started exactly as a user would: `loop run --ci --worker X --reviewer Y`.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { envelopes, pairScript, worldRegistry } from './loop-world.mjs';

const HARNESSES = ['claude', 'codex', 'gemini'];
const { world, closeAll } = worldRegistry();
after(closeAll);

describe('every pairing, each agent in its own sandbox', { concurrency: 1 }, () => {
  for (const worker of HARNESSES) {
    for (const reviewer of HARNESSES) {
      test(`--worker ${worker} --reviewer ${reviewer}`, async () => {
        const w = await world(pairScript({ via: 'mcp' }));
        const result = await w.loop(['run', '--ci', '--isolation', 'sandbox', '--worker', worker, '--reviewer', reviewer, '--proof', 'test -f work.txt', 'Create work.txt']);
        assert.equal(result.code, 0, result.output);
        const run = w.run();
        assert.equal(run.manifest.status, 'completed');
        assert.equal(run.manifest.isolation.mode, 'sandbox');
        assert.deepEqual(run.events.filter((e) => e.type === 'message.forged' || e.type === 'tamper.refused'), []);
        assert.deepEqual([run.manifest.roles.worker.agent, run.manifest.roles.reviewer.agent], [worker, reviewer]);
        const receipt = run.events.find((e) => e.type === 'proof.receipt').receipt;
        assert.equal(receipt.passed, true);
        assert.deepEqual(envelopes(run.events).filter((e) => e.from !== 'loop').map((e) => e.kind), ['plan', 'review', 'done', 'review']);
        assert.deepEqual(run.manifest.plan, { done: 1, total: 1, items: [{ text: 'write work.txt', done: true }] });
      });
    }
  }
});
