import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Intake, type Arrival } from '../../src/bus/intake.js';
import { writeSpoolRecord, type SpoolRecord } from '../../src/bus/spool.js';
import { freshDirs } from '../helpers/shared.js';

const newDir = freshDirs('loop-intake-test');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const intakes: Intake[] = [];
after(() => Promise.all(intakes.map((i) => i.close())));

const note = (id: string, text = 'hi'): SpoolRecord => ({
  type: 'submission', submission: { id, from: 'worker', kind: 'note', payload: { text }, at: '2026-01-01T00:00:00.000Z', via: 'cli' },
});

/** An intake over one drop-box, recording what it hands over. */
async function started(dir: string) {
  const arrivals: Arrival[] = [];
  const intake = new Intake([{ dir, owner: 'worker' }], {
    arrival: async (arrival) => {
      arrivals.push(arrival);
      return 'taken' as const;
    },
    unreadable: async () => undefined,
    failed: (error) => assert.fail(`intake failed: ${String(error)}`),
  });
  intakes.push(intake);
  await intake.start();
  return { intake, arrivals };
}

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) assert.fail('timed out');
    await sleep(10);
  }
}

describe('Intake', () => {
  test('hands over each record once, in order, and removes its file (top level and a folder inside)', async () => {
    const dir = join(newDir(), 'spool');
    const { intake, arrivals } = await started(dir);
    const ids = Array.from({ length: 20 }, (_, i) => `m-${String(i).padStart(9, '0')}aaaaaaaa`);
    for (const id of ids) writeSpoolRecord(dir, id, note(id));
    mkdirSync(join(dir, 'inner'));
    writeSpoolRecord(join(dir, 'inner'), 'm-100000000aaaaaaaa', note('m-100000000aaaaaaaa'));
    await until(() => arrivals.length >= 21);
    await sleep(300); // a late second event for any of them would show now
    await intake.drain();
    const taken = arrivals.map((a) => (a.record.type === 'submission' ? a.record.submission.id : ''));
    assert.deepEqual(taken.slice(0, 20), ids);
    assert.equal(taken.length, 21);
    assert.deepEqual(readdirSync(dir).filter((name) => name.endsWith('.json')), []);
  });
});
