import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { usageError } from '../errors.js';
import { parseChecklist } from './plan-checklist.js';
import { PLAN_FILE, readPlanFile } from './read-plan.js';

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

/**
 * Where a plan the worker must adopt (not start over) comes from: the task's own `.md` file, the repository's
 * PLAN.md when it is the task, or a PLAN.md that still has unchecked items; undefined when there is none.
 */
export function givenPlan(prompt: string | undefined, root: string): string | undefined {
  const text = prompt?.trim();
  if (text && /\.md$/i.test(text) && !/\s/.test(text)) return text;
  const file = readPlanFile(root);
  if (!('text' in file)) return undefined;
  if (!text) return PLAN_FILE;
  const progress = parseChecklist(file.text);
  return progress.done < progress.total ? PLAN_FILE : undefined;
}
