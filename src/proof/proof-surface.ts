import { posix } from 'node:path';
import { execa } from 'execa';
import type { SurfaceChange } from '../bus/message.js';
import { globMatcher } from './glob.js';
import { lineChanges, proofSection } from './plan-proof-section.js';
import { treeDiff, type ChangedFile } from './tree-diff.js';
import { isGitTree } from './tree-hash.js';

export interface SurfaceOptions {
  /** Globs of the proof surface (config `proofSurface`, or the defaults). */
  globs: readonly string[];
  /** The frozen proof commands: the repository paths they name are part of the surface. */
  commands: readonly string[];
  /** The proof section of the plan the reviewer approved: PLAN.md's proof section is compared with it, not with the base tree's. */
  planProofBase?: string;
  /** The files changed between the two trees, when the caller has them already (treeDiff). */
  files?: readonly ChangedFile[];
}

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

const named = new Map<string, Promise<string[]>>();

/** existingPaths, once per repository, base tree and command words (a run asks the same at every proof). */
function namedPaths(root: string, tree: string, words: string[]): Promise<string[]> {
  const key = JSON.stringify([root, tree, words]);
  let paths = named.get(key);
  if (!paths) {
    paths = existingPaths(root, tree, words);
    named.set(key, paths);
    paths.catch(() => named.delete(key)); // a failure is not kept: the next proof asks again
  }
  return paths;
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
  const [files, named] = await Promise.all([options.files ?? treeDiff(root, baseTree, tree), namedPaths(root, baseTree, commandWords(options.commands))]);
  if (files.length === 0) return [];
  const byGlob = globMatcher(options.globs);
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
