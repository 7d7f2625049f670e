import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  AGENT_KINDS, EnvelopeSchema, KINDS, MESSAGE_ID, PayloadSchemas, SubmissionSchema, TEXT_FIELD,
  defaultAddressee, isAgentKind, isReviewer, isRole, reviewerRoles, roleClass, rolesIn, RoleSchema,
} from '../../src/bus/message.js';
import { envelope, receipt } from './helpers.js';

describe('message schemas', () => {
  test('the kinds of the contract', () => {
    assert.deepEqual([...KINDS].sort(), ['abort', 'answer', 'done', 'nack', 'note', 'plan', 'proof', 'question', 'review', 'review-request', 'task', 'usage']);
    assert.deepEqual(Object.keys(AGENT_KINDS).sort(), ['answer', 'done', 'note', 'plan', 'question', 'review', 'usage']);
    assert.deepEqual(AGENT_KINDS.plan, ['worker']);
    assert.deepEqual(AGENT_KINDS.done, ['worker']);
    assert.deepEqual(AGENT_KINDS.review, ['reviewer']);
  });

  test('isAgentKind only for agent kinds (not inherited names)', () => {
    assert.equal(isAgentKind('note'), true);
    assert.equal(isAgentKind('task'), false);
    assert.equal(isAgentKind('toString'), false);
  });

  test('roles: the worker and a panel of up to five reviewers', () => {
    assert.deepEqual(RoleSchema.options, ['worker', 'reviewer', 'reviewer-2', 'reviewer-3', 'reviewer-4', 'reviewer-5']);
    assert.deepEqual(reviewerRoles(1), ['reviewer']);
    assert.deepEqual(reviewerRoles(3), ['reviewer', 'reviewer-2', 'reviewer-3']);
    assert.equal(roleClass('reviewer-2'), 'reviewer');
    assert.equal(roleClass('worker'), 'worker');
    assert.equal(isRole('reviewer-2'), true);
    assert.equal(isRole('reviewer-6'), false);
    assert.equal(isRole('loop'), false);
    assert.equal(isReviewer('reviewer-3'), true);
    assert.equal(isReviewer('worker'), false);
    assert.deepEqual(rolesIn({ reviewer: 1, worker: 1, 'reviewer-2': 1 }), ['worker', 'reviewer', 'reviewer-2']);
  });

  test('defaultAddressee and TEXT_FIELD', () => {
    assert.equal(defaultAddressee('worker'), 'reviewer');
    assert.equal(defaultAddressee('reviewer'), 'worker');
    assert.equal(defaultAddressee('reviewer-2'), 'worker');
    assert.equal(TEXT_FIELD.done, 'summary');
    assert.equal(TEXT_FIELD.review, 'summary');
    assert.equal(TEXT_FIELD.note, 'text');
  });

  test('MESSAGE_ID', () => {
    assert.match('m-0abc12345xyz00000', MESSAGE_ID);
    assert.doesNotMatch('m-short', MESSAGE_ID);
    assert.doesNotMatch('m-UPPERCASE123', MESSAGE_ID);
    assert.doesNotMatch('x-0abc12345xyz00000', MESSAGE_ID);
  });

  test('EnvelopeSchema accepts a full envelope and refuses unknown fields and bad parties', () => {
    const e = envelope({ replyTo: 'm-000000000aaaaaaaa', treeHash: 'abc' });
    assert.deepEqual(EnvelopeSchema.parse(e), e);
    assert.equal(EnvelopeSchema.safeParse({ ...e, extra: 1 }).success, false);
    assert.equal(EnvelopeSchema.safeParse({ ...e, from: 'someone' }).success, false);
    assert.equal(EnvelopeSchema.safeParse({ ...e, seq: 0 }).success, false);
    assert.equal(EnvelopeSchema.safeParse({ ...e, kind: 'shout' }).success, false);
  });

  test('SubmissionSchema defaults via to cli and refuses from: loop', () => {
    const base = { id: 'm-000000000aaaaaaaa', from: 'worker', kind: 'note', payload: { text: 'x' }, at: 'now' };
    assert.equal(SubmissionSchema.parse(base).via, 'cli');
    assert.equal(SubmissionSchema.safeParse({ ...base, from: 'loop' }).success, false);
  });

  test('runner payloads: proof and review-request', () => {
    const r = receipt();
    assert.equal(PayloadSchemas.proof.safeParse({ passed: true, steps: r.steps, treeHash: r.treeHash }).success, true);
    assert.equal(PayloadSchemas['review-request'].safeParse({ summary: 's', diffStat: '', receipt: r, claims: [] }).success, true);
    const surface = [{ file: 'test/a.test.js', status: 'deleted', added: 0, removed: 3 }];
    assert.equal(PayloadSchemas['review-request'].safeParse({ subject: 'change', proofSurface: surface, proofSurfaceMore: 2, notice: 'again', summary: 's', diffStat: '', receipt: r, claims: [] }).success, true);
    assert.equal(PayloadSchemas['review-request'].safeParse({ subject: 'code', summary: 's', diffStat: '', receipt: r, claims: [] }).success, false);
    assert.equal(PayloadSchemas['review-request'].safeParse({ proofSurface: [{ ...surface[0], status: 'gone' }], summary: 's', diffStat: '', receipt: r, claims: [] }).success, false);
    assert.equal(PayloadSchemas.review.safeParse({ verdict: 'approve', summary: 's', proofSurfaceReviewed: true }).success, true);
    assert.equal(PayloadSchemas.review.safeParse({ verdict: 'approve', summary: 's', proofSurfaceReviewed: 'yes' }).success, false);
    assert.equal(PayloadSchemas.task.safeParse({ text: 't', iteration: 0 }).success, false);
    assert.equal(PayloadSchemas.nack.safeParse({ reason: 'r' }).success, false);
  });
});
