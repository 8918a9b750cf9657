/**
 * Streaming statement splitter for SQL dump files (mysqldump, mariadb-dump, mydumper, our own backups).
 *
 * Works on raw bytes, never on decoded text: dumps made without --hex-blob carry binary data inside
 * string literals, and decoding those as UTF-8 would corrupt them. It understands what the `mysql` client
 * understands while reading a dump: quotes with backslash escapes, `--`/`#`/block comments, executable
 * comments (`/*!40101 ... *\/`, `/*M!100100 ... *\/`, kept verbatim in the statement; quotes and the
 * delimiter count inside them, as in the client), and the client-side
 * `DELIMITER` command. State survives chunk boundaries, so any chunking of the input gives the same
 * statements (property-tested).
 *
 * Memory is bounded by `limit`: the statement being accumulated is refused (STATEMENT_TOO_LARGE) as soon as
 * it passes `limit.maxBytes`, at the latest at the end of the chunk in which it does, so an unterminated
 * string costs at most the limit plus one chunk. Whitespace and comments before a statement are dropped as
 * they are read, never held.
 *
 * Why not src/main/platform/sql/splitter.ts (same rules) or dbgate-query-splitter: both work on decoded JS strings.
 * Decoding is lossy for binary string literals (a dump without --hex-blob), and re-encoding every
 * statement costs time on a multi-gigabyte restore. Here statements stay Buffers end to end; the loader
 * sends them byte for byte (see features/restore/loader/queryBytes.ts).
 */

import { DEFAULT_STATEMENT_LIMIT, type StatementLimit } from '../../core/statementLimit';
import { type BodyScanState, scanBody } from './dumpBodyScan';
import {
  BACKTICK,
  BANG,
  CLOSE,
  DASH,
  DQUOTE,
  DUMP_COMPLETED,
  endOfQuoted,
  HASH,
  INSIDE_PLAIN,
  isSpace,
  matchesDelimiterTail,
  NL,
  OPEN,
  QUOTE,
  type QuotedState,
  readDelimiterCommand,
  S,
  SLASH,
  SPACE,
  STAR,
} from './dumpBytes';
import { PendingStatement, type SplitStatement } from './dumpStatement';
import { isSideEffectText, scanQuotedName, WORD_BYTE, WordScan } from './sideEffects';

export type { SplitStatement } from './dumpStatement';

export interface DumpSplitterOptions {
  /** Longest statement accepted (default: the tool's ceiling, see core/statementLimit.ts). */
  limit?: StatementLimit;
  /** Where the first byte pushed is in the whole stream (a member of a backup): offsets count from there. */
  startOffset?: number;
}

export class DumpSplitter {
  /** The part of the current statement read in earlier chunks. */
  private readonly pending: PendingStatement;
  private state: S = S.Normal;
  /** Inside an executable comment (`/*!...*\/`): its content is SQL, so quotes are tracked, and `*\/` ends it. */
  private inExecutableComment = false;
  /** A backslash ended the last chunk inside a string literal. */
  private readonly quoted: QuotedState = { escapeNext: false };
  private depth = 0;
  private parens = 0;
  private hasCode = false;
  /** Side-effect words of the current statement, found by the body scan (sideEffects.ts). */
  private words = WordScan.Clean;
  /** A word run the last chunk ended in (dumpBodyScan.ts wordRun). */
  private run: string | null = null;
  /** The part of the quoted name being read that earlier chunks held (names are short: bounded). */
  private nameSoFar = '';
  private delimiter = Buffer.from(';');
  /** Bytes that could not be decided at the end of the previous chunk (a lookahead was needed). */
  private carry: Buffer | null = null;
  private streamOffset = 0;
  private statementOffset = 0;
  private backslashEscapes = true;
  private completedMarker = false;

  constructor(options: DumpSplitterOptions = {}) {
    this.pending = new PendingStatement(options.limit ?? DEFAULT_STATEMENT_LIMIT);
    this.streamOffset = options.startOffset ?? 0;
    this.statementOffset = this.streamOffset;
  }

  /** True once a `-- Dump completed` comment was seen (mysqldump and mariadb-dump write it last). */
  get sawDumpCompleted(): boolean {
    return this.completedMarker;
  }

