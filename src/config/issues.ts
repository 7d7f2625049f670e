import type { z } from 'zod';

/** Format zod issues as `file: dotted.path: message`, at most `max` of them. */
export function formatIssues(file: string, issues: readonly z.core.$ZodIssue[], max = 3): string {
  const lines = issues.slice(0, max).map((issue) => {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((key) => (path ? `${path}.${key}` : key));
      return `${file}: ${keys.join(', ')}: unknown key${keys.length > 1 ? 's' : ''}`;
    }
    // A bad record key (e.g. an agent name) carries the key schema's own message in nested issues.
    const inner = issue.code === 'invalid_key' ? issue.issues[0]?.message : undefined;
    const message = (inner ?? issue.message).replace(/^Invalid input: /, '');
    return `${file}: ${path || '(top level)'}: ${message}`;
  });
  if (issues.length > max) lines.push(`${file}: …and ${issues.length - max} more problem(s)`);
  return lines.join('\n');
}
