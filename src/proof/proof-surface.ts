import { posix } from 'node:path';
import { execa } from 'execa';
import type { SurfaceChange } from '../bus/message.js';
import { globMatcher } from './glob.js';
import { lineChanges, proofSection } from './plan-proof-section.js';

export interface SurfaceOptions {
  /** Globs of the proof surface (config `proofSurface`, or the defaults). */
  globs: readonly string[];
  /** The frozen proof commands: the repository paths they name are part of the surface. */
  commands: readonly string[];
  /** The proof section of the plan the reviewer approved: PLAN.md's proof section is compared with it, not with the base tree's. */
  planProofBase?: string;
}

const isGitTree = (hash: string) => /^[0-9a-f]{40,64}$/.test(hash);
const git = (root: string, args: string[], input?: string) =>
  execa('git', args, { cwd: root, reject: false, stripFinalNewline: false, ...(input === undefined ? {} : { input }) });

/** Words of the proof commands that could name a repository path (`./x` → `x`; `--opt=x` → `x`). */
export function commandWords(commands: readonly string[]): string[] {
  const words = new Set<string>();
  for (const command of commands) {
    for (const raw of command.split(/[\s;&|<>()`]+/)) {
      const word = raw.replace(/^['"]|['"]$/g, '').replace(/^--?[A-Za-z0-9-]+=/, '');
      if (!word || word.startsWith('-') || /[$*?{}[\]'"\\]/.test(word)) continue;
      const path = posix.normalize(word).replace(/\/+$/, '');
      if (path && path !== '.' && !path.startsWith('../') && path !== '..' && !path.startsWith('/')) words.add(path);
    }
  }
  return [...words];
}

/** The words that name a file or directory in `tree` (one `git cat-file --batch-check`). */
async function existingPaths(root: string, tree: string, words: string[]): Promise<string[]> {
  if (words.length === 0) return [];
  const result = await git(root, ['cat-file', '--batch-check'], words.map((w) => `${tree}:${w}\n`).join(''));
  if (result.exitCode !== 0) throw new Error(`git cat-file failed: ${result.stderr.trim() || result.message}`);
  const lines = result.stdout.split('\n');
  return words.filter((_, i) => /^[0-9a-f]+ (blob|tree) /.test(lines[i] ?? ''));
}

interface Changed {
  file: string;
  from?: string;
  status: SurfaceChange['status'];
  added: number;
  removed: number;
}

const STATUS: Record<string, SurfaceChange['status']> = { A: 'added', D: 'deleted', R: 'renamed' };

/** Every file changed between two trees, with its status and line counts (renames detected). */
async function changedFiles(root: string, from: string, to: string): Promise<Changed[]> {
  const args = ['diff-tree', '-r', '-z', '-M'];
  const [names, counts] = await Promise.all([git(root, [...args, '--name-status', from, to]), git(root, [...args, '--numstat', from, to])]);
  for (const result of [names, counts]) if (result.exitCode !== 0) throw new Error(`git diff-tree failed: ${result.stderr.trim() || result.message}`);
  const files: Changed[] = [];
  const n = names.stdout.split('\0');
  for (let i = 0; i < n.length - 1; ) {
    const code = n[i]!;
    if (code.startsWith('R')) {
      files.push({ file: n[i + 2]!, from: n[i + 1]!, status: 'renamed', added: 0, removed: 0 });
      i += 3;
    } else {
      files.push({ file: n[i + 1]!, status: STATUS[code[0]!] ?? 'modified', added: 0, removed: 0 });
      i += 2;
    }
  }
  // numstat -z: "added\tremoved\tpath\0", or for a rename "added\tremoved\t\0old\0new\0"; binary files show "-".
  const c = counts.stdout.split('\0');
  const byFile = new Map(files.map((f) => [f.file, f]));
  for (let i = 0; i < c.length - 1; ) {
    const [added, removed, path] = c[i]!.split('\t');
    const file = path ? path : c[i + 2]!;
    i += path ? 1 : 3;
    const entry = byFile.get(file);
    if (entry) Object.assign(entry, { added: Number(added) || 0, removed: Number(removed) || 0 });
  }
  return files;
}

const PLAN = 'PLAN.md';

const blob = async (root: string, tree: string, path: string) => {
  const result = await git(root, ['cat-file', 'blob', `${tree}:${path}`]);
  return result.exitCode === 0 ? result.stdout : '';
};

/**
 * The proof-surface files changed between the run's base tree and `tree`: files matching the globs, paths named
 * in the proof commands (those that exist in the base tree, and what lies under them), and PLAN.md when its
 * proof section changed (since the approved plan, when there is one). Outside git (or on equal trees) nothing is reported.
 */
export async function proofSurfaceChanges(root: string, baseTree: string, tree: string, options: SurfaceOptions): Promise<SurfaceChange[]> {
  if (baseTree === tree || !isGitTree(baseTree) || !isGitTree(tree)) return [];
  const files = await changedFiles(root, baseTree, tree);
  if (files.length === 0) return [];
  const byGlob = globMatcher(options.globs);
  const named = await existingPaths(root, baseTree, commandWords(options.commands));
  const byCommand = (path: string) => named.some((p) => path === p || path.startsWith(`${p}/`));
  const inSurface = (path: string) => byGlob(path) || byCommand(path);
  const out: SurfaceChange[] = [];
  for (const f of files) {
    if (inSurface(f.file) || (f.from !== undefined && inSurface(f.from))) {
      out.push({ file: f.file, status: f.status, added: f.added, removed: f.removed, ...(f.from ? { from: f.from } : {}) });
    } else if (f.file === PLAN || f.from === PLAN) {
      const before = options.planProofBase ?? proofSection(await blob(root, baseTree, PLAN));
      const after = proofSection(await blob(root, tree, PLAN));
      if (before !== after) out.push({ file: PLAN, status: f.file === PLAN ? f.status : 'deleted', ...lineChanges(before, after) });
    }
  }
  return out;
}
