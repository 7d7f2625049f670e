import { existsSync, readFileSync } from 'node:fs';
import xterm from '@xterm/headless';

/** Replay an asciicast v2 recording through a headless terminal and return its text (scrollback included). */
export async function castToText(path: string): Promise<string> {
  if (!existsSync(path)) return '';
  const [headerLine, ...lines] = readFileSync(path, 'utf8').split('\n');
  let width = 200;
  let height = 50;
  try {
    const header = JSON.parse(headerLine ?? '{}') as { width?: number; height?: number };
    width = header.width ?? width;
    height = header.height ?? height;
  } catch {
    // A broken header: replay at the default size.
  }
  const terminal = new xterm.Terminal({ cols: width, rows: height, scrollback: 100_000, allowProposedApi: true });
  for (const line of lines) {
    try {
      const event = JSON.parse(line) as [number, string, string];
      if (event[1] === 'o') await new Promise<void>((resolve) => terminal.write(event[2], resolve));
    } catch {
      // A torn last line is skipped.
    }
  }
  const buffer = terminal.buffer.active;
  const out: string[] = [];
  for (let i = 0; i < buffer.length; i++) out.push(buffer.getLine(i)?.translateToString(true) ?? '');
  terminal.dispose();
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out.join('\n');
}
