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
 * Why not src/main/sql/splitter.ts (same rules) or dbgate-query-splitter: both work on decoded JS strings.
 * Decoding is lossy for binary string literals (a dump without --hex-blob), and re-encoding every
 * statement costs time on a multi-gigabyte restore. Here statements stay Buffers end to end; the loader
 * sends them byte for byte (see loader/byteTransparent.ts).
 */

export interface SplitStatement {
  /** The statement's bytes without its delimiter; leading whitespace removed, comments kept. */
  sql: Buffer;
  /** Offset of the statement's first byte in the whole (decompressed) stream. */
  offset: number;
  /** Times parenthesis depth went from 0 to 1 outside quotes (INSERT tuples + a column list); 0 = not counted. */
  topLevelParens: number;
  /** The delimiter that ended it (`;` unless a DELIMITER command changed it); empty for an unterminated tail. */
  delimiter: string;
}

import { DEFAULT_STATEMENT_LIMIT, type StatementLimit, statementTooLarge } from '../core/statementLimit';
import {
  BACKSLASH,
  BACKTICK,
  BANG,
  CLOSE,
  DASH,
  DELIMITER_WORD,
  DQUOTE,
  DUMP_COMPLETED,
  HASH,
  INSIDE_PLAIN,
  isSpace,
  matchesDelimiterTail,
  NL,
  OPEN,
  QUOTE,
  S,
  SLASH,
  SPACE,
  STAR,
} from './dumpBytes';

export interface DumpSplitterOptions {
  /** Longest statement accepted (default: the tool's ceiling, see core/statementLimit.ts). */
  limit?: StatementLimit;
}

export class DumpSplitter {
  private readonly limit: StatementLimit;
  /** Bytes held in `pieces`: the part of the current statement read in earlier chunks. */
  private pendingBytes = 0;
  private state: S = S.Normal;
  /** Inside an executable comment (`/*!...*\/`): its content is SQL, so quotes are tracked, and `*\/` ends it. */
  private inExecutableComment = false;
  private escapeNext = false;
  private depth = 0;
  private parens = 0;
  private hasCode = false;
  private delimiter = Buffer.from(';');
  private pieces: Buffer[] = [];
  /** Bytes that could not be decided at the end of the previous chunk (a lookahead was needed). */
  private carry: Buffer | null = null;
  private streamOffset = 0;
  private statementOffset = 0;
  private backslashEscapes = true;
  private completedMarker = false;

  constructor(options: DumpSplitterOptions = {}) {
    this.limit = options.limit ?? DEFAULT_STATEMENT_LIMIT;
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
    const tail = this.takeStatement(Buffer.alloc(0), 0, 0);
    if (!this.hasCode) return null;
    return { sql: tail, offset: this.statementOffset, topLevelParens: this.parens, delimiter: '' };
  }

  private takeStatement(buf: Buffer, from: number, to: number): Buffer {
    if (to > from) this.pieces.push(buf.subarray(from, to));
    const out = this.pieces.length === 1 ? (this.pieces[0] as Buffer) : Buffer.concat(this.pieces);
    this.pieces = [];
    this.pendingBytes = 0;
    return out;
  }

  /** Hold `buf[from, to)` as part of the current statement; refuse once the statement passes the limit. */
  private hold(buf: Buffer, from: number, to: number): void {
    // Before the first code byte, what is pending is whitespace or a comment that skipLeading drops when it
    // ends: holding it would let a gigabyte-long leading comment fill memory for nothing.
    if (to <= from || !this.hasCode) return;
    this.pieces.push(buf.subarray(from, to));
    this.pendingBytes += to - from;
    if (this.pendingBytes > this.limit.maxBytes) this.refuse();
  }

  private refuse(): never {
    this.pieces = [];
    this.pendingBytes = 0;
    throw statementTooLarge(this.limit, `at byte ${this.statementOffset} of the SQL text`);
  }

  private resetStatement(nextOffset: number): void {
    this.hasCode = false;
    this.parens = 0;
    this.depth = 0;
    this.statementOffset = nextOffset;
  }

