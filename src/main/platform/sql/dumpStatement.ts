import { type StatementLimit, statementTooLarge } from '../../core/statementLimit';
import type { WordScan } from './sideEffects';

/** What the dump splitter emits, and how it holds a statement that spans chunks. */
export interface SplitStatement {
  /** The statement's bytes without its delimiter; leading whitespace removed, comments kept. */
  sql: Buffer;
  /** Offset of the statement's first byte in the whole (decompressed) stream. */
  offset: number;
  /** Times parenthesis depth went from 0 to 1 outside quotes (INSERT tuples + a column list); 0 = not counted. */
  topLevelParens: number;
  /** The delimiter that ended it (`;` unless a DELIMITER command changed it); empty for an unterminated tail. */
  delimiter: string;
  /** Side-effect words outside strings, when the splitter's body scan read the whole statement (absent: not known). */
  words?: WordScan;
}

/**
 * The bytes of the statement being read, held across chunks as slices of them (copied once, when taken).
 * Refused with STATEMENT_TOO_LARGE as soon as they pass the limit, so memory stays bounded by it.
 */
export class PendingStatement {
  private pieces: Buffer[] = [];
  private bytes = 0;

  constructor(private readonly limit: StatementLimit) {}

  /** Hold `buf[from, to)`; `offset` (where the statement starts) names it when it is refused. */
  hold(buf: Buffer, from: number, to: number, offset: number): void {
    this.pieces.push(buf.subarray(from, to));
    this.bytes += to - from;
    if (this.bytes > this.limit.maxBytes) this.refuse(offset);
  }

  /** Refuse now when `more` bytes on top of those held would pass the limit. */
  assertRoom(more: number, offset: number): void {
    if (this.bytes + more > this.limit.maxBytes) this.refuse(offset);
  }

  /** The whole statement: what is held plus `buf[from, to)`; the holder is empty again. */
  take(buf: Buffer, from: number, to: number): Buffer {
    if (to > from) this.pieces.push(buf.subarray(from, to));
    const out = this.pieces.length === 1 ? (this.pieces[0] as Buffer) : Buffer.concat(this.pieces);
    this.drop();
    return out;
  }

  drop(): void {
    this.pieces = [];
    this.bytes = 0;
  }

  private refuse(offset: number): never {
    this.drop();
    throw statementTooLarge(this.limit, `at byte ${offset} of the SQL text`);
  }
}
