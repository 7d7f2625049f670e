import type { z } from 'zod';

/** Format zod issues as `file: dotted.path: message`, at most `max` of them. */
export function formatIssues(file: string, issues: readonly z.core.$ZodIssue[], max = 3): string {
  const lines = issues.slice(0, max).map((issue) => {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((key) => (path ? `${path}.${key}` : key));
      return `${file}: ${keys.join(', ')}: unknown key${keys.length > 1 ? 's' : ''}`;
    }
    const message = issue.message.replace(/^Invalid input: /, '');
    return `${file}: ${path || '(top level)'}: ${message}`;
  });
  if (issues.length > max) lines.push(`${file}: …and ${issues.length - max} more problem(s)`);
  return lines.join('\n');
}