  get currentDelimiter(): string {
    return this.delimiter.toString('latin1');
  }

  /** Follow the server's NO_BACKSLASH_ESCAPES mode (a consumer calls this from `emit` when it sees the SET). */
  setBackslashEscapes(on: boolean): void {
    this.backslashEscapes = on;
  }

  /** Feed the next chunk; `emit` is called synchronously for every complete statement, in order. */
  push(chunk: Buffer, emit: (s: SplitStatement) => void): void {
    let buf = chunk;
    let base = this.streamOffset;
    if (this.carry) {
      buf = Buffer.concat([this.carry, chunk]);
      base -= this.carry.length;
      this.carry = null;
    }
    this.streamOffset = base + buf.length;
    this.scan(buf, base, false, emit);
  }

  /** Flush at end of input. Returns the trailing bytes that never got a delimiter (non-empty means truncated). */
  end(emit: (s: SplitStatement) => void): SplitStatement | null {
    if (this.carry) {
      const buf = this.carry;
      this.carry = null;
      this.scan(buf, this.streamOffset - buf.length, true, emit);
    }
    const tail = this.pending.take(Buffer.alloc(0), 0, 0);
    if (!this.hasCode) return null;
    return { sql: tail, offset: this.statementOffset, topLevelParens: this.parens, delimiter: '', words: WordScan.Unknown };
  }

  /** Hold `buf[from, to)` as part of the current statement; refuse once the statement passes the limit. */
  private hold(buf: Buffer, from: number, to: number): void {
    // Before the first code byte, what is pending is whitespace or a comment that skipLeading drops when it
    // ends: holding it would let a gigabyte-long leading comment fill memory for nothing.
    if (to <= from || !this.hasCode) return;
    this.pending.hold(buf, from, to, this.statementOffset);
  }

  private resetStatement(nextOffset: number): void {
    this.hasCode = false;
    this.parens = 0;
    this.depth = 0;
    this.words = WordScan.Clean;
    this.run = null;
    this.statementOffset = nextOffset;
  }

  // The scanner keeps all of its state in fields, so it can stop at any byte and resume with the next chunk.
  // Each step below takes the position of the byte to read and returns the position after what it consumed,
  // or STOP when it needs bytes the chunk does not have yet (they are carried over to the next push).
  private scan(buf: Buffer, base: number, final: boolean, emit: (s: SplitStatement) => void): void {
    const chunk: Chunk = { buf, base, final, emit, segStart: 0, nextBackslash: -1 };
    const n = buf.length;
    // A word run the last chunk ended in ends here unless this chunk goes on with it, whoever reads the byte.
    if (this.run !== null && n > 0 && WORD_BYTE[buf[0] as number] !== 1) this.endRun();
    let i = 0;
    while (i < n) {
      const next = this.state === S.Normal ? this.stepCode(chunk, i) : this.stepInside(chunk, i);
      if (next === STOP) return;
      i = next;
    }
    this.hold(buf, chunk.segStart, n);
  }

  /** Inside a quoted string, a quoted name or a comment: find where it ends. */
  private stepInside(c: Chunk, i: number): number {
    const { buf } = c;
    const n = buf.length;
    switch (this.state) {
      case S.Single:
      case S.Double:
        return this.skipQuoted(buf, i);
      case S.Backtick: {
        const j = buf.indexOf(BACKTICK, i);
        this.checkName(c, i, j);
        if (j < 0) return n;
        this.state = S.Normal;
        return j + 1;
      }
      case S.LineComment: {
        const j = buf.indexOf(NL, i);
        if (j < 0) return n;
        this.state = S.Normal;
        if (!this.hasCode) this.skipLeading(c, j + 1);
        return j + 1;
      }
      default: {
        const j = buf.indexOf(STAR, i);
        if (j < 0) return n;
        if (j + 1 >= n && !c.final) return this.needMore(c, j);
        if (buf[j + 1] !== SLASH) return j + 1;
        this.state = S.Normal;
        if (!this.hasCode) this.skipLeading(c, j + 2);
        return j + 2;
      }
    }
  }

