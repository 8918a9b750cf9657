import { BACKSLASH, CLOSE, DASH, DQUOTE, INSIDE_PLAIN, OPEN, QUOTE } from './dumpBytes';

/** Parenthesis depth and counts carried between calls (and the next backslash found, to search once). */
export interface BodyScanState {
  depth: number;
  parens: number;
  /** Position of the next backslash in the buffer, -1 when it must be searched again. */
  nextBackslash: number;
}

/**
 * Hot path of the dump splitter for statement bodies (INSERT tuples): plain bytes, parentheses and whole
 * string literals in one loop with locals. Returns where it stopped: at anything else (a delimiter, a
 * comment start, a backtick) or at a string running past the buffer, which the splitter's general code
 * then takes byte by byte.
 */
export function scanBody(buf: Buffer, from: number, d0: number, backslashEscapes: boolean, st: BodyScanState): number {
  const n = buf.length;
  let depth = st.depth;
  let parens = st.parens;
  let i = from;
  while (i < n) {
    const ch = buf[i] as number;
    if (ch === QUOTE || ch === DQUOTE) {
      const j = closingQuote(buf, i, backslashEscapes, st);
      if (j >= n) break;
      i = j + 1;
    } else if (ch === OPEN) {
      if (depth === 0) parens++;
      depth++;
      i++;
    } else if (ch === CLOSE) {
      if (depth > 0) depth--;
      i++;
    } else if (INSIDE_PLAIN[ch] === 1 && ch !== d0) {
      i++;
    } else if (ch === DASH && i + 1 < n && buf[i + 1] !== DASH && d0 !== DASH) {
      i++; // a minus sign, not the start of a `--` comment
    } else break;
  }
  st.depth = depth;
  st.parens = parens;
  return i;
}

/**
 * The position of the quote closing the string that opens at `open`, or `buf.length` if it runs past the
 * buffer. Native searches for the closing quote and the next backslash (remembered across strings, so a
 * buffer without backslashes is searched once): several times faster than a byte loop.
 */
function closingQuote(buf: Buffer, open: number, backslashEscapes: boolean, st: BodyScanState): number {
  const n = buf.length;
  const quote = buf[open] as number;
  let j = open + 1;
  for (;;) {
    const close = buf.indexOf(quote, j);
    if (close < 0) return n;
    if (backslashEscapes) {
      if (st.nextBackslash < j) {
        st.nextBackslash = buf.indexOf(BACKSLASH, j);
        if (st.nextBackslash < 0) st.nextBackslash = n;
      }
      if (st.nextBackslash < close) {
        j = st.nextBackslash + 2;
        st.nextBackslash = -1;
        if (j >= n) return n;
        continue;
      }
    }
    return close;
  }
}
