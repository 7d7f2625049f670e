import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { checkedItems, ITEM_CHARS, parseChecklist, PLAN_ITEMS_MAX, progressLabel } from '../../src/loop/plan-checklist.js';

describe('parseChecklist', () => {
  test('counts checked and unchecked task items, in order, with their text', () => {
    const progress = parseChecklist('# Plan\n\n- [x] read the code\n- [ ] add the flag\n* [X] star item\n+ [ ]   plus item  \n1. [x] numbered\n2) [ ] numbered too\n');
    assert.deepEqual(progress, {
      done: 3,
      total: 6,
      items: [
        { text: 'read the code', done: true },
        { text: 'add the flag', done: false },
        { text: 'star item', done: true },
        { text: 'plus item', done: false },
        { text: 'numbered', done: true },
        { text: 'numbered too', done: false },
      ],
    });
    assert.equal(progressLabel(progress), 'plan 3/6');
    assert.deepEqual(checkedItems(progress), ['read the code', 'star item', 'numbered']);
  });

  test('nested items count; plain bullets, links and items in fenced code do not', () => {
    const text = [
      '- [ ] top',
      '  - [x] nested',
      '- plain bullet',
      '- [link](x) not a box',
      '-[ ] no space',
      '```md',
      '- [ ] inside a fence',
      '```',
      '~~~',
      '- [x] tilde fence',
      '~~~',
      '- [ ]',
    ].join('\r\n');
    const progress = parseChecklist(text);
    assert.deepEqual(progress.items, [{ text: 'top', done: false }, { text: 'nested', done: true }, { text: '', done: false }]);
    assert.equal(progress.total, 3);
  });

  test('no checklist at all: 0 of 0', () => {
    assert.deepEqual(parseChecklist('# Plan\n\nJust prose. [ ] not an item\n'), { done: 0, total: 0, items: [] });
  });

  test('the item list and each text are capped; the counts are not', () => {
    const lines = Array.from({ length: PLAN_ITEMS_MAX + 10 }, (_, i) => `- [${i % 2 ? 'x' : ' '}] ${'w'.repeat(i === 0 ? 500 : 3)}`);
    const progress = parseChecklist(lines.join('\n'));
    assert.equal(progress.total, PLAN_ITEMS_MAX + 10);
    assert.equal(progress.done, (PLAN_ITEMS_MAX + 10) / 2);
    assert.equal(progress.items.length, PLAN_ITEMS_MAX);
    assert.equal(progress.items[0]!.text.length, ITEM_CHARS);
    assert.ok(progress.items[0]!.text.endsWith('…'));
  });
});
