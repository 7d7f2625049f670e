const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*))?$/;
const FENCE = /^ {0,3}(```|~~~)/;

/**
 * The proof section(s) of a markdown plan: each heading containing "proof" (any case), up to the next heading
 * of the same or a higher level. Headings inside fenced code blocks do not count. '' when there is none.
 */
export function proofSection(markdown: string): string {
  const out: string[] = [];
  let level = 0; // the level of the proof heading being copied, 0 when outside a proof section
  let fence: string | undefined;
  for (const line of markdown.split(/\r?\n/)) {
    const fenceMark = FENCE.exec(line)?.[1];
    if (fenceMark && (!fence || fence === fenceMark)) fence = fence ? undefined : fenceMark;
    const heading = fence || fenceMark ? undefined : HEADING.exec(line);
    if (heading) {
      const depth = heading[1]!.length;
      if (level > 0 && depth <= level) level = 0;
      if (level === 0 && /proof/i.test(heading[2] ?? '')) level = depth;
    }
    if (level > 0) out.push(line);
  }
  return out.join('\n');
}

/** Lines added and removed between two texts, counted as multisets (a short stat, not a diff). */
export function lineChanges(before: string, after: string): { added: number; removed: number } {
  const count = new Map<string, number>();
  const lines = (text: string) => (text === '' ? [] : text.split('\n'));
  for (const line of lines(before)) count.set(line, (count.get(line) ?? 0) + 1);
  let added = 0;
  for (const line of lines(after)) {
    const left = count.get(line) ?? 0;
    if (left > 0) count.set(line, left - 1);
    else added++;
  }
  const removed = [...count.values()].reduce((sum, n) => sum + n, 0);
  return { added, removed };
}
