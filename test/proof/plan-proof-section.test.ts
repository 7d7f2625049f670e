import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { lineChanges, proofSection } from '../../src/proof/plan-proof-section.js';

const PLAN = [
  '# Plan',
  '- [x] fix the parser',
  '## Proof',
  '- `npm test` passes',
  '### details',
  'run it twice',
  '## Notes',
  'anything',
].join('\n');

describe('proofSection', () => {
  test('from a heading containing "proof" to the next heading of the same or higher level', () => {
    assert.equal(proofSection(PLAN), '## Proof\n- `npm test` passes\n### details\nrun it twice');
  });

  test('any case, any level; a deeper heading does not end it; none gives an empty string', () => {
    assert.equal(proofSection('# How we PROVE it\nx\n# Next\ny'), '');
    assert.equal(proofSection('#### The proof steps\nx\n##### sub\ny\n## Up\nz'), '#### The proof steps\nx\n##### sub\ny');
    assert.equal(proofSection('# Plan\nno section here'), '');
  });

  test('headings inside fenced code blocks do not count', () => {
    const plan = '## Proof\n```sh\n# not a heading\nnpm test\n```\n## Next\nx';
    assert.equal(proofSection(plan), '## Proof\n```sh\n# not a heading\nnpm test\n```');
    assert.equal(proofSection('```\n## Proof\n```\ntext'), '');
  });

  test('several proof sections are all kept', () => {
    assert.equal(proofSection('# Proof\na\n# Other\nb\n# More proof\nc'), '# Proof\na\n# More proof\nc');
  });
});

describe('lineChanges', () => {
  test('counts added and removed lines', () => {
    assert.deepEqual(lineChanges('a\nb\nc', 'a\nc\nd\ne'), { added: 2, removed: 1 });
    assert.deepEqual(lineChanges('', 'a'), { added: 1, removed: 0 });
    assert.deepEqual(lineChanges('a\na', 'a'), { added: 0, removed: 1 });
    assert.deepEqual(lineChanges('same', 'same'), { added: 0, removed: 0 });
  });
});
