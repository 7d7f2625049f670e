// A minimal tmux driver for the real-harness TUI checks: one private tmux server (socket `-L e2e-<pid>-<n>`),
// one session per agent, screen capture, typed input, bracketed paste, and waiting with a deadline.
import { execFileSync } from 'node:child_process';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

let counter = 0;
const q = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Private tmux server; `close()` kills it and with it every process it started. */
export class Tmux {
  constructor(workDir) {
    this.socket = `e2e-${process.pid}-${++counter}`;
    this.workDir = workDir;
  }

  tmux(...args) {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }

  /**
   * Starts `bin args` with exactly `env` in `cwd`, in a `cols`×`rows` window. The command goes through a launcher
   * script (kept for the record) that prints `[exited rc=N]` when the CLI ends and keeps the pane open.
   */
  start(name, { bin, args, env, cwd, cols = 200, rows = 50 }) {
    const launcher = join(this.workDir, `launch-${name}.sh`);
    const exports = Object.entries(env).map(([k, v]) => `export ${k}=${q(v)}`).join('\n');
    writeFileSync(launcher, `#!/bin/sh\n# exact environment and command line used for the ${name} TUI check\nunset $(env | cut -d= -f1 | grep -v '^PWD$')\n${exports}\ncd ${q(cwd)}\n${[bin, ...args].map(q).join(' ')}\necho "[exited rc=$?]"\nexec sleep 3600\n`);
    chmodSync(launcher, 0o755);
    this.tmux('new-session', '-d', '-s', name, '-x', String(cols), '-y', String(rows), launcher);
    return launcher;
  }

  /** The visible screen as text, one line per row (trailing spaces kept as tmux prints them). */
  screen(name) {
    return this.tmux('capture-pane', '-p', '-t', name);
  }

  /** Types literal text (no Enter). */
  type(name, text) {
    this.tmux('send-keys', '-t', name, '-l', text);
  }

  /** Sends key names such as Enter, Escape, C-c. */
  keys(name, ...keys) {
    this.tmux('send-keys', '-t', name, ...keys);
  }

  /** Pastes text as a bracketed paste when the application enabled that mode (`paste-buffer -p`). */
  paste(name, text) {
    const file = join(this.workDir, `paste-${name}.txt`);
    writeFileSync(file, text);
    this.tmux('load-buffer', '-b', `buf-${name}`, file);
    this.tmux('paste-buffer', '-p', '-d', '-b', `buf-${name}`, '-t', name);
  }

  /** Polls `check()` every 100 ms until it returns a truthy value; throws with `what` and the screen on timeout. */
  async waitFor(name, what, check, timeoutMs = 30000) {
    const started = Date.now();
    for (;;) {
      const value = check();
      if (value) return { value, ms: Date.now() - started };
      if (Date.now() - started > timeoutMs) {
        const err = new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
        err.screen = this.screen(name);
        throw err;
      }
      await sleep(100);
    }
  }

  /** Kills the tmux server (SIGHUP to every pane's processes) and removes its socket file. */
  close() {
    let socketPath;
    try {
      socketPath = this.tmux('display-message', '-p', '#{socket_path}').trim();
      this.tmux('kill-server');
    } catch {
      // no server (never started or already gone)
    }
    if (socketPath) rmSync(socketPath, { force: true });
  }
}
