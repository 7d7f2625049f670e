import { randomUUID } from 'node:crypto';

/**
 * `$GITHUB_OUTPUT` lines: `name=value`, or for a value with a line break the heredoc form with a random
 * delimiter (as @actions/core's file-command.ts writes it), so no value can forge another output.
 */
export function outputLines(outputs: Record<string, string | number | null | undefined>, delimiter = () => `ghadelimiter_${randomUUID()}`): string {
  return Object.entries(outputs).map(([name, raw]) => {
    const value = raw === null || raw === undefined ? '' : String(raw);
    if (!/[\r\n]/.test(value)) return `${name}=${value}\n`;
    const end = delimiter();
    return `${name}<<${end}\n${value}\n${end}\n`;
  }).join('');
}
