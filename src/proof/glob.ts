/**
 * A small glob matcher for repository paths (`/`-separated, relative to the root): `**` (any number of
 * directories), `*` (within one path segment), `?` (one character), `{a,b}` (alternatives, nestable).
 * A pattern without a slash matches the basename anywhere; a trailing slash means "everything under".
 * Other characters match themselves; an unbalanced brace is literal.
 */
export function globToRegExp(pattern: string): RegExp {
  let glob = pattern.replace(/^\.\//, '').replace(/^\//, '');
  if (glob.endsWith('/')) glob = `${glob}**`;
  const body = compile(glob);
  return new RegExp(glob.includes('/') ? `^${body}$` : `^(?:.*/)?${body}$`);
}

const escape = (char: string) => char.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');

/** The index of the brace closing the one at `open`, or -1. */
function closingBrace(glob: string, open: number): number {
  let depth = 0;
  for (let i = open; i < glob.length; i++) {
    if (glob[i] === '{') depth++;
    else if (glob[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

/** Split the inside of a brace group on its top-level commas. */
function alternatives(inner: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < inner.length; i++) {
    if (inner[i] === '{') depth++;
    else if (inner[i] === '}') depth--;
    else if (inner[i] === ',' && depth === 0) {
      parts.push(inner.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(inner.slice(start));
  return parts;
}

function compile(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i]!;
    if (char === '*' && glob[i + 1] === '*') {
      const atStart = i === 0 || glob[i - 1] === '/';
      const slashAfter = glob[i + 2] === '/';
      if (atStart && slashAfter) {
        out += '(?:[^/]*/)*'; // `**/`: zero or more whole directories
        i += 2;
      } else if (atStart && i + 2 === glob.length) {
        out += '.+'; // a trailing `**`: everything under (at least one character)
        i += 1;
      } else {
        out += '.*';
        i += 1;
      }
    } else if (char === '*') {
      out += '[^/]*';
    } else if (char === '?') {
      out += '[^/]';
    } else if (char === '{' && closingBrace(glob, i) > i) {
      const close = closingBrace(glob, i);
      out += `(?:${alternatives(glob.slice(i + 1, close)).map(compile).join('|')})`;
      i = close;
    } else {
      out += escape(char);
    }
  }
  return out;
}

/** A matcher for several globs: true when any of them matches the path. */
export function globMatcher(patterns: readonly string[]): (path: string) => boolean {
  const regexps = patterns.map(globToRegExp);
  return (path) => regexps.some((re) => re.test(path));
}