  /** Past the closing quote of a string literal (back to Normal), or to the end of the chunk. */
  private skipQuoted(buf: Buffer, from: number): number {
    const end = endOfQuoted(buf, from, this.state === S.Single ? QUOTE : DQUOTE, this.backslashEscapes, this.quoted);
    if (end < 0) return buf.length;
    this.state = S.Normal;
    return end;
  }

  /** The words of a quoted name (sideEffects.ts scanQuotedName), unless the statement's are already known. */
  private checkName(c: Chunk, from: number, close: number): void {
    if (this.words !== WordScan.Clean) return;
    const r = scanQuotedName(c.buf, from, close, this.nameSoFar);
    this.nameSoFar = r.held;
    this.words = r.words;
  }

  /** Normal state (also inside an executable comment): statement text, delimiters, comments, quotes. */
  private stepCode(c: Chunk, i: number): number {
    const { buf } = c;
    const b = buf[i] as number;
    const d0 = this.delimiter[0] as number;
    // Like the mysql client, a delimiter inside an executable comment still ends the statement (dumps wrap
    // compound bodies in DELIMITER ;; for that reason), so the fast path stays out of those.
    if (
      this.hasCode &&
      !this.inExecutableComment &&
      (INSIDE_PLAIN[b] === 1 || b === QUOTE || b === DQUOTE || b === OPEN || b === CLOSE) &&
      b !== d0
    ) {
      const after = this.skipBody(c, i);
      if (after !== i) return after;
      // No progress (a string running past the chunk): the general code below takes this byte.
    }
    if (b === d0) {
      const after = this.atDelimiter(c, i);
      if (after !== i) return after;
    }
    if (isSpace(b)) {
      if (!this.hasCode) this.skipLeading(c, i + 1);
      return i + 1;
    }
    switch (b) {
      case QUOTE:
        this.state = S.Single;
        break;
      case DQUOTE:
        this.state = S.Double;
        break;
      case BACKTICK:
        this.nameSoFar = '';
        this.state = S.Backtick;
        break;
      case OPEN:
        if (this.depth === 0) this.parens++;
        this.depth++;
        break;
      case CLOSE:
        if (this.depth > 0) this.depth--;
        break;
      case HASH:
        this.state = S.LineComment;
        return i + 1;
      case DASH:
      case SLASH:
      case STAR:
      case 0x64:
      case 0x44: {
        const after = this.atMarker(c, i, b);
        if (after !== i) return after;
        break;
      }
    }
    if (WORD_BYTE[b] === 1) {
      // The statement's first word is read by the body scan, so that it sees every word run whole.
      if (!this.hasCode && !this.inExecutableComment && WORD_BYTE[d0] !== 1) {
        this.hasCode = true;
        return this.skipBody(c, i);
      }
      // A letter the body scan does not read (inside an executable comment): the words are not known.
      this.words = WordScan.Unknown;
    }
    this.hasCode = true;
    return i + 1;
  }

  /** The body fast path (see dumpBodyScan.ts) with this statement's parenthesis counters. */
  private skipBody(c: Chunk, from: number): number {
    if (this.run !== null && !(from === 0 && WORD_BYTE[c.buf[0] as number] === 1)) this.endRun();
    const st: BodyScanState = {
      depth: this.depth,
      parens: this.parens,
      nextBackslash: c.nextBackslash,
      words: this.words,
      run: this.run,
    };
    const i = scanBody(c.buf, from, this.delimiter[0] as number, this.backslashEscapes, st);
    this.depth = st.depth;
    this.parens = st.parens;
    // Without backslash escapes a string may end where the scan thought it went on: words not known.
    this.words = this.backslashEscapes ? st.words : WordScan.Unknown;
    this.run = st.run;
    c.nextBackslash = st.nextBackslash;
    return i;
  }

  /** The run the last chunk ended in is whole: the byte after it is not a word byte. */
  private endRun(): void {
    if (this.run !== null && this.words === WordScan.Clean && isSideEffectText(this.run)) this.words = WordScan.Found;
    this.run = null;
  }

