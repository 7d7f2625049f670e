import { createHash } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Role } from '../bus/message.js';
import type { PtySession } from '../pty/types.js';
import { privateDir } from '../isolation/agent-area.js';
import { ensureDir } from '../run/fs-atomic.js';
import { sweepDeadOwners } from '../run/owned-temp.js';

/** Where the attach socket of a role is announced: `<run>/attach-<role>.json` → `{ socket }`. */
export const attachInfoPath = (runDir: string, role: Role) => join(runDir, `attach-${role}.json`);

/**
 * Where long run paths put their attach sockets (hidden from sandboxed agents: a socket there types into an
 * agent's terminal).
 */
export const fallbackSocketDir = () => join(tmpdir(), `loop-sockets-${process.getuid?.() ?? 'user'}`);

/** A socket in `fallbackSocketDir()`: `<pid of the loop process serving it>-<hash of the run's own path>.sock`. */
const FALLBACK_SOCKET = /^(\d+)-[0-9a-f]{16}\.sock$/;

/**
 * A socket path short enough for the OS limit (~107 bytes), in the run's `private/` folder, which sandboxed
 * agents cannot see; long run paths fall back to a hashed name in `fallbackSocketDir()`, which carries the pid
 * of the loop process so that a later run can remove it if that process was killed (see sweepDeadSockets).
 */
function socketPath(runDir: string, role: Role): string {
  const direct = join(privateDir(runDir), `${role}.sock`);
  ensureDir(privateDir(runDir));
  if (Buffer.byteLength(direct) < 100) return direct;
  ensureDir(fallbackSocketDir());
  return join(fallbackSocketDir(), `${process.pid}-${createHash('sha256').update(direct).digest('hex').slice(0, 16)}.sock`);
}

/** Remove the fallback sockets of loop processes that are gone (killed before they could); returns their paths. */
export const sweepDeadSockets = (): string[] => sweepDeadOwners(fallbackSocketDir(), FALLBACK_SOCKET);

/**
 * Serves one agent's terminal to `loop attach` clients: output is streamed to them, their keystrokes go to
 * the agent. The first line a client sends is `{"cols","rows"}`; the PTY takes that size while someone is
 * attached (the TUI redraws) and returns to loop's fixed size after.
 */
export class AttachServer {
  private server?: Server;
  private clients = new Set<Socket>();
  private unsubscribe?: () => void;
  /** When a human last typed into the agent (loop holds its own deliveries while they type). */
  lastHumanInput = 0;

  constructor(private readonly runDir: string, private readonly role: Role, private readonly size: { cols: number; rows: number }) {}

  get attached(): number {
    return this.clients.size;
  }

  async start(getSession: () => PtySession | undefined): Promise<void> {
    const path = socketPath(this.runDir, this.role);
    rmSync(path, { force: true });
    this.server = createServer((socket) => this.accept(socket, getSession));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(path, () => resolve());
    });
    writeFileSync(attachInfoPath(this.runDir, this.role), JSON.stringify({ socket: path, pid: process.pid }), { mode: 0o600 });
  }

  private accept(socket: Socket, getSession: () => PtySession | undefined): void {
    const session = getSession();
    if (!session) {
      socket.end('loop: the agent is not running\r\n');
      return;
    }
    let header = '';
    let ready = false;
    this.clients.add(socket);
    if (this.clients.size === 1) this.unsubscribe = session.onData((data) => this.broadcast(data));
    socket.on('data', (chunk) => {
      if (ready) {
        this.lastHumanInput = Date.now();
        session.write(chunk.toString('utf8'));
        return;
      }
      header += chunk.toString('utf8');
      const newline = header.indexOf('\n');
      if (newline < 0) return;
      ready = true;
      try {
        const { cols, rows } = JSON.parse(header.slice(0, newline)) as { cols?: number; rows?: number };
        if (cols && rows) session.resize(cols, rows);
      } catch {
        // no size: keep loop's
      }
      const rest = header.slice(newline + 1);
      if (rest) session.write(rest);
    });
    const drop = () => {
      if (!this.clients.delete(socket)) return;
      if (this.clients.size === 0) {
        this.unsubscribe?.();
        this.unsubscribe = undefined;
        getSession()?.resize(this.size.cols, this.size.rows);
      }
    };
    socket.on('close', drop);
    socket.on('error', drop);
  }

  private broadcast(data: string): void {
    for (const client of this.clients) client.write(data);
  }

  async close(): Promise<void> {
    for (const client of this.clients) client.destroy();
    this.unsubscribe?.();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    rmSync(attachInfoPath(this.runDir, this.role), { force: true });
  }
}
