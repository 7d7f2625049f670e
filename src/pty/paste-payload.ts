/** Start and end markers of a bracketed paste (DECSET 2004). */
export const PASTE_START = '\x1b[200~';
export const PASTE_END = '\x1b[201~';

/** Largest piece written at once: below the ~4096-byte canonical-mode line limit of Linux. */
export const MAX_CHUNK_BYTES = 3500;

// C0/C1 controls other than tab, LF and CR; ESC among them, so no text can end a paste early.
const CONTROLS = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x9f]/g;

/**
 * Makes message text safe to type. Bracketed: newlines become CR, as a real terminal pastes them.
 * Plain: one line (newlines and tabs become spaces), since Enter would submit early.
 */
export const preparePayload = (text: string, bracketed: boolean): string => {
  const clean = text.replace(CONTROLS, '');
  if (bracketed) return clean.replace(/\r\n|\r|\n/g, '\r');
  return clean.replace(/\r\n|[\r\n\t]/g, ' ');
};

/** Splits text into pieces of at most maxBytes UTF-8 bytes, never inside a character. */
export const chunkByBytes = (text: string, maxBytes: number = MAX_CHUNK_BYTES): string[] => {
  const chunks: string[] = [];
  let current = '';
  let bytes = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char);
    if (bytes + size > maxBytes && current !== '') {
      chunks.push(current);
      current = '';
      bytes = 0;
    }
    current += char;
    bytes += size;
  }
  if (current !== '') chunks.push(current);
  return chunks;
};
