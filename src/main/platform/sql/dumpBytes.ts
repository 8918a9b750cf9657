/**
 * The lexical vocabulary of DumpSplitter: scanner states and the byte values it branches on.
 * Kept as numeric constants so the hot loop compares small integers, never strings.
 */

export enum S {
  Normal = 0,
  Single = 1,
  Double = 2,
  Backtick = 3,
  LineComment = 4,
  BlockComment = 5,
}

export const SPACE = 0x20;
export const NL = 0x0a;
export const CR = 0x0d;
export const TAB = 0x09;
export const QUOTE = 0x27;
export const DQUOTE = 0x22;
export const BACKTICK = 0x60;
export const BACKSLASH = 0x5c;
export const DASH = 0x2d;
export const HASH = 0x23;
export const SLASH = 0x2f;
export const STAR = 0x2a;
export const BANG = 0x21;
export const OPEN = 0x28;
export const CLOSE = 0x29;

export const DUMP_COMPLETED = Buffer.from(' Dump completed');
export const DELIMITER_WORD = 'delimiter';

/**
 * Bytes that are plain code once a statement has begun (outside quotes and executable comments): the
 * DELIMITER word (d/D) and whitespace only matter before a statement starts, the star only inside an executable comment.
 * Hex literals (0x…D…) and text with spaces would otherwise leave the hot loop every few bytes.
 */
export const INSIDE_PLAIN = new Uint8Array(256).fill(1);
for (const c of [QUOTE, DQUOTE, BACKTICK, DASH, HASH, SLASH, OPEN, CLOSE]) INSIDE_PLAIN[c] = 0;

export function isSpace(b: number): boolean {
  return b === SPACE || b === NL || b === CR || b === TAB || b === 0x0c || b === 0x0b;
}

/**
 * Whether the delimiter whose first byte is at buf[i] continues in buf. True when buf ends first: the
 * answer is undecided and the caller keeps the bytes until the next chunk arrives.
 */
export function matchesDelimiterTail(buf: Buffer, i: number, delimiter: Buffer): boolean {
  for (let k = 1; k < delimiter.length; k++) {
    if (i + k >= buf.length) return true;
    if (buf[i + k] !== delimiter[k]) return false;
  }
  return true;
}

/** Carried across chunks while a string literal is read: a backslash was the chunk's last byte. */
export interface QuotedState {
  escapeNext: boolean;
}

/**
 * Reads a string literal's bytes from `from`: the position after its closing `quote`, or -1 when the
 * chunk ends first (then `st.escapeNext` says whether the next chunk's first byte is escaped).
 */
export function endOfQuoted(buf: Buffer, from: number, quote: number, backslashEscapes: boolean, st: QuotedState): number {
  const n = buf.length;
  let i = from;
  if (st.escapeNext) {
    st.escapeNext = false;
    i++;
  }
  // Tight inner loop: string literals are most of a dump's bytes.
  while (i < n) {
    const c = buf[i] as number;
    if (c === quote) return i + 1;
    if (c === BACKSLASH && backslashEscapes) {
      if (i + 1 >= n) {
        st.escapeNext = true;
        return -1;
      }
      i += 2;
      continue;
    }
    i++;
  }
  return -1;
}

/**
 * `DELIMITER x` at `i` (a client command, up to the end of its line): 'more' when the chunk ends before
 * that can be decided, null when it is not one, else the new delimiter and the position after the line.
 */
export function readDelimiterCommand(buf: Buffer, i: number, final: boolean): 'more' | null | { arg: string; after: number } {
  const n = buf.length;
  if (i + 10 > n && !final) return 'more';
  const word = buf.toString('latin1', i, Math.min(n, i + 10));
  if (word.length !== 10 || word.slice(0, 9).toLowerCase() !== DELIMITER_WORD || !isSpace(word.charCodeAt(9))) return null;
  const eol = buf.indexOf(NL, i);
  if (eol < 0 && !final) return 'more';
  const lineEnd = eol < 0 ? n : eol;
  const arg =
    buf
      .toString('latin1', i + 9, lineEnd)
      .trim()
      .split(/\s+/)[0] ?? '';
  return arg.length === 0 ? null : { arg, after: Math.min(n, lineEnd + 1) };
}
