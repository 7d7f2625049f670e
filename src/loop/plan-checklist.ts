// PLAN.md's checklist: pure parsing of Markdown task items (`- [ ] step`, `- [x] step`), no I/O.

/** One checklist item of PLAN.md. */
export interface PlanItem {
  text: string;
  done: boolean;
}

/** PLAN.md's progress: items checked, items in all, and the items (the list is capped; the counts are not). */
export interface PlanProgress {
  done: number;
  total: number;
  items: PlanItem[];
}

/** At most this many items are kept (in the state, the manifest, the journal); each text at most ITEM_CHARS. */
export const PLAN_ITEMS_MAX = 50;
export const ITEM_CHARS = 160;

const ITEM = /^ {0,12}(?:[-*+]|\d{1,9}[.)])[ \t]+\[([ xX])\](?:[ \t]+(.*))?$/;
const FENCE = /^ {0,3}(```|~~~)/;

const short = (text: string) => (text.length > ITEM_CHARS ? `${text.slice(0, ITEM_CHARS - 1)}…` : text);

/** The task items of a Markdown text, outside fenced code blocks, in order. */
export function parseChecklist(markdown: string): PlanProgress {
  const items: PlanItem[] = [];
  let done = 0;
  let total = 0;
  let fence: string | undefined;
  for (const line of markdown.split(/\r?\n/)) {
    const mark = FENCE.exec(line)?.[1];
    if (mark) {
      if (!fence) fence = mark;
      else if (fence === mark) fence = undefined;
      continue;
    }
    if (fence) continue;
    const match = ITEM.exec(line);
    if (!match) continue;
    const checked = match[1] !== ' ';
    total++;
    if (checked) done++;
    if (items.length < PLAN_ITEMS_MAX) items.push({ text: short((match[2] ?? '').trim()), done: checked });
  }
  return { done, total, items };
}

/** The texts of the checked items. */
export const checkedItems = (progress: PlanProgress | undefined): string[] =>
  progress?.items.filter((item) => item.done).map((item) => item.text) ?? [];

/** `plan 3/5`. */
export const progressLabel = (progress: Pick<PlanProgress, 'done' | 'total'>): string => `plan ${progress.done}/${progress.total}`;
