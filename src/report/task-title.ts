/**
 * A task's title (a commit subject, a pull request title): the first line of the task, or for a task that is a
 * plan file ("Carry out the plan in PLAN.md: …") the plan's first heading; markdown markers dropped, at most 72
 * characters.
 */
export function taskTitle(task: string, max = 72): string {
  const lines = task.split('\n').map((line) => line.trim()).filter(Boolean);
  const fromPlan = /^Carry out the plan in \S+:$/.test(lines[0] ?? '') ? lines.slice(1).find((line) => line.startsWith('#')) : undefined;
  const line = (fromPlan ?? lines[0] ?? 'loop run').replace(/^#+\s*/, '').replace(/\s+/g, ' ');
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
