import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { ConfigSchema, configJsonSchema, DEFAULT_CONFIG } from '../../src/config/schema.js';

const examplePath = new URL('../../.loop.example.json', import.meta.url).pathname;
const schemaFilePath = new URL('../../schema/loop.schema.json', import.meta.url).pathname;

describe('ConfigSchema', () => {
  test('accepts the contract example', () => {
    const parsed = ConfigSchema.safeParse({
      $schema: 'x',
      worker: 'codex',
      reviewer: 'claude',
      proof: ['npm test'],
      maxIterations: 5,
      agents: { mybot: { command: 'node', args: ['bot.js'], env: { K: 'V' }, idlePattern: '^> ?$' } },
    });
    assert.equal(parsed.success, true);
  });

  test('accepts an empty object', () => {
    assert.deepEqual(ConfigSchema.parse({}), {});
  });

  test('rejects non-integer iteration counts and empty proof commands', () => {
    assert.equal(ConfigSchema.safeParse({ maxIterations: 1.5 }).success, false);
    assert.equal(ConfigSchema.safeParse({ proof: [''] }).success, false);
    assert.equal(ConfigSchema.safeParse({ worker: '-bad' }).success, false);
  });

  test('the defaults are themselves a valid config file', () => {
    const { agents, ...rest } = DEFAULT_CONFIG;
    assert.equal(ConfigSchema.safeParse({ ...rest, agents }).success, true);
  });
});

describe('configJsonSchema', () => {
  test('is a JSON Schema object with the config properties', () => {
    const schema = configJsonSchema();
    assert.equal(schema.type, 'object');
    assert.equal(typeof schema.$schema, 'string');
    assert.equal(schema.additionalProperties, false);
    const properties = schema.properties as Record<string, Record<string, unknown>>;
    assert.deepEqual(Object.keys(properties).sort(), [
      '$schema', 'agents', 'isolation', 'limits', 'maxCostUsd', 'maxIterations', 'maxMessages', 'maxMinutes', 'maxPlanRounds', 'maxTokens', 'panel', 'plan', 'prices', 'proof', 'proofSurface',
      'proofTimeoutSeconds', 'reviewer', 'reviewerMayEdit', 'reviewers', 'stall', 'terminal', 'turnTimeoutMinutes', 'worker', 'worktree',
    ]);
    assert.equal(properties.maxIterations!.type, 'integer');
    assert.deepEqual(properties.plan!.enum, ['review', 'write', 'off']);
    assert.equal(properties.maxPlanRounds!.type, 'integer');
    assert.equal(properties.proof!.type, 'array');
    assert.equal(properties.worker!.description, 'Agent that changes the code.');
    const agents = properties.agents!;
    assert.equal(agents.type, 'object');
    const agent = agents.additionalProperties as { properties: Record<string, unknown> };
    assert.deepEqual(Object.keys(agent.properties).sort(), ['args', 'command', 'env', 'idlePattern', 'model', 'quietMs']);
  });

  test('is serialisable JSON', () => {
    const schema = configJsonSchema();
    assert.deepEqual(JSON.parse(JSON.stringify(schema)), schema);
  });
});

describe('.loop.example.json', () => {
  test('validates against ConfigSchema', (t) => {
    if (!existsSync(examplePath)) {
      t.skip('.loop.example.json does not exist yet');
      return;
    }
    const parsed = ConfigSchema.safeParse(JSON.parse(readFileSync(examplePath, 'utf8')));
    assert.equal(parsed.success, true, parsed.success ? '' : JSON.stringify(parsed.error.issues));
  });

  test('documents every key of the schema', (t) => {
    if (!existsSync(examplePath)) {
      t.skip('.loop.example.json does not exist yet');
      return;
    }
    const example = JSON.parse(readFileSync(examplePath, 'utf8')) as Record<string, Record<string, unknown>>;
    const schema = configJsonSchema() as { properties: Record<string, { properties?: Record<string, unknown>; additionalProperties?: { properties: Record<string, unknown> } }> };
    const missing: string[] = [];
    for (const [key, property] of Object.entries(schema.properties)) {
      if (!(key in example)) missing.push(key);
      else if (property.properties) {
        for (const nested of Object.keys(property.properties)) if (!(nested in example[key]!)) missing.push(`${key}.${nested}`);
      }
    }
    const agentKeys = new Set(Object.values(example.agents ?? {}).flatMap((agent) => Object.keys(agent as object)));
    for (const key of Object.keys(schema.properties.agents!.additionalProperties!.properties)) {
      if (!agentKeys.has(key)) missing.push(`agents.*.${key}`);
    }
    assert.deepEqual(missing, []);
  });
});

describe('schema/loop.schema.json', () => {
  test('is the current output of configJsonSchema() (regenerate with: loop config --schema)', (t) => {
    if (!existsSync(schemaFilePath)) {
      t.skip('schema/loop.schema.json does not exist');
      return;
    }
    assert.deepEqual(JSON.parse(readFileSync(schemaFilePath, 'utf8')), configJsonSchema());
  });
});
