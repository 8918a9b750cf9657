/**
 * MySQL/MariaDB statement splitter with the `mysql` command-line client's rules, usable on a whole text or
 * on a stream of chunks (migration files, multi-gigabyte mysqldump output).
 *
 * Why our own and not dbgate-query-splitter: on the cases migrations and dumps contain it splits inside
 * `#` comments, treats `--x` (minus minus x) as a comment, returns comment-only "statements" (the server
 * answers "Query was empty"), and its stream variant cuts statements inside multi-line string literals.
 * See docs/migrations.md ("Statement splitter").
 *
 * Rules (same as the `mysql` client):
 * - the current delimiter ends a statement outside quotes and comments; it starts as `;`;
 * - `DELIMITER x` at the start of a statement changes it (the rest of that line is the command);
 * - `'…'` and `"…"` strings honour backslash escapes (unless `backslashEscapes: false`, i.e.
 *   NO_BACKSLASH_ESCAPES) and doubled quotes; `` `…` `` identifiers only doubled backticks;
 * - `#…` and `-- …` (dash dash + whitespace/control char) run to the end of the line; `/* … *\/` is a
 *   comment, but `/*! … *\/` and `/*M! … *\/` are executable and parsed as SQL (quotes and delimiters count);
 * - a stretch with nothing but whitespace and comments is not a statement.
 */

// The byte splitter's scanner states: this splitter walks decoded text, that one raw bytes, by the same rules.
import { S as Mode, NL } from './dumpBytes';

export interface SqlStatement {
  /** The statement as sent to the server: from its first executable character to its last non-blank
   *  character before the delimiter. Leading comments are dropped; inner and trailing comments kept. */
  text: string;
  /** 1-based position among the statements of the input. */
  index: number;
  /** 1-based lines where `text` starts and ends in the input. */
  startLine: number;
  endLine: number;
  /** UTF-16 offsets of `text` in the whole input (end exclusive). */
  startOffset: number;
  endOffset: number;
  /** The delimiter that ended the statement; null when the input ended first. */
  delimiter: string | null;
}

export type Unterminated = 'single-quote' | 'double-quote' | 'backtick' | 'comment';

export interface SplitOptions {
  /** Backslash escapes inside strings (MySQL default). False for sql_mode NO_BACKSLASH_ESCAPES. */
  backslashEscapes?: boolean;
}

/** A DELIMITER command the client would refuse. */
export class SqlSplitError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'SqlSplitError';
  }
}

