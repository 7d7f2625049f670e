import { isAbsolute, join, relative } from 'node:path';
import type { Severity } from '../../bus/message.js';
import type { MergedFinding } from '../../loop/panel-findings.js';
import { workflowCommand } from './workflow-commands.js';

/** The annotation level of a finding's severity. */
export const LEVEL: Record<Severity, 'error' | 'warning' | 'notice'> = { critical: 'error', high: 'error', medium: 'warning', low: 'notice' };

/** GitHub shows at most this many annotations of one level per step. */
export const ANNOTATION_CAP = 10;

const RANK: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3 };
const WORDS = { error: 'critical or high', warning: 'medium', notice: 'low' } as const;

/**
 * A finding's file as GitHub wants it, relative to the repository's checkout (`GITHUB_WORKSPACE`): the reviewer
 * names files from the run's folder, which may be a subfolder of the checkout.
 */
export function annotationFile(file: string, cwd: string, workspace?: string): string {
  const full = isAbsolute(file) ? file : join(cwd, file);
  const base = workspace ?? cwd;
  const rel = relative(base, full);
  return rel.startsWith('..') || isAbsolute(rel) ? file : rel;
}

/**
 * One workflow command per open finding (`::error` for critical and high, `::warning` medium, `::notice` low),
 * at most ANNOTATION_CAP per level: past it, the last one says how many more there are and where to read them.
 */
export function findingAnnotations(findings: readonly MergedFinding[], where: { cwd: string; workspace?: string; runId: string }): string[] {
  const lines: string[] = [];
  for (const level of ['error', 'warning', 'notice'] as const) {
    const mine = findings.filter((f) => LEVEL[f.severity] === level).sort((a, b) => RANK[a.severity] - RANK[b.severity]);
    const shown = mine.length > ANNOTATION_CAP ? mine.slice(0, ANNOTATION_CAP - 1) : mine;
    for (const f of shown) {
      const by = f.raisedBy && f.raisedBy.length > 1 ? ` (raised by ${f.raisedBy.join(', ')})` : '';
      lines.push(workflowCommand(level, {
        file: f.file ? annotationFile(f.file, where.cwd, where.workspace) : undefined,
        line: f.file ? f.line : undefined,
        endLine: f.file && f.line ? f.endLine : undefined,
        title: `[${f.severity}] ${f.title}`,
      }, `${f.body?.trim() || f.title}${by}`));
    }
    const more = mine.length - shown.length;
    if (more > 0) {
      lines.push(workflowCommand(level, { title: `loop: ${more} more ${WORDS[level]} findings` }, `${more} more ${WORDS[level]} findings are not annotated (GitHub shows ${ANNOTATION_CAP} per level): see the job summary, or loop show ${where.runId}`));
    }
  }
  return lines;
}
