import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAlive, liveLock, lockPath, readLock, RunLock } from '../../src/run/lock.js';
import { LoopError } from '../../src/errors.js';

const base = mkdtempSync(join(tmpdir(), 'loop-lock-test-'));
const children: ChildProcess[] = [];
after(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(base, { recursive: true, force: true });
});
let counter = 0;
const newDir = () => {
  const dir = join(base, `run-${++counter}`);
  mkdirSync(dir);
  return dir;
};

/** A live child process (killed in after). */
const liveChild = (): ChildProcess => {
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  children.push(child);
  assert.equal(typeof child.pid, 'number');
  return child;
};

/** The pid of a process that has already exited. */
const deadPid = async (): Promise<number> => {
  const child = spawn('true', [], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
};

const writeLock = (dir: string, info: object) => writeFileSync(lockPath(dir), JSON.stringify(info));

describe('RunLock', () => {
  test('acquire writes pid, host and start time (0600); release removes it', () => {
    const dir = newDir();
    const lock = RunLock.acquire(dir, 'r1');
    const info = JSON.parse(readFileSync(lockPath(dir), 'utf8'));
    assert.equal(info.pid, process.pid);
    assert.equal(info.host, hostname());
    assert.ok(!Number.isNaN(Date.parse(info.startedAt)));
    assert.deepEqual(lock.info, info);
    assert.equal(lock.tookOver, undefined);
    assert.equal(statSync(lockPath(dir)).mode & 0o777, 0o600);
    lock.release();
    assert.equal(existsSync(lockPath(dir)), false);
  });

  test('a lock held by a live other process is refused with a message naming its pid', () => {
    const dir = newDir();
    const child = liveChild();
    writeLock(dir, { pid: child.pid, host: hostname(), startedAt: '2026-01-01T00:00:00.000Z' });
    let caught: unknown;
    try {
      RunLock.acquire(dir, 'r2');
    } catch (error) {
      caught = error;
    }
    assert.ok(caught instanceof LoopError, String(caught));
    assert.equal(caught.message, `run r2 is already being driven by pid ${child.pid} (since 2026-01-01T00:00:00.000Z)`);
    assert.equal(caught.code, 'locked');
    assert.equal(caught.exitCode, 2);
    assert.equal(caught.hint, 'stop it with: loop stop r2');
    assert.equal(readLock(dir)?.pid, child.pid, 'the holder keeps its lock');
    assert.equal(liveLock(dir)?.pid, child.pid);
    child.kill('SIGKILL');
  });

  test('a stale lock (dead pid) is taken over', async () => {
    const dir = newDir();
    const pid = await deadPid();
    assert.equal(isAlive(pid), false);
    const stale = { pid, host: hostname(), startedAt: '2026-01-01T00:00:00.000Z' };
    writeLock(dir, stale);
    assert.equal(liveLock(dir), undefined);
    const lock = RunLock.acquire(dir, 'r3');
    assert.deepEqual(lock.tookOver, stale);
    assert.equal(readLock(dir)?.pid, process.pid);
    lock.release();
    assert.equal(existsSync(lockPath(dir)), false);
  });

  test('a lock from another host is refused, naming pid and host', () => {
    const dir = newDir();
    writeLock(dir, { pid: 4242, host: 'elsewhere.example', startedAt: '2026-01-01T00:00:00.000Z' });
    assert.throws(() => RunLock.acquire(dir, 'r4'), (error: unknown) => {
      assert.ok(error instanceof LoopError);
      assert.equal(error.message, 'run r4 is locked by pid 4242 on host elsewhere.example since 2026-01-01T00:00:00.000Z');
      assert.equal(error.hint, `if that host is gone, delete ${lockPath(dir)}`);
      return true;
    });
  });

  test('an unreadable lock file is taken over', () => {
    const dir = newDir();
    writeFileSync(lockPath(dir), 'garbage');
    const lock = RunLock.acquire(dir, 'r5');
    assert.equal(readLock(dir)?.pid, process.pid);
    lock.release();
  });

  test('release leaves a lock that another process now holds', () => {
    const dir = newDir();
    const lock = RunLock.acquire(dir, 'r6');
    const child = liveChild();
    writeLock(dir, { pid: child.pid, host: hostname(), startedAt: 'x' });
    lock.release();
    assert.equal(readLock(dir)?.pid, child.pid);
    child.kill('SIGKILL');
  });

  test('isAlive', () => {
    assert.equal(isAlive(process.pid), true);
  });
});
