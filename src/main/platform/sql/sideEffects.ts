/**
 * The built-in functions a dump's rows never call and a restore must not run: their effects reach beyond
 * the row (files, time, locks, other connections), which the load account's grants cannot confine.
 *
 * Two searches, one list:
 * - `SIDE_EFFECTS`, a regular expression over a whole statement (a latin1 "byte string"): any word
 *   boundary, quotes and comments included — coarse, so the classifier confirms a hit on tokens;
 * - `WordScan`, filled in by the dump splitter's body scan (dumpBodyScan.ts) from the bytes it already
 *   reads: the same words, whole ASCII word runs only, outside string literals. A statement it calls
 *   `Clean` needs neither the regular expression nor a string of its bytes (issue 16: on a 2-core restore
 *   the search, the string and that string's garbage were a second of client CPU per 500 MB).
 */

const WORDS = [
  'LOAD_FILE',
  'SLEEP',
  'BENCHMARK',
  'GET_LOCK',
  'RELEASE_LOCK',
  'RELEASE_ALL_LOCKS',
  'IS_USED_LOCK',
  'IS_FREE_LOCK',
  'MASTER_POS_WAIT',
  'MASTER_GTID_WAIT',
  'SELECT',
] as const;

/** Any of the words at a word boundary, in any case (JavaScript's `\b`: ASCII letters, digits, `_`). */
export const SIDE_EFFECTS = new RegExp(`\\b(?:${WORDS.join('|')})\\b`, 'i');

/** What a statement's body scan found; numeric, as the scan's hot loop keeps it. */
export enum WordScan {
  /** Every word outside strings was seen whole; none is on the list. */
  Clean = 0,
  /** One of the words, outside strings. */
  Found = 1,
  /** Part of the statement was not scanned this way (executable comment, quoted name in the rows, a word
   * cut by a chunk boundary …): the caller searches the whole text instead. */
  Unknown = 2,
}

/** The bytes `\b` calls word characters: what a run of the scan is made of. */
export const WORD_BYTE = new Uint8Array(256);
for (let c = 0x30; c <= 0x39; c++) WORD_BYTE[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) WORD_BYTE[c] = 1;
for (let c = 0x61; c <= 0x7a; c++) WORD_BYTE[c] = 1;
WORD_BYTE[0x5f] = 1;

const SHORTEST = Math.min(...WORDS.map((w) => w.length));
const LONGEST = Math.max(...WORDS.map((w) => w.length));
const LISTED = new Set<string>(WORDS);
/** First letters of the words (upper case): most runs (hex literals, numbers, NULL) stop at this test. */
const FIRST = new Uint8Array(256);
for (const w of WORDS) {
  FIRST[w.charCodeAt(0)] = 1;
  FIRST[w.toLowerCase().charCodeAt(0)] = 1;
}

/** Whether `buf[start, end)`, a whole run of word bytes, is one of the words in any case. */
export function isSideEffectWord(buf: Buffer, start: number, end: number): boolean {
  const len = end - start;
  if (len < SHORTEST || len > LONGEST || FIRST[buf[start] as number] !== 1) return false;
  return LISTED.has(buf.toString('latin1', start, end).toUpperCase());
}

/**
 * A run cut by the end of a buffer, as far as it is known: its text while it could still become one of the
 * words, else NOT_A_WORD (a hex literal, a number, NULL …), so long runs are never held.
 */
export function runSoFar(prefix: string, buf: Buffer, start: number, end: number): string {
  const len = prefix.length + end - start;
  const first = prefix.length > 0 ? prefix.charCodeAt(0) : (buf[start] as number);
  if (prefix === NOT_A_WORD || len > LONGEST || FIRST[first] !== 1) return NOT_A_WORD;
  return prefix + buf.toString('latin1', start, end);
}

/** Whether a run held across buffers (`runSoFar`) is one of the words. */
export function isSideEffectText(run: string): boolean {
  return run !== NOT_A_WORD && LISTED.has(run.toUpperCase());
}

const NOT_A_WORD = '#';
const MAX_NAME_HELD = 256;
const NOT_WORD = /[^A-Za-z0-9_]+/;

/**
 * The words of a quoted name `buf[from, close)` (close -1: it goes on in the next chunk), with `held`, what
 * earlier chunks had of it: the server calls a built-in function by its quoted name too (`` `SLEEP`(1) ``).
 * A name cut by a chunk boundary is held as text up to MAX_NAME_HELD bytes (MySQL names are at most 64
 * characters); longer, Unknown.
 */
export function scanQuotedName(buf: Buffer, from: number, close: number, held: string): { held: string; words: WordScan } {
  if (close < 0 || held !== '') {
    const text = held + buf.toString('latin1', from, close < 0 ? buf.length : close);
    if (text.length > MAX_NAME_HELD) return { held: '', words: WordScan.Unknown };
    if (close < 0) return { held: text, words: WordScan.Clean };
    return { held: '', words: text.split(NOT_WORD).some(isSideEffectText) ? WordScan.Found : WordScan.Clean };
  }
  for (let i = from; i < close; ) {
    if (WORD_BYTE[buf[i] as number] !== 1) {
      i++;
      continue;
    }
    let end = i + 1;
    while (end < close && WORD_BYTE[buf[end] as number] === 1) end++;
    if (isSideEffectWord(buf, i, end)) return { held: '', words: WordScan.Found };
    i = end;
  }
  return { held: '', words: WordScan.Clean };
}
