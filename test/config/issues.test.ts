import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { formatIssues } from '../../src/config/issues.js';

const issuesOf = (schema: z.ZodType, value: unknown) => {
  const parsed = schema.safeParse(value);
  assert.equal(parsed.success, false);
  return parsed.error!.issues;
};

describe('formatIssues', () => {
  const schema = z.strictObject({ a: z.number(), b: z.strictObject({ c: z.string() }).optional() });

  test('file, dotted path and message without the "Invalid input" prefix', () => {
    assert.equal(formatIssues('f.json', issuesOf(schema, { a: 'x' })), 'f.json: a: expected number, received string');
    assert.equal(formatIssues('f.json', issuesOf(schema, { a: 1, b: { c: 1 } })), 'f.json: b.c: expected string, received number');
  });

  test('a top-level problem', () => {
    assert.equal(formatIssues('f.json', issuesOf(schema, 'str')), 'f.json: (top level): expected object, received string');
  });

  test('unknown keys are listed with their paths', () => {
    assert.equal(formatIssues('f.json', issuesOf(schema, { a: 1, z: 1 })), 'f.json: z: unknown key');
    assert.equal(formatIssues('f.json', issuesOf(schema, { a: 1, b: { c: 'x', d: 1, e: 2 } })), 'f.json: b.d, b.e: unknown keys');
  });

  test('caps the number of issues shown', () => {
    const wide = z.object({ a: z.string(), b: z.string(), c: z.string() });
    const issues = issuesOf(wide, {});
    assert.equal(issues.length, 3);
    assert.equal(
      formatIssues('f.json', issues, 1),
      'f.json: a: expected string, received undefined\nf.json: …and 2 more problem(s)',
    );
  });

  test('a bad record key shows the message of the key schema', () => {
    const record = z.object({ agents: z.record(z.string().regex(/^[a-z]+$/, 'names are lowercase letters'), z.number()) });
    assert.equal(formatIssues('f.json', issuesOf(record, { agents: { Bad1: 1 } })), 'f.json: agents.Bad1: names are lowercase letters');
  });
});
