import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Screen } from '../../src/pty/screen.js';

test('cursorLine and text follow the parsed output, trailing spaces trimmed', async () => {
  const screen = new Screen({ cols: 40, rows: 5 });
  screen.write('first line   \r\nsecond\r\n> ');
  await screen.flushed();
  assert.equal(screen.cursorLine(), '>');
  assert.equal(screen.text(), 'first line\nsecond\n>');
  screen.write('\x1b[2J\x1b[H');
  await screen.flushed();
  assert.equal(screen.text(), '');
  screen.dispose();
});

test('bracketedPaste reflects DECSET/DECRST 2004', async () => {
  const screen = new Screen({ cols: 40, rows: 5 });
  assert.equal(screen.bracketedPaste(), false);
  screen.write('\x1b[?2004h');
  await screen.flushed();
  assert.equal(screen.bracketedPaste(), true);
  screen.write('\x1b[?2004l');
  await screen.flushed();
  assert.equal(screen.bracketedPaste(), false);
  screen.dispose();
});

test('terminal queries are answered through onReply', async () => {
  const replies: string[] = [];
  const screen = new Screen({ cols: 40, rows: 5, onReply: (data) => replies.push(data) });
  screen.write('ab\r\ncdef\x1b[6n\x1b[c');
  await screen.flushed();
  assert.equal(replies[0], '\x1b[2;5R');
  assert.match(replies[1] ?? '', /^\x1b\[\?[\d;]+c$/);
  screen.dispose();
});

test('the cursor line is read in the alternate buffer when a TUI uses it', async () => {
  const screen = new Screen({ cols: 40, rows: 5 });
  screen.write('shell\r\n\x1b[?1049h\x1b[H\x1b[3;1H│ › ');
  await screen.flushed();
  assert.equal(screen.cursorLine(), '│ ›');
  screen.dispose();
});

test('after dispose the last screen stays readable and writes are ignored', async () => {
  const screen = new Screen({ cols: 40, rows: 5 });
  screen.write('bye\r\n$ ');
  await screen.flushed();
  screen.dispose();
  screen.write('ignored');
  await screen.flushed();
  assert.equal(screen.cursorLine(), '$');
  assert.equal(screen.text(), 'bye\n$');
  assert.equal(screen.bracketedPaste(), false);
});

test('resize changes the grid the screen reports', async () => {
  const screen = new Screen({ cols: 10, rows: 3 });
  screen.resize(20, 4);
  screen.write('x'.repeat(15));
  await screen.flushed();
  assert.equal(screen.cursorLine(), 'x'.repeat(15));
  screen.dispose();
});
