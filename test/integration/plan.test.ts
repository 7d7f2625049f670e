import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { envelopes, useWorlds } from './helpers.js';

// The plan phase (issue 8), with two fake command agents written only against the contracts.

const world = useWorlds();

const msg = (...args: string[]) => ({ msg: args });
const review = (verdict: string, findings: unknown[] = []) => msg('review', '--json', JSON.stringify({ verdict, summary: `verdict ${verdict}`, findings }));
const writePlan = (text: string) => ({ write: ['PLAN.md', text] });
const PLAN_V1 = '# Plan\n\n- [ ] write work.txt\n\n## Proof\n\ntest -f work.txt\n';
const PLAN_V2 = '# Plan\n\n- [ ] write work.txt\n- [ ] say why in work.txt\n\n## Proof\n\ntest -f work.txt\n';
const PLAN_DONE = PLAN_V2.replaceAll('- [ ]', '- [x]');
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const route = (e: Record<string, any>) => `${e.from}>${e.to}:${e.kind}${e.payload.phase ? `(${e.payload.phase})` : ''}${e.payload.subject ? `(${e.payload.subject})` : ''}`;

describe('loop run --ci: the plan phase', () => {
  test('plan review: plan → changes once → plan approved → work → done → proof → approve; exit 0, plan 2/2', async () => {
    const w = await world();
    const finding = { severity: 'high', title: 'The plan does not say why', file: 'PLAN.md', line: 3 };
    w.configure(
      {
        on: {
          plan: [[writePlan(PLAN_V1), msg('plan', '--text', 'one step')], [writePlan(PLAN_V2), msg('plan', '--text', 'two steps')]],
          task: [[{ write: ['work.txt', 'work, because the task says so\n'] }, writePlan(PLAN_DONE), msg('done', '--text', 'wrote work.txt')]],
        },
      },
      { on: { 'plan-review': [[review('changes', [finding])], [review('approve')]], 'review-request': [[review('approve')]] } },
    );
    const result = await w.loop(['run', '--ci', 'write work.txt']);
    assert.equal(result.exitCode, 0, result.all);
    assert.match(result.all, /completed \(exit 0\): approved and proof passed on tree [0-9a-f]{12}/);
    assert.match(result.all, /^loop: plan 2\/2 items checked$/m);
    const run = w.onlyRun();
    assert.deepEqual(envelopes(run.events).map(route), [
      'loop>worker:task(plan)', 'worker>loop:plan', 'loop>reviewer:review-request(plan)', 'reviewer>loop:review',
      'loop>worker:task(plan)', 'worker>loop:plan', 'loop>reviewer:review-request(plan)', 'reviewer>loop:review',
      'loop>worker:task(work)', 'worker>loop:done', 'loop>reviewer:review-request(change)', 'reviewer>loop:review',
    ]);
    const all = envelopes(run.events);
    const requests = all.filter((e) => e.kind === 'review-request');
    assert.equal(requests[0].payload.plan, PLAN_V1);
    assert.equal(requests[1].payload.plan, PLAN_V2);
    assert.deepEqual(requests[1].payload.planProgress, { done: 0, total: 2 });
    const secondPlanTask = all.filter((e) => e.kind === 'task')[1];
    assert.match(secondPlanTask.payload.text, /^Plan round 2 of 2: the reviewer did not approve the plan \(changes requested\)\./);
    assert.match(secondPlanTask.payload.text, /\[high\] The plan does not say why \(PLAN\.md:3\)/);
    const approvedEvents = run.events.filter((e) => e.type === 'plan.approved');
    assert.equal(approvedEvents.length, 1);
    assert.equal(approvedEvents[0].hash, sha256(PLAN_V2));
    assert.equal(approvedEvents[0].reviewed, true);
    assert.equal(approvedEvents[0].round, 2);
    assert.match(all.find((e) => e.payload.phase === 'work').payload.text, new RegExp(`^The reviewer approved your plan \\(PLAN\\.md, sha256 ${sha256(PLAN_V2).slice(0, 12)}\\)`));
    // The change review request says what was checked off since the plan was approved.
    assert.deepEqual(requests[2].payload.planProgress, { done: 2, total: 2 });
    assert.deepEqual(requests[2].payload.checkedOff, ['write work.txt', 'say why in work.txt']);
    // PLAN.md's proof section is the one the reviewer approved: not listed as a proof-surface change.
    assert.equal(requests[2].payload.proofSurface, undefined);
    assert.equal(run.manifest.proofSurface, undefined);
    assert.ok(run.events.some((e) => e.type === 'plan.progress' && e.done === 2 && e.total === 2));
    assert.deepEqual(run.manifest.plan, { done: 2, total: 2, items: [{ text: 'write work.txt', done: true }, { text: 'say why in work.txt', done: true }] });
    const show = await w.loop(['show', '--json', run.manifest.id]);
    const shown = JSON.parse(show.stdout);
    assert.equal(shown.plan.done, shown.plan.total);
    assert.equal(shown.plan.total, 2);
    const text = await w.loop(['show', run.manifest.id]);
    assert.match(text.stdout, /^plan {6}2\/2 items checked\n {10}\[x\] write work\.txt\n {10}\[x\] say why in work\.txt$/m);
    const ls = await w.loop(['ls']);
    assert.match(ls.stdout, /^RUN +STATUS +ITER +PLAN +COST +WORKER\/REVIEWER/m);
    assert.match(ls.stdout, new RegExp(`^${run.manifest.id} +completed \\(0\\) +1/3 +2/2 +- +fake-worker/fake-reviewer`, 'm'));
  });

  test('--plan off behaves as before: no plan step, no phase, no PLAN.md', async () => {
    const w = await world();
    w.configure(
      { on: { task: [[{ write: ['work.txt', 'work\n'] }, msg('done', '--text', 'did it')]] } },
      { on: { 'review-request': [[review('approve')]] } },
    );
    const result = await w.loop(['run', '--ci', '--plan', 'off', 'write work.txt']);
    assert.equal(result.exitCode, 0, result.all);
    const run = w.onlyRun();
    assert.deepEqual(envelopes(run.events).map(route), ['loop>worker:task', 'worker>loop:done', 'loop>reviewer:review-request(change)', 'reviewer>loop:review']);
    assert.equal(run.manifest.config.plan, 'off');
    assert.equal(run.manifest.plan, undefined);
    assert.equal(run.events.some((e) => e.type.startsWith('plan.')), false);
    assert.equal(existsSync(join(w.repo, 'PLAN.md')), false);
    assert.doesNotMatch(result.all, /plan \d+\/\d+/);
  });

  test('a PLAN.md with no checkbox gets a nack with the reason; a fixed plan is then reviewed', async () => {
    const w = await world();
    w.configure(
      {
        on: {
          plan: [[writePlan('# Plan\n\n- write work.txt\n'), msg('plan', '--text', 'no boxes')]],
          nack: [[writePlan(PLAN_V1), msg('plan', '--text', 'with a box')]],
          task: [[{ write: ['work.txt', 'work\n'] }, msg('done', '--text', 'did it')]],
        },
      },
      { on: { 'review-request': [[review('approve')]] } },
    );
    const result = await w.loop(['run', '--ci', 'write work.txt']);
    assert.equal(result.exitCode, 0, result.all);
    const run = w.onlyRun();
    const all = envelopes(run.events);
    const plans = all.filter((e) => e.kind === 'plan');
    const nacks = all.filter((e) => e.kind === 'nack');
    assert.equal(nacks.length, 1);
    assert.equal(nacks[0].to, 'worker');
    assert.equal(nacks[0].replyTo, plans[0].id);
    assert.equal(nacks[0].payload.reason, `plan ${plans[0].id} not accepted: PLAN.md has no checklist item ("- [ ] step")`);
    assert.match(nacks[0].payload.errors[0], /Markdown checklist/);
    assert.equal(all.filter((e) => e.kind === 'review-request' && e.payload.subject === 'plan').length, 1);
    assert.equal(all.find((e) => e.kind === 'review-request').payload.plan, PLAN_V1);
    // Approved with its one item unchecked: allowed, and flagged.
    assert.match(result.all, /^loop: plan 0\/1 items checked — approved with 1 of 1 plan item unchecked$/m);
  });

  test('past maxPlanRounds: exit 1, and the reason names the key', async () => {
    const w = await world();
    w.configure(
      { on: { plan: [[writePlan(PLAN_V1), msg('plan', '--text', 'one step')]] } },
      { on: { 'plan-review': [[review('changes', [{ severity: 'medium', title: 'too thin' }])]] } },
      { maxPlanRounds: 1 },
    );
    const result = await w.loop(['run', '--ci', 'write work.txt']);
    assert.equal(result.exitCode, 1, result.all);
    const reason = 'plan not approved after 1 round(s): the reviewer requested changes (raise maxPlanRounds to allow more)';
    assert.match(result.all, new RegExp(`not proven \\(exit 1\\): ${reason.replace(/[()]/g, '\\$&')}`));
    const run = w.onlyRun();
    assert.deepEqual(run.manifest.result, { exitCode: 1, reason });
    assert.equal(run.manifest.status, 'failed');
    assert.equal(envelopes(run.events).some((e) => e.kind === 'done' || e.payload.phase === 'work'), false, 'no work was started');
  });

  test('plan write with a given plan: adopted, no plan review, straight to work', async () => {
    const w = await world({ 'README.md': '# scratch\n', 'steps.md': '# Steps\n\n- [ ] write work.txt\n' }); // committed: the plan is part of the repository
    w.configure(
      { on: { plan: [[{ sh: 'cp steps.md PLAN.md' }, msg('plan', '--text', 'adopted steps.md')]], task: [[{ write: ['work.txt', 'work\n'] }, msg('done', '--text', 'did it')]] } },
      { on: { 'review-request': [[review('approve')]] } },
      { plan: 'write' },
    );
    const result = await w.loop(['run', '--ci', 'steps.md']);
    assert.equal(result.exitCode, 0, result.all);
    const run = w.onlyRun();
    assert.deepEqual(envelopes(run.events).map(route), [
      'loop>worker:task(plan)', 'worker>loop:plan', 'loop>worker:task(work)', 'worker>loop:done', 'loop>reviewer:review-request(change)', 'reviewer>loop:review',
    ]);
    const [planTask] = envelopes(run.events);
    assert.match(planTask.payload.text, /A plan is given \(steps\.md\): adopt it in PLAN\.md/);
    const approvedEvent = run.events.find((e) => e.type === 'plan.approved')!;
    assert.equal(approvedEvent.reviewed, false);
    assert.equal(approvedEvent.hash, sha256(readFileSync(join(w.repo, 'steps.md'), 'utf8')));
  });
});
