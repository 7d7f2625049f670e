import { readFileSync } from 'node:fs';

/** One entry of a git index, with the stat data git recorded when it last read the file. */
export interface IndexEntry {
  path: string;
  /** git's mode: 0o100644, 0o100755, 0o120000 (symlink), 0o160000 (gitlink). */
  mode: number;
  /** The object id, hex. */
  oid: string;
  /** `sec:nsec` of ctime and mtime, inode and size, all as git stores them (32 bits each). */
  ctime: string;
  mtime: string;
  ino: number;
  size: number;
  /** assume-unchanged or skip-worktree: git does not look at the file at all. */
  hidden: boolean;
}

/**
 * The entries of a git index file (versions 2 to 4, https://git-scm.com/docs/index-format), or undefined for
 * what this reader does not cover: another version, unmerged entries, or a required extension (a lowercase
 * signature: `link` for a split index, `sdir` for a sparse one), whose entries live elsewhere.
 */
export function readIndex(file: string, oidBytes: number): IndexEntry[] | undefined {
  const buf = readFileSync(file);
  if (buf.length < 12 || buf.toString('latin1', 0, 4) !== 'DIRC') return undefined;
  const version = buf.readUInt32BE(4);
  if (version < 2 || version > 4) return undefined;
  const count = buf.readUInt32BE(8);
  const entries: IndexEntry[] = [];
  let at = 12;
  let previous = '';
  for (let i = 0; i < count; i++) {
    const start = at;
    const flags = buf.readUInt16BE(start + 40 + oidBytes);
    if ((flags >> 12) & 0x3) return undefined; // a stage: an unmerged path
    const extended = version >= 3 && (flags & 0x4000) !== 0;
    const extra = extended ? buf.readUInt16BE(start + 42 + oidBytes) : 0;
    let nameAt = start + 42 + oidBytes + (extended ? 2 : 0);
    let path: string;
    if (version === 4) {
      // The path is the previous one with N bytes cut from its end, then this suffix (N a git varint).
      let strip = buf[nameAt]! & 0x7f;
      while (buf[nameAt++]! & 0x80) strip = ((strip + 1) << 7) | (buf[nameAt]! & 0x7f);
      const end = buf.indexOf(0, nameAt);
      const prefix = Buffer.from(previous, 'utf8');
      path = Buffer.concat([prefix.subarray(0, prefix.length - strip), buf.subarray(nameAt, end)]).toString('utf8');
      at = end + 1;
    } else {
      const end = buf.indexOf(0, nameAt);
      path = buf.toString('utf8', nameAt, end);
      at = start + Math.ceil((end + 1 - start) / 8) * 8; // 1–8 NULs pad the entry to a multiple of 8
    }
    if (at > buf.length) return undefined;
    previous = path;
    entries.push({
      path,
      mode: buf.readUInt32BE(start + 24),
      oid: buf.toString('hex', start + 40, start + 40 + oidBytes),
      ctime: `${buf.readUInt32BE(start)}:${buf.readUInt32BE(start + 4)}`,
      mtime: `${buf.readUInt32BE(start + 8)}:${buf.readUInt32BE(start + 12)}`,
      ino: buf.readUInt32BE(start + 20),
      size: buf.readUInt32BE(start + 36),
      hidden: (flags & 0x8000) !== 0 || (extra & 0x4000) !== 0,
    });
  }
  // Extensions: a 4-byte signature and a 4-byte size each, then the trailing checksum.
  while (at + 8 <= buf.length - oidBytes) {
    const signature = buf.toString('latin1', at, at + 4);
    if (signature[0]! >= 'a' && signature[0]! <= 'z') return undefined;
    at += 8 + buf.readUInt32BE(at + 4);
  }
  return entries;
}