  // The scanner is one flat loop with the state in fields, so it can stop at any byte and resume with the
  // next chunk. `segStart` is where the not-yet-stored part of the current statement begins in `buf`.
  private scan(buf: Buffer, base: number, final: boolean, emit: (s: SplitStatement) => void): void {
    const n = buf.length;
    let i = 0;
    let segStart = 0;
    let delim = this.delimiter;
    let nextBackslash = -1;
    let d0 = delim[0] as number;
    let dlen = delim.length;
    /** Keep the bytes from `at` for the next chunk: deciding what they are needs bytes we do not have yet. */
    const needMore = (at: number) => {
      this.hold(buf, segStart, at);
      this.carry = Buffer.from(buf.subarray(at));
    };
    /** Nothing but whitespace and comments so far: drop it, the statement starts later. */
    const skipLeading = (to: number) => {
      segStart = to;
      this.pieces = [];
      this.pendingBytes = 0;
      this.statementOffset = base + to;
    };
    while (i < n) {
      const b = buf[i] as number;
      switch (this.state) {
        case S.Single:
        case S.Double: {
          const q = this.state === S.Single ? QUOTE : DQUOTE;
          const esc = this.backslashEscapes;
          if (this.escapeNext) {
            this.escapeNext = false;
            i++;
          }
          // Tight inner loop: string literals are most of a dump's bytes.
          while (i < n) {
            const c = buf[i] as number;
            if (c === q) break;
            if (c === BACKSLASH && esc) {
              if (i + 1 >= n) {
                this.escapeNext = true;
                i = n;
                break;
              }
              i += 2;
              continue;
            }
            i++;
          }
          if (i < n) {
            this.state = S.Normal;
            i++;
          }
          continue;
        }
        case S.Backtick: {
          const j = buf.indexOf(BACKTICK, i);
          if (j < 0) {
            i = n;
            continue;
          }
          this.state = S.Normal;
          i = j + 1;
          continue;
        }
        case S.LineComment: {
          const j = buf.indexOf(NL, i);
          if (j < 0) {
            i = n;
            continue;
          }
          this.state = S.Normal;
          i = j + 1;
          if (!this.hasCode) skipLeading(i);
          continue;
        }
        case S.BlockComment: {
          const j = buf.indexOf(STAR, i);
          if (j < 0) {
            i = n;
            continue;
          }
          if (j + 1 >= n && !final) {
            needMore(j);
            return;
          }
          if (buf[j + 1] === SLASH) {
            this.state = S.Normal;
            i = j + 2;
            if (!this.hasCode) skipLeading(i);
          } else {
            i = j + 1;
          }
          continue;
        }
        default:
          break;
      }
      // Normal state, also inside an executable comment: like the mysql client, a delimiter there still ends
      // the statement (dumps wrap compound bodies in DELIMITER ;; for that reason).
      if (
        this.hasCode &&
        !this.inExecutableComment &&
        (INSIDE_PLAIN[b] === 1 || b === QUOTE || b === DQUOTE || b === OPEN || b === CLOSE) &&
        b !== d0
      ) {
        // Hot path for statement bodies (INSERT tuples): plain bytes, parentheses and whole string literals
        // in one loop with locals; anything else (or a string running past the chunk) goes the general way.
        let depth = this.depth;
        let parens = this.parens;
        const esc = this.backslashEscapes;
        const from = i;
        while (i < n) {
          const c = buf[i] as number;
          if (c === QUOTE || c === DQUOTE) {
            // Native searches for the closing quote and the next backslash (remembered across strings, so
            // a chunk without backslashes is searched once): several times faster than a byte loop here.
            let j = i + 1;
            for (;;) {
              const close = buf.indexOf(c, j);
              if (close < 0) {
                j = n;
                break;
              }
              if (esc) {
                if (nextBackslash < j) {
                  nextBackslash = buf.indexOf(BACKSLASH, j);
                  if (nextBackslash < 0) nextBackslash = n;
                }
                if (nextBackslash < close) {
                  j = nextBackslash + 2;
                  nextBackslash = -1;
                  if (j >= n) break;
                  continue;
                }
              }
              j = close;
              break;
            }
            if (j >= n) break;
            i = j + 1;
          } else if (c === OPEN) {
            if (depth === 0) parens++;
            depth++;
            i++;
          } else if (c === CLOSE) {
            if (depth > 0) depth--;
            i++;
          } else if (INSIDE_PLAIN[c] === 1 && c !== d0) {
            i++;
          } else if (c === DASH && i + 1 < n && buf[i + 1] !== DASH && d0 !== DASH) {
            i++; // a minus sign, not the start of a `--` comment
          } else break;
        }
        this.depth = depth;
        this.parens = parens;
        if (i !== from) continue;
        // No progress (a string running past the chunk): the general code below takes this byte.
      }
      if (b === d0) {
        if (dlen > 1 && i + dlen > n && !final) {
          needMore(i);
          return;
        }
        if (dlen === 1 || matchesDelimiterTail(buf, i, this.delimiter)) {
          if (this.hasCode) {
            if (this.pendingBytes + (i - segStart) > this.limit.maxBytes) this.refuse();
            const sql = this.takeStatement(buf, segStart, i);
            emit({ sql, offset: this.statementOffset, topLevelParens: this.parens, delimiter: delim.toString('latin1') });
          }
          i += dlen;
          this.resetStatement(base + i);
          skipLeading(i);
          continue;
        }
      }
      if (isSpace(b)) {
        i++;
        if (!this.hasCode) skipLeading(i);
        continue;
      }
      if (b === QUOTE) {
        this.state = S.Single;
      } else if (b === DQUOTE) {
        this.state = S.Double;
      } else if (b === BACKTICK) {
        this.state = S.Backtick;
      } else if (b === OPEN) {
        if (this.depth === 0) this.parens++;
        this.depth++;
      } else if (b === CLOSE) {
        if (this.depth > 0) this.depth--;
      } else if (b === HASH) {
        this.state = S.LineComment;
        i++;
        continue;
      } else if (b === DASH) {
        if (i + 2 >= n && !final) {
          needMore(i);
          return;
        }
        const c1 = buf[i + 1];
        const c2 = buf[i + 2];
        // MySQL needs whitespace or a control character after `--` (`--\n` is a comment too).
        if (c1 === DASH && (c2 === undefined || c2 <= SPACE)) {
          if (!this.hasCode && !this.completedMarker) {
            if (i + 2 + DUMP_COMPLETED.length > n && !final) {
              needMore(i);
              return;
            }
            if (buf.subarray(i + 2, i + 2 + DUMP_COMPLETED.length).equals(DUMP_COMPLETED)) this.completedMarker = true;
          }
          this.state = S.LineComment;
          i += 2;
          continue;
        }
      } else if (b === SLASH) {
        if (i + 3 >= n && !final) {
          needMore(i);
          return;
        }
        if (buf[i + 1] === STAR) {
          const c2 = buf[i + 2];
          if (c2 === BANG || (c2 === 0x4d && buf[i + 3] === BANG)) {
            // Executable comment: its content is code; kept verbatim, we only track quotes and its end.
            this.inExecutableComment = true;
            this.hasCode = true;
            i += c2 === BANG ? 3 : 4;
            continue;
          }
          this.state = S.BlockComment;
          i += 2;
          continue;
        }
      } else if (b === STAR && this.inExecutableComment) {
        if (i + 1 >= n && !final) {
          needMore(i);
          return;
        }
        if (buf[i + 1] === SLASH) {
          this.inExecutableComment = false;
          i += 2;
          continue;
        }
      } else if (!this.hasCode && (b === 0x64 || b === 0x44)) {
        // `DELIMITER x` is a client command, recognised only at the start of a statement, up to end of line.
        if (i + 10 > n && !final) {
          needMore(i);
          return;
        }
        const word = buf.toString('latin1', i, Math.min(n, i + 10));
        if (word.length === 10 && word.slice(0, 9).toLowerCase() === DELIMITER_WORD && isSpace(word.charCodeAt(9))) {
          const eol = buf.indexOf(NL, i);
          if (eol < 0 && !final) {
            needMore(i);
            return;
          }
          const lineEnd = eol < 0 ? n : eol;
          const arg =
            buf
              .toString('latin1', i + 9, lineEnd)
              .trim()
              .split(/\s+/)[0] ?? '';
          if (arg.length > 0) {
            this.delimiter = Buffer.from(arg, 'latin1');
            delim = this.delimiter;
            d0 = delim[0] as number;
            dlen = delim.length;
            i = Math.min(n, lineEnd + 1);
            this.resetStatement(base + i);
            skipLeading(i);
            continue;
          }
        }
      }
      this.hasCode = true;
      i++;
    }
    this.hold(buf, segStart, n);
  }
}
