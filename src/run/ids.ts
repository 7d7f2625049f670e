import { randomBytes } from 'node:crypto';

/** Contract: run ids match this pattern. */
export const RUN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const randomBase36 = (length: number) =>
  Array.from(randomBytes(length), (b) => (b % 36).toString(36)).join('');

/** A run id that sorts by creation time and is unique within the same millisecond: `20261123-232245-123-k3f9x0qa`. */
export function newRunId(now = new Date()): string {
  const date = `${now.getUTCFullYear()}${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())}`;
  const time = `${pad(now.getUTCHours())}${pad(now.getUTCMinutes())}${pad(now.getUTCSeconds())}`;
  return `${date}-${time}-${pad(now.getUTCMilliseconds(), 3)}-${randomBase36(8)}`; // 4 chars collided for ~1 in 4 batches of 1000
}

/** A message id that sorts by creation time: `m-` + 9 base36 time digits + 8 random. */
export function newMessageId(now = Date.now()): string {
  return `m-${now.toString(36).padStart(9, '0')}${randomBase36(8)}`;
}
