import { BACKSLASH, CLOSE, DASH, DQUOTE, INSIDE_PLAIN, OPEN, QUOTE } from './dumpBytes';
import { isSideEffectText, isSideEffectWord, runSoFar, WORD_BYTE, WordScan } from './sideEffects';

/** Parenthesis depth and counts carried between calls (and the next backslash found, to search once). */
export interface BodyScanState {
  depth: number;
  parens: number;
  /** Position of the next backslash in the buffer, -1 when it must be searched again. */
  nextBackslash: number;
  /** The statement's side-effect words so far (sideEffects.ts); only ever raised. */
  words: WordScan;
  /** A word run the previous buffer ended in (sideEffects.ts runSoFar), to go on with at this one's start. */
  run: string | null;
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
  // A delimiter made of letters could end a word mid-run: such files are searched whole instead.
  const runs = WORD_BYTE[d0] !== 1;
  if (!runs) st.words = WordScan.Unknown;
  let i = from;
  while (i < n) {
    const ch = buf[i] as number;
    if (runs && WORD_BYTE[ch] === 1) {
      i = wordRun(buf, i, i === from, st);
    } else if (ch === QUOTE || ch === DQUOTE) {
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
 * Past the run of word bytes at `at`, checked whole against the side-effect words. Every run of a
 * statement's code starts in this scan (the splitter hands it the statement's first letter too), so a
 * run the previous buffer ended in is held in `st.run` and goes on at this buffer's start; one that
 * reaches this buffer's end is held for the next. A word byte just before the scan was entered would
 * break that rule: the statement is then Unknown rather than judged on half a word.
 */
function wordRun(buf: Buffer, at: number, atEntry: boolean, st: BodyScanState): number {
  const n = buf.length;
  let prefix = '';
  const start = at;
  if (atEntry && at === 0 && st.run !== null) {
    prefix = st.run;
    st.run = null;
  } else if (atEntry && at > 0 && WORD_BYTE[buf[at - 1] as number] === 1) st.words = WordScan.Unknown;
  let end = at + 1;
  while (end < n && WORD_BYTE[buf[end] as number] === 1) end++;
  if (end === n) st.run = runSoFar(prefix, buf, start, end);
  else if (st.words !== WordScan.Clean) return end;
  else if (prefix === '' ? isSideEffectWord(buf, start, end) : isSideEffectText(runSoFar(prefix, buf, start, end)))
    st.words = WordScan.Found;
  return end;
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
