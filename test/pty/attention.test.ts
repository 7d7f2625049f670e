import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPtySession } from '../../src/pty/session.js';
import type { AgentActivity } from '../../src/pty/types.js';

// A screen-drawn dialog, then the agent's idle prompt once "answered" (any line typed).
const DIALOG = `printf 'working...\\n'; sleep 0.3; printf 'Bash command\\n Do you want to proceed?\\n > 1. Yes\\n'; read answer; printf '\\033[2J\\033[Hdone\\n> '; sleep 30`;

test('a dialog on a quiet screen is needs-input; once answered, the idle prompt is idle again', async (t) => {
  const session = await createPtySession(
    { command: '/bin/sh', args: ['-c', DIALOG], cwd: '/', env: { PATH: '/usr/bin:/bin' }, cols: 100, rows: 20 },
    { pattern: /^>$/, quietMs: 150, attentionPattern: /Do you want to proceed\?/ },
  );
  t.after(() => session.kill(500));
  const seen: AgentActivity[] = [];
  session.onActivity((a) => seen.push(a));
  const until = async (want: AgentActivity) => {
    // A bound for a wedged session, not a timing claim: a loaded machine gets a minute.
    for (const deadline = Date.now() + 60_000; Date.now() < deadline && session.activity() !== want; ) await new Promise((r) => setTimeout(r, 50));
    assert.equal(session.activity(), want, `activities seen: ${seen.join(', ')}`);
  };
  await until('needs-input');
  const answered = await session.waitForIdle(500);
  assert.equal(answered, false, 'a dialog is not idle');
  session.write('1\r');
  await until('idle');
  assert.deepEqual(seen.slice(-2), ['needs-input', 'idle']);
});
