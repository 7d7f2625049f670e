import type { Finding, ReviewerRole, Severity } from '../bus/message.js';

/** A finding of a panel's merged review: who raised it, and (when several did) who agreed on it. */
export type MergedFinding = Finding & {
  /** The reviewers that raised it (a panel's merged review only). */
  raisedBy?: ReviewerRole[];
  /** Set when two or more reviewers raised it: the same reviewers as `raisedBy`. */
  agreedBy?: ReviewerRole[];
};

/** Two findings on one file this many lines apart (or less) are the same finding. */
export const NEAR_LINES = 3;

const RANK: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3 };

const normalTitle = (title: string) => title.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
const normalFile = (file: string) => file.replace(/^\.\//, '').replace(/\\/g, '/');

/** Lines apart of two findings' ranges (0 when they overlap). */
function linesApart(a: Finding, b: Finding): number {
  const [aStart, aEnd] = [a.line!, Math.max(a.line!, a.endLine ?? a.line!)];
  const [bStart, bEnd] = [b.line!, Math.max(b.line!, b.endLine ?? b.line!)];
  return Math.max(0, aStart - bEnd, bStart - aEnd);
}

/** Do two reviewers' findings name the same problem: the same file within a few lines, or the same title? */
export function sameFinding(a: Finding, b: Finding): boolean {
  if (normalTitle(a.title) !== '' && normalTitle(a.title) === normalTitle(b.title)) return true;
  if (a.file === undefined || b.file === undefined || normalFile(a.file) !== normalFile(b.file)) return false;
  return a.line !== undefined && b.line !== undefined && linesApart(a, b) <= NEAR_LINES;
}

interface Group {
  finding: Finding;
  roles: ReviewerRole[];
  members: Finding[];
}

/**
 * Merge the findings of a panel's reviews: a finding another reviewer also raised (see `sameFinding`) is kept
 * once, with the higher severity, `raisedBy` both and `agreedBy` both. One reviewer's own findings are never
 * merged with each other. Agreed findings come first, then the rest; each part by severity, in the order given.
 */
export function mergeFindings(reviews: ReadonlyArray<{ role: ReviewerRole; findings: readonly Finding[] }>): MergedFinding[] {
  const groups: Group[] = [];
  for (const { role, findings } of reviews) {
    for (const finding of findings) {
      const group = groups.find((g) => !g.roles.includes(role) && g.members.some((m) => sameFinding(m, finding)));
      if (!group) {
        groups.push({ finding: { ...finding }, roles: [role], members: [finding] });
        continue;
      }
      group.roles.push(role);
      group.members.push(finding);
      if (RANK[finding.severity] < RANK[group.finding.severity]) group.finding = { ...group.finding, severity: finding.severity };
    }
  }
  const merged = groups.map((g): MergedFinding => ({ ...g.finding, raisedBy: g.roles, ...(g.roles.length > 1 ? { agreedBy: g.roles } : {}) }));
  const bySeverity = (list: MergedFinding[]) => list.map((f, i) => ({ f, i })).sort((a, b) => RANK[a.f.severity] - RANK[b.f.severity] || a.i - b.i).map(({ f }) => f);
  return [...bySeverity(merged.filter((f) => f.agreedBy)), ...bySeverity(merged.filter((f) => !f.agreedBy))];
}
