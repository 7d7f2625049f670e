import type { z } from 'zod';

/** Format zod issues as `file: dotted.path: message`, at most `max` of them; `name` renders a path (e.g. as a flag). */
export function formatIssues(
  file: string,
  issues: readonly z.core.$ZodIssue[],
  max = 3,
  name: (path: string) => string = (path) => path,
): string {
  const lines = issues.slice(0, max).map((issue) => {
    const path = issue.path.length > 0 ? name(issue.path.map(String).join('.')) : '';
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((key) => (path ? `${path}.${key}` : key));
      return `${file}: ${keys.join(', ')}: unknown key${keys.length > 1 ? 's' : ''}`;
    }
    // A bad record key (e.g. an agent name) carries the key schema's own message in nested issues.
    const inner = issue.code === 'invalid_key' ? issue.issues[0]?.message : undefined;
    const message = inner ?? plain(issue);
    return `${file}: ${path || '(top level)'}: ${message}`;
  });
  if (issues.length > max) lines.push(`${file}: …and ${issues.length - max} more problem(s)`);
  return lines.join('\n');
}

/** zod's default size messages ("Too big: expected number to be <=100") in plain words; any other message as given. */
function plain(issue: z.core.$ZodIssue): string {
  if ((issue.code === 'too_big' || issue.code === 'too_small') && issue.message.startsWith('Too ')) {
    const bound = issue.code === 'too_big' ? issue.maximum : issue.minimum;
    if (issue.code === 'too_small' && issue.origin === 'string' && Number(bound) === 1) return 'must not be empty';
    const exclusive = issue.inclusive === false;
    const side = issue.code === 'too_big' ? (exclusive ? 'below' : 'at most') : exclusive ? 'above' : 'at least';
    const unit = issue.origin === 'array' ? ' items' : issue.origin === 'string' ? ' characters' : '';
    return `must be ${side} ${String(bound)}${unit}`;
  }
  return issue.message.replace(/^Invalid input: /, '');
}

const FLAG_OF: Record<string, string> = { reviewers: 'reviewer', maxCostUsd: 'max-cost', worktree: 'worktree/--here' };

/** A command-line config key as the flag that sets it: reviewers → --reviewer, maxIterations → --max-iterations. */
export function flagName(path: string): string {
  const [key = '', ...rest] = path.split('.');
  const flag = FLAG_OF[key] ?? key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  return [`--${flag}`, ...rest].join('.');
}
