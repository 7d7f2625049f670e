import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { attachInfoPath } from '../../attach/attach-server.js';
import { RoleSchema, rolesIn } from '../../bus/message.js';
import { ExitCode, LoopError, usageError } from '../../errors.js';
import { liveLock } from '../../run/lock.js';
import { tryReadManifest } from '../../run/manifest.js';
import { RunStore } from '../../run/store.js';
import { home } from '../env.js';

const DETACH = 0x1d; // Ctrl-]

/** `loop attach <id> <role>`: watch and type into one agent's terminal; Ctrl-] detaches, the run goes on. */
export async function attachCommand(query: string, roleText: string): Promise<number> {
  const role = RoleSchema.safeParse(roleText);
  if (!role.success) throw usageError(`role must be 'worker' or 'reviewer' (or a panel's reviewer-2…), got '${roleText}'`);
  const ref = new RunStore(home()).resolve(query);
  const manifest = tryReadManifest(ref.dir);
  if (manifest && !manifest.roles[role.data]) {
    throw usageError(`run ${ref.id} has no ${role.data} (its roles: ${rolesIn(manifest.roles).join(', ')})`);
  }
  const infoPath = attachInfoPath(ref.dir, role.data);
  if (!liveLock(ref.dir) || !existsSync(infoPath)) {
    throw new LoopError('not-running', `run ${ref.id} is not running, so there is no terminal to attach to`, {
      exitCode: ExitCode.usage, hint: `see what happened: loop logs ${ref.id} --role ${role.data}`,
    });
  }
  const { socket: path } = JSON.parse(readFileSync(infoPath, 'utf8')) as { socket: string };
  const stdin = process.stdin;
  const socket = connect(path);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', (error) => reject(new LoopError('attach', `cannot attach: ${error.message}`, { exitCode: ExitCode.couldNotRun })));
  });
  process.stderr.write(`loop: attached to the ${role.data} of run ${ref.id}; Ctrl-] detaches (the run goes on)\r\n`);
  socket.write(`${JSON.stringify({ cols: process.stdout.columns ?? 200, rows: process.stdout.rows ?? 50 })}\n`);
  if (stdin.isTTY) stdin.setRawMode(true);
  const done = new Promise<number>((resolve) => {
    stdin.on('data', (chunk: Buffer) => {
      const detach = chunk.indexOf(DETACH);
      if (detach >= 0) {
        if (detach > 0) socket.write(chunk.subarray(0, detach));
        socket.end();
        resolve(0);
        return;
      }
      socket.write(chunk);
    });
    stdin.on('end', () => {
      socket.end();
      resolve(0);
    });
    socket.on('data', (data) => process.stdout.write(data));
    socket.on('close', () => resolve(0));
  });
  const code = await done;
  if (stdin.isTTY) stdin.setRawMode(false);
  stdin.pause();
  socket.destroy();
  process.stderr.write(`\r\nloop: detached from the ${role.data} of run ${ref.id}\n`);
  return code;
}