const QUOTE_CHARS: Record<number, Mode> = { 39: Mode.Single, 34: Mode.Double, 96: Mode.Backtick };
const DELIMITER_WORD = /^delimiter(?=[ \t])/i;
const STOP_ESCAPES: Record<number, RegExp> = { [Mode.Single]: /['\\]/g, [Mode.Double]: /["\\]/g, [Mode.Backtick]: /`/g };
const STOP_PLAIN: Record<number, RegExp> = { [Mode.Single]: /'/g, [Mode.Double]: /"/g, [Mode.Backtick]: /`/g };

/** Characters that can never start a comment, quote or command: the bulk of VALUES lists. */
const PLAIN = new Uint8Array(128);
for (const ch of '0123456789,().=+*<>!@%&|^~?:[]{}_$abcefghijklmnopqrstuvwxyzABCEFGHIJKLMNOPQRSTUVWXYZ')
  PLAIN[ch.charCodeAt(0)] = 1;

function countNewlines(s: string, from: number, to: number): number {
  let count = 0;
  for (let k = s.indexOf('\n', from); k >= 0 && k < to; k = s.indexOf('\n', k + 1)) count++;
  return count;
}

function isBlank(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13 || code === 12 || code === 11 || code === 0xfeff;
}

/**
 * Incremental splitter: `push(chunk)` returns the statements completed so far, `end()` the rest. Text that
 * needs look-ahead (a delimiter, `--`, `/*!`, a DELIMITER line) waits for the next chunk, so chunk
 * boundaries never change the result.
 */
export class SqlStatementSplitter {
  private buf = '';
  /** Absolute offset of buf[0] in the whole input. */
  private bufOffset = 0;
  private pos = 0;
  private mode: Mode = Mode.Normal;
  private line = 1;
  private delimiter = ';';
  /** Start (in buf) of the current statement's first executable character, or -1 before it. */
  private contentStart = -1;
  private contentLine = 1;
  private count = 0;
  private ended = false;
  private readonly backslash: boolean;
  /** Set by end() when the input stopped inside a string, identifier or comment. */
  unterminated: { kind: Unterminated; line: number } | null = null;
  private modeStartLine = 1;

  constructor(options: SplitOptions = {}) {
    this.backslash = options.backslashEscapes !== false;
  }

  /** The delimiter in force at the current position (after any DELIMITER commands seen so far). */
  get currentDelimiter(): string {
    return this.delimiter;
  }

  push(chunk: string): SqlStatement[] {
    if (this.ended) throw new Error('SqlStatementSplitter: push() after end()');
    this.buf += chunk;
    const out: SqlStatement[] = [];
    this.scan(false, out);
    this.compact();
    return out;
  }

  end(): SqlStatement[] {
    if (this.ended) return [];
    const out: SqlStatement[] = [];
    this.scan(true, out);
    this.ended = true;
    if (this.mode === Mode.Single) this.unterminated = { kind: 'single-quote', line: this.modeStartLine };
    else if (this.mode === Mode.Double) this.unterminated = { kind: 'double-quote', line: this.modeStartLine };
    else if (this.mode === Mode.Backtick) this.unterminated = { kind: 'backtick', line: this.modeStartLine };
    else if (this.mode === Mode.BlockComment) this.unterminated = { kind: 'comment', line: this.modeStartLine };
    if (this.contentStart >= 0) this.emit(this.buf.length, null, out);
    this.buf = '';
    return out;
  }

  /** Drop text no longer needed so a long stream keeps only the statement in progress in memory. */
  private compact(): void {
    const keep = this.contentStart >= 0 ? this.contentStart : this.pos;
    if (keep > 0) {
      this.buf = this.buf.slice(keep);
      this.bufOffset += keep;
      this.pos -= keep;
      if (this.contentStart >= 0) this.contentStart -= keep;
    }
  }

  private markContent(at: number): void {
    if (this.contentStart < 0) {
      this.contentStart = at;
      this.contentLine = this.line;
    }
  }

  private emit(end: number, delimiter: string | null, out: SqlStatement[]): void {
    const raw = this.buf.slice(this.contentStart, end);
    const text = raw.trimEnd();
    let newlines = 0;
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) newlines++;
    this.count += 1;
    out.push({
      text,
      index: this.count,
      startLine: this.contentLine,
      endLine: this.contentLine + newlines,
      startOffset: this.bufOffset + this.contentStart,
      endOffset: this.bufOffset + this.contentStart + text.length,
      delimiter,
    });
    this.contentStart = -1;
  }

  // One pass over the buffer from `pos`. Returns early (leaving `pos` on the undecided character) when a
  // decision needs characters that have not arrived yet and `final` is false.
  private scan(final: boolean, out: SqlStatement[]): void {
    const s = this.buf;
    const n = s.length;
    let i = this.pos;
    while (i < n) {
      const mode = this.mode;
      if (mode === Mode.Normal) {
        const c = s.charCodeAt(i);
        if (c < 128 && PLAIN[c] === 1 && c !== this.delimiter.charCodeAt(0)) {
          if (this.contentStart < 0) this.markContent(i);
          i++;
          continue;
        }
        if (isBlank(c)) {
          if (c === NL) this.line++;
          i++;
          continue;
        }
        // The delimiter is checked before comments, like the mysql client does.
        const d = this.delimiter;
        if (c === d.charCodeAt(0)) {
          if (i + d.length > n && !final && d.startsWith(s.slice(i))) break;
          if (s.startsWith(d, i)) {
            if (this.contentStart >= 0) this.emit(i, d, out);
            i += d.length;
            continue;
          }
        }
        if (this.contentStart < 0 && (c === 100 || c === 68)) {
          const handled = this.delimiterCommand(s, i, final);
          if (handled === -1) break;
          if (handled > i) {
            i = handled;
            continue;
          }
        }
        if (c === 35) {
          this.enter(Mode.LineComment);
          i++;
          continue;
        }
        if (c === 45) {
          // `--` starts a comment only when followed by whitespace, a control character or the end.
          if (i + 1 >= n) {
            if (!final) break;
          } else if (s.charCodeAt(i + 1) === 45) {
            if (i + 2 >= n && !final) break;
            if (i + 2 >= n || s.charCodeAt(i + 2) <= 32) {
              this.enter(Mode.LineComment);
              i += 2;
              continue;
            }
          }
        }
        if (c === 47) {
          if (i + 1 >= n && !final) break;
          if (s.charCodeAt(i + 1) === 42) {
            if (i + 3 >= n && !final) break;
            const c2 = s.charCodeAt(i + 2);
            const executable = c2 === 33 || (c2 === 77 && s.charCodeAt(i + 3) === 33);
            if (!executable) {
              this.enter(Mode.BlockComment);
              i += 2;
              continue;
            }
            // `/*!…*/` is SQL for the server: keep parsing inside it.
            this.markContent(i);
            i += c2 === 33 ? 3 : 4;
            continue;
          }
        }
        const quote = QUOTE_CHARS[c];
        if (quote !== undefined) {
          this.markContent(i);
          this.enter(quote);
          i++;
          continue;
        }
        this.markContent(i);
        i++;
        continue;
      }
      if (mode === Mode.LineComment) {
        const eol = s.indexOf('\n', i);
        if (eol < 0) {
          i = n;
          break;
        }
        this.mode = Mode.Normal;
        i = eol; // Normal mode counts the newline.
        continue;
      }
      if (mode === Mode.BlockComment) {
        const close = s.indexOf('*/', i);
        const stop = close < 0 ? Math.max(i, n - 1) : close;
        for (let j = s.indexOf('\n', i); j >= 0 && j < stop; j = s.indexOf('\n', j + 1)) this.line++;
        if (close < 0) {
          i = stop;
          break;
        }
        this.mode = Mode.Normal;
        i = close + 2;
        continue;
      }
      // Inside a quoted string or identifier: jump from stop character to stop character (most of a dump's bytes).
      const stop = this.backslash ? STOP_ESCAPES[mode] : STOP_PLAIN[mode];
      let closed = false;
      while (i < n) {
        (stop as RegExp).lastIndex = i;
        const m = (stop as RegExp).exec(s);
        if (!m) {
          this.line += countNewlines(s, i, n);
          i = n;
          break;
        }
        const j = m.index;
        this.line += countNewlines(s, i, j);
        if (s.charCodeAt(j) !== 92) {
          // A doubled quote is an escaped quote; treating it as close-then-reopen gives the same split.
          i = j + 1;
          closed = true;
          break;
        }
        if (j + 1 >= n) {
          i = j;
          if (final) i = n;
          break;
        }
        if (s.charCodeAt(j + 1) === NL) this.line++;
        i = j + 2;
      }
      if (closed) this.mode = Mode.Normal;
      else break;
    }
    this.pos = i;
  }

  private enter(mode: Mode): void {
    this.mode = mode;
    this.modeStartLine = this.line;
  }

  /**
   * `DELIMITER x` at the start of a statement. Returns the index after the command line, `i` when the text
   * is not a DELIMITER command, or -1 when the line is not complete yet.
   */
  private delimiterCommand(s: string, i: number, final: boolean): number {
    const head = s.slice(i, i + 10);
    if (head.length < 10 && !final) {
      if ('delimiter '.startsWith(head.toLowerCase()) || 'delimiter\t'.startsWith(head.toLowerCase())) return -1;
      return i;
    }
    if (!DELIMITER_WORD.test(head)) return i;
    const eol = s.indexOf('\n', i);
    if (eol < 0 && !final) return -1;
    const lineEnd = eol < 0 ? s.length : eol;
    const arg = s.slice(i + 9, lineEnd).trim();
    let value = arg.split(/[ \t]/)[0] ?? '';
    const quoted = /^(['"`])(.*)\1$/.exec(value);
    if (quoted) value = quoted[2] ?? '';
    if (!value) throw new SqlSplitError('DELIMITER must be followed by a delimiter character or string.', this.line);
    if (value.includes('\\')) throw new SqlSplitError('DELIMITER cannot contain a backslash character.', this.line);
    this.delimiter = value;
    return lineEnd;
  }
}

/** Split a whole SQL text into statements. Throws SqlSplitError on an invalid DELIMITER command. */
export function splitSqlStatements(text: string, options: SplitOptions = {}): SqlStatement[] {
  return splitSqlScript(text, options).statements;
}

/** Like splitSqlStatements, and also says whether the text ended inside a string, identifier or comment. */
export function splitSqlScript(
  text: string,
  options: SplitOptions = {},
): { statements: SqlStatement[]; unterminated: { kind: Unterminated; line: number } | null } {
  const splitter = new SqlStatementSplitter(options);
  const statements = [...splitter.push(text), ...splitter.end()];
  return { statements, unterminated: splitter.unterminated };
}

/**
 * Split a stream (file read stream, gunzip output, any async iterable of text or UTF-8 buffers) and yield
 * statements as soon as they are complete. Memory stays bounded by the largest single statement.
 */
export async function* splitSqlStream(
  source: AsyncIterable<string | Uint8Array>,
  options: SplitOptions = {},
): AsyncGenerator<SqlStatement> {
  const splitter = new SqlStatementSplitter(options);
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of source) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    for (const st of splitter.push(text)) yield st;
  }
  const tail = decoder.decode();
  if (tail) for (const st of splitter.push(tail)) yield st;
  for (const st of splitter.end()) yield st;
}