  /** At the delimiter's first byte: emit the statement if the whole delimiter is there; else no progress. */
  private atDelimiter(c: Chunk, i: number): number {
    const dlen = this.delimiter.length;
    if (dlen > 1 && i + dlen > c.buf.length && !c.final) return this.needMore(c, i);
    if (dlen > 1 && !matchesDelimiterTail(c.buf, i, this.delimiter)) return i;
    if (this.hasCode) {
      this.endRun();
      this.pending.assertRoom(i - c.segStart, this.statementOffset);
      const sql = this.pending.take(c.buf, c.segStart, i);
      c.emit({
        sql,
        offset: this.statementOffset,
        topLevelParens: this.parens,
        delimiter: this.delimiter.toString('latin1'),
        words: this.words,
      });
    }
    this.resetStatement(c.base + i + dlen);
    this.skipLeading(c, i + dlen);
    return i + dlen;
  }

  /** A byte that may start a comment, end an executable comment or start a DELIMITER command. */
  private atMarker(c: Chunk, i: number, b: number): number {
    const { buf } = c;
    const n = buf.length;
    if (b === DASH) {
      if (i + 2 >= n && !c.final) return this.needMore(c, i);
      const c2 = buf[i + 2];
      // MySQL needs whitespace or a control character after `--` (`--\n` is a comment too).
      if (buf[i + 1] !== DASH || (c2 !== undefined && c2 > SPACE)) return i;
      if (!this.hasCode && !this.completedMarker) {
        if (i + 2 + DUMP_COMPLETED.length > n && !c.final) return this.needMore(c, i);
        if (buf.subarray(i + 2, i + 2 + DUMP_COMPLETED.length).equals(DUMP_COMPLETED)) this.completedMarker = true;
      }
      this.state = S.LineComment;
      return i + 2;
    }
    if (b === SLASH) {
      if (i + 3 >= n && !c.final) return this.needMore(c, i);
      if (buf[i + 1] !== STAR) return i;
      const c2 = buf[i + 2];
      if (c2 === BANG || (c2 === 0x4d && buf[i + 3] === BANG)) {
        // Executable comment: its content is code; kept verbatim, we only track quotes and its end.
        this.inExecutableComment = true;
        this.words = WordScan.Unknown;
        this.hasCode = true;
        return i + (c2 === BANG ? 3 : 4);
      }
      this.state = S.BlockComment;
      return i + 2;
    }
    if (b === STAR) {
      if (!this.inExecutableComment) return i;
      if (i + 1 >= n && !c.final) return this.needMore(c, i);
      if (buf[i + 1] !== SLASH) return i;
      this.inExecutableComment = false;
      return i + 2;
    }
    return this.hasCode ? i : this.atDelimiterCommand(c, i);
  }

  /** `DELIMITER x` is a client command, recognised only at the start of a statement, up to end of line. */
  private atDelimiterCommand(c: Chunk, i: number): number {
    const cmd = readDelimiterCommand(c.buf, i, c.final);
    if (cmd === 'more') return this.needMore(c, i);
    if (cmd === null) return i;
    this.delimiter = Buffer.from(cmd.arg, 'latin1');
    this.resetStatement(c.base + cmd.after);
    this.skipLeading(c, cmd.after);
    return cmd.after;
  }

  /** Keep the bytes from `at` for the next chunk: deciding what they are needs bytes we do not have yet. */
  private needMore(c: Chunk, at: number): typeof STOP {
    this.hold(c.buf, c.segStart, at);
    this.carry = Buffer.from(c.buf.subarray(at));
    return STOP;
  }

  /** Nothing but whitespace and comments so far: drop it, the statement starts later. */
  private skipLeading(c: Chunk, to: number): void {
    c.segStart = to;
    this.pending.drop();
    this.statementOffset = c.base + to;
  }
}

/** What one `scan` call works on; `segStart` is where the not-yet-held part of the statement begins. */
interface Chunk {
  buf: Buffer;
  base: number;
  final: boolean;
  emit: (s: SplitStatement) => void;
  segStart: number;
  /** Position of the next backslash found by the body fast path (-1: search again). */
  nextBackslash: number;
}

const STOP = -1;
