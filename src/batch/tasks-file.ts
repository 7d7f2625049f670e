import { readFileSync } from 'node:fs';
import { usageError } from '../errors.js';

/**
 * The tasks of a batch file. A markdown file (`.md`) holds one task per `## ` section (its heading and body;
 * anything before the first `## ` is an introduction, not a task). Any other file holds one task per non-empty
 * line (lines starting with `#` are comments).
 */
export function readTasks(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw usageError(`${path}: cannot read the tasks file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, 'give a text file with one task per line, or a markdown file with one ## section per task');
  }
  const tasks = /\.(md|markdown)$/i.test(path) ? sections(text) : lines(text);
  if (tasks.length === 0) {
    throw usageError(`${path}: no tasks in it`, /\.(md|markdown)$/i.test(path) ? 'start each task with a "## " heading' : 'write one task per line');
  }
  return tasks;
}

const lines = (text: string): string[] => text.split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));

function sections(text: string): string[] {
  const tasks: string[] = [];
  let current: string[] | undefined;
  for (const line of text.split('\n')) {
    if (/^##\s/.test(line)) {
      if (current) tasks.push(current.join('\n').trim());
      current = [line.replace(/^##\s+/, '').trim()];
    } else current?.push(line);
  }
  if (current) tasks.push(current.join('\n').trim());
  return tasks.filter((task) => task !== '');
}
