import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { loopLauncher } from '../loop/launcher.js';
import type { CheckResult } from './check.js';
import { makeTempDir } from '../run/owned-temp.js';

// @lydell/node-pty ships prebuilt binaries as per-platform optional packages: nothing is compiled at install.
const PTY_FIX = `reinstall loop without --omit=optional (the prebuilt @lydell/node-pty-${process.platform}-${process.arch} package must be installed)`;

/** node-pty loads and runs a program in a pseudo-terminal. */
export async function checkPty(): Promise<CheckResult> {
  try {
    const { createPtySession } = await import('../pty/session.js');
    const session = await createPtySession(
      { command: '/bin/sh', args: ['-c', 'printf "pty-ok\\n"; sleep 0.2'], cwd: tmpdir(), env: { PATH: '/usr/bin:/bin', TERM: 'xterm-256color' }, cols: 80, rows: 10 },
      { pattern: /\$$/, quietMs: 100 },
    );
    const exit = await session.exited;
    const seen = session.screenText().includes('pty-ok');
    return seen
      ? { name: 'node-pty', ok: true, detail: `spawned a pseudo-terminal (exit ${exit.exitCode})` }
      : { name: 'node-pty', ok: false, detail: 'the pseudo-terminal showed no output', fix: PTY_FIX };
  } catch (error) {
    return { name: 'node-pty', ok: false, detail: `does not load: ${(error as Error).message.split('\n')[0]}`, fix: PTY_FIX };
  }
}

/** `loop mcp` answers an MCP client (started with this PATH): initialize, tools/list, tools/call status. */
export async function checkBridge(path: string): Promise<CheckResult> {
  const runDir = makeTempDir('doctor');
  const client = new Client({ name: 'loop-doctor', version: '1' });
  try {
    const transport = new StdioClientTransport({
      command: process.execPath, args: [loopLauncher(), 'mcp'],
      env: { PATH: path, LOOP_RUN_DIR: runDir, LOOP_ROLE: 'worker', LOOP_RUN_ID: 'doctor' },
      stderr: 'ignore',
    });
    await client.connect(transport);
    const { tools } = await client.listTools();
    await client.callTool({ name: 'status', arguments: {} });
    return { name: 'MCP bridge', ok: true, detail: `loop mcp answered (${tools.length} tools: ${tools.map((t) => t.name).join(', ')})` };
  } catch (error) {
    return { name: 'MCP bridge', ok: false, detail: `loop mcp did not answer: ${(error as Error).message}`, fix: 'reinstall loop: npm install -g proofloop' };
  } finally {
    await client.close().catch(() => undefined);
    rmSync(runDir, { recursive: true, force: true });
  }
}

/** Node is recent enough. */
export function checkNode(): CheckResult {
  const major = Number(process.versions.node.split('.')[0]);
  return major >= 20
    ? { name: 'node', ok: true, detail: process.versions.node }
    : { name: 'node', ok: false, detail: `${process.versions.node} is too old`, fix: 'install Node.js 20 or newer' };
}
