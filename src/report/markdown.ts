/** Text made safe inside one Markdown table cell: one line, pipes escaped, capped. */
export function cell(text: string, max = 200): string {
  const line = text.replace(/\s+/g, ' ').trim();
  const short = line.length > max ? `${line.slice(0, max - 1)}…` : line;
  return short.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/</g, '&lt;');
}

/** Inline code that holds any text: a backtick run longer than any inside it, padded when the text touches one. */
export function code(text: string, max = 200): string {
  return codeSpan(text, max, false);
}

/** Inline code inside a table cell, where a pipe ends the cell even inside code (GFM), so it is escaped. */
export function codeCell(text: string, max = 200): string {
  return codeSpan(text, max, true);
}

function codeSpan(text: string, max: number, inTable: boolean): string {
  const line = text.replace(/\s+/g, ' ').trim();
  const short = line.length > max ? `${line.slice(0, max - 1)}…` : line;
  const longest = Math.max(0, ...(short.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = short.startsWith('`') || short.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${inTable ? short.replace(/\|/g, '\\|') : short}${pad}${fence}`;
}

/** Plain text on one line, with Markdown's active characters escaped. */
export function inline(text: string, max = 300): string {
  const line = text.replace(/\s+/g, ' ').trim();
  const short = line.length > max ? `${line.slice(0, max - 1)}…` : line;
  return short.replace(/([\\`*_[\]<>|#])/g, '\\$1');
}

/** A Markdown table from a header and rows of already-escaped cells. */
export function table(header: string[], rows: string[][]): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');
}

/** A fenced block holding any text (the fence outgrows any backtick run inside). */
export function fenced(text: string): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}\n${text.replace(/\n+$/, '')}\n${fence}`;
}
