import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { usageError } from '../errors.js';

/** The task of a new run: the prompt, a `.md` file it names, or the repository's PLAN.md. */
export function resolveTask(prompt: string | undefined, cwd: string, root: string): string {
  const text = prompt?.trim();
  if (text) {
    if (/\.md$/i.test(text) && !/\s/.test(text)) {
      const path = resolve(cwd, text);
      if (!existsSync(path)) throw usageError(`${text}: no such file`, 'give a task in quotes, or the path of a markdown plan');
      return `Carry out the plan in ${text}:\n\n${readFileSync(path, 'utf8').trim()}`;
    }
    return text;
  }
  const plan = join(root, 'PLAN.md');
  if (existsSync(plan)) return `Carry out the plan in PLAN.md:\n\n${readFileSync(plan, 'utf8').trim()}`;
  throw usageError('no task given and no PLAN.md in the repository', 'run: loop run "describe the task"');
}
