import { execa } from 'execa';
import type { SurfaceChange } from '../bus/message.js';
import { isGitTree } from './tree-hash.js';

/** A file changed between two trees: its status and line counts (`binary`: git counts no lines). */
export interface ChangedFile {
  file: string;
  /** The old path of a rename. */
  from?: string;
  status: SurfaceChange['status'];
  added: number;
  removed: number;
  binary?: boolean;
}

const STATUS: Record<string, SurfaceChange['status']> = { A: 'added', D: 'deleted', R: 'renamed' };

/**
 * Every file changed between two trees, renames detected, from one `git diff-tree --raw --numstat -z`: the raw
 * records give the status and paths, the numstat records the line counts. One git process per proof instead of
 * one per question (diff stat, surface, counts): a spawn blocks loop's event loop for several ms.
 */
export async function treeDiff(root: string, from: string, to: string): Promise<ChangedFile[]> {
  if (from === to || !isGitTree(from) || !isGitTree(to)) return []; // outside git: a walk hash, no diff
  const result = await execa('git', ['diff-tree', '-r', '-z', '-M', '--raw', '--numstat', from, to], { cwd: root, reject: false, stripFinalNewline: false });
  if (result.exitCode !== 0) throw new Error(`git diff-tree failed: ${result.stderr.trim() || result.message}`);
  const tokens = result.stdout.split('\0');
  const files: ChangedFile[] = [];
  const counts = new Map<string, { added: number; removed: number; binary: boolean }>();
  for (let i = 0; i < tokens.length; ) {
    const token = tokens[i]!;
    if (token === '') {
      i++;
    } else if (token.startsWith(':')) {
      const code = token.split(' ')[4] ?? '';
      if (code.startsWith('R') || code.startsWith('C')) {
        files.push({ file: tokens[i + 2]!, from: tokens[i + 1]!, status: code.startsWith('R') ? 'renamed' : 'added', added: 0, removed: 0 });
        i += 3;
      } else {
        files.push({ file: tokens[i + 1]!, status: STATUS[code[0]!] ?? 'modified', added: 0, removed: 0 });
        i += 2;
      }
    } else {
      const [added = '', removed = '', path] = token.split('\t');
      // A rename's numstat record ends with an empty path, then its old and new paths.
      counts.set(path ? path : tokens[i + 2]!, { added: Number(added) || 0, removed: Number(removed) || 0, binary: added === '-' });
      i += path ? 1 : 3;
    }
  }
  for (const file of files) {
    const count = counts.get(file.file);
    if (!count) continue;
    file.added = count.added;
    file.removed = count.removed;
    if (count.binary) file.binary = true;
  }
  return files;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** A `git diff --stat`-like summary of the changed files, at most `width` columns wide ('' when none changed). */
export function formatDiffStat(files: readonly ChangedFile[], width = 120): string {
  if (files.length === 0) return '';
  const names = files.map((f) => (f.from !== undefined ? `${f.from} => ${f.file}` : f.file));
  const nameWidth = Math.min(Math.max(...names.map((n) => n.length)), Math.floor(width / 2));
  const totals = files.map((f) => f.added + f.removed);
  const countWidth = Math.max(...files.map((f, i) => (f.binary ? 3 : String(totals[i]).length)));
  const barRoom = Math.max(width - nameWidth - countWidth - 5, 10);
  const most = Math.max(...totals, 1);
  const scale = (n: number) => (most <= barRoom ? n : Math.max(n > 0 ? 1 : 0, Math.round((n * barRoom) / most)));
  const lines = files.map((f, i) => {
    const name = names[i]!.length > nameWidth ? `...${names[i]!.slice(-(nameWidth - 3))}` : names[i]!.padEnd(nameWidth);
    if (f.binary) return ` ${name} | ${'Bin'.padStart(countWidth)}`;
    const bar = `${'+'.repeat(scale(f.added))}${'-'.repeat(scale(f.removed))}`;
    return ` ${name} | ${String(totals[i]).padStart(countWidth)}${bar ? ` ${bar}` : ''}`;
  });
  const added = files.reduce((sum, f) => sum + f.added, 0);
  const removed = files.reduce((sum, f) => sum + f.removed, 0);
  const parts = [`${plural(files.length, 'file')} changed`];
  if (added > 0 || removed === 0) parts.push(`${plural(added, 'insertion')}(+)`);
  if (removed > 0 || added === 0) parts.push(`${plural(removed, 'deletion')}(-)`);
  return [...lines, ` ${parts.join(', ')}`].join('\n');
}
