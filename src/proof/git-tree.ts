import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import type { IndexEntry } from './git-index.js';

/** Tree ids this process knows to be in a repository's object store (by objects folder). */
const stored = new Map<string, Set<string>>();

interface Node {
  files: Array<{ name: string; mode: number; oid: string }>;
  dirs: Map<string, Node>;
}

/** Git orders a tree's entries by name, a folder's name compared as if it ended in `/`. */
const sortKey = (name: string, dir: boolean): Buffer => Buffer.from(dir ? `${name}/` : name, 'utf8');

/**
 * `git write-tree` without a process: the tree objects of an index's entries, written into the object store
 * (loose, zlib, as git writes them) where they are not there yet, and the root tree's id. The blobs are
 * already there: `git add` wrote them.
 */
export function writeTree(entries: IndexEntry[], objectsDir: string, oidHex: number): string {
  const root: Node = { files: [], dirs: new Map() };
  for (const entry of entries) {
    const parts = entry.path.split('/');
    let node = root;
    for (const part of parts.slice(0, -1)) {
      let next = node.dirs.get(part);
      if (!next) node.dirs.set(part, (next = { files: [], dirs: new Map() }));
      node = next;
    }
    node.files.push({ name: parts[parts.length - 1]!, mode: entry.mode, oid: entry.oid });
  }
  let known = stored.get(objectsDir);
  if (!known) stored.set(objectsDir, (known = new Set()));
  const write = (node: Node): string => {
    const items = [
      ...node.files.map((f) => ({ key: sortKey(f.name, false), mode: f.mode.toString(8), name: f.name, oid: f.oid })),
      ...[...node.dirs].map(([name, child]) => ({ key: sortKey(name, true), mode: '40000', name, oid: write(child) })),
    ].sort((a, b) => Buffer.compare(a.key, b.key));
    const body = Buffer.concat(items.flatMap((item) => [Buffer.from(`${item.mode} ${item.name}\0`, 'utf8'), Buffer.from(item.oid, 'hex')]));
    const object = Buffer.concat([Buffer.from(`tree ${body.length}\0`), body]);
    const oid = createHash(oidHex === 64 ? 'sha256' : 'sha1').update(object).digest('hex');
    if (!known.has(oid)) {
      const dir = join(objectsDir, oid.slice(0, 2));
      const file = join(dir, oid.slice(2));
      if (!existsSync(file)) {
        mkdirSync(dir, { recursive: true });
        const temp = join(dir, `tmp_obj_loop_${process.pid}_${oid.slice(2, 10)}`);
        writeFileSync(temp, deflateSync(object), { mode: 0o444 });
        renameSync(temp, file);
      }
      known.add(oid);
    }
    return oid;
  };
  return write(root);
}
