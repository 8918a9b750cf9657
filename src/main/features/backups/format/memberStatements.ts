import type { BackupMember } from '../../../../shared/contract/backups';
import { DEFAULT_STATEMENT_LIMIT, type StatementLimit, statementTooLarge } from '../../../core/statementLimit';
import { splitSqlStream } from '../../../platform/sql/splitter';
import { openMemberStream } from './BackupFileReader';

/**
 * Splits table-data member text into statements at `;\n`. The encoder guarantees no raw newline inside a
 * value, so that sequence only ever ends a statement. Chunks of the statement in progress are joined once,
 * when its end shows up (no quadratic re-copying of megabyte statements), and never past `limit`: a
 * statement longer than that fails with STATEMENT_TOO_LARGE as soon as the chunk that passes it arrives.
 */
export class DataStatementSplitter {
  private parts: Buffer[] = [];
  private pending = 0;
  private prevEndsWithSemicolon = false;
  /** Offset of the current statement in the member's text, for the message. */
  private statementStart = 0;
  private fed = 0;

  constructor(private readonly limit: StatementLimit = DEFAULT_STATEMENT_LIMIT) {}

  private take(last: Buffer, trimLastByte: boolean): string {
    const length = this.pending + last.length - (trimLastByte ? 1 : 0);
    if (length > this.limit.maxBytes) throw statementTooLarge(this.limit, `at byte ${this.statementStart} of the member`);
    this.parts.push(last);
    const all = this.parts.length === 1 ? last : Buffer.concat(this.parts);
    this.parts = [];
    this.pending = 0;
    return all.toString('utf8', 0, all.length - (trimLastByte ? 1 : 0));
  }

  push(chunk: Buffer): string[] {
    const out: string[] = [];
    const base = this.fed;
    this.fed += chunk.length;
    let start = 0;
    if (this.prevEndsWithSemicolon && chunk[0] === 0x0a) {
      out.push(this.take(Buffer.alloc(0), true));
      start = 1;
      this.statementStart = base + 1;
    }
    for (let at = chunk.indexOf(';\n', start, 'latin1'); at >= 0; at = chunk.indexOf(';\n', start, 'latin1')) {
      out.push(this.take(chunk.subarray(start, at), false));
      start = at + 2;
      this.statementStart = base + start;
    }
    if (start < chunk.length) {
      this.parts.push(chunk.subarray(start));
      this.pending += chunk.length - start;
      if (this.pending > this.limit.maxBytes + 1)
        throw statementTooLarge(this.limit, `at byte ${this.statementStart} of the member`);
    }
    this.prevEndsWithSemicolon = chunk.length > start && chunk[chunk.length - 1] === 0x3b;
    return out;
  }

  /** Throws if the text ended inside a statement. */
  end(): void {
    if (Buffer.concat(this.parts).toString('latin1').trim()) throw new Error('the text ends inside a statement');
  }
}

export interface MemberStatementOptions {
  /** Longest statement accepted (the target's max_allowed_packet, capped; see core/statementLimit.ts). */
  limit?: StatementLimit;
}

/**
 * The SQL statements of one member, for executing a backup through a driver connection (scratch restore,
 * the restore capability), as UTF-8 text: the writer only produces valid UTF-8 (binary is hex or base64).
 *
 * table-data members use DataStatementSplitter; the others go through the client-compatible splitter
 * (DELIMITER blocks, comments), streamed: what it holds beyond the last statement it returned is bounded by
 * `limit` too (counted in UTF-16 units, which never exceed the UTF-8 bytes). The member's text itself stops
 * at its manifest size (openMemberStream).
 */
export async function* memberStatements(
  file: string,
  member: BackupMember,
  options: MemberStatementOptions = {},
): AsyncGenerator<string> {
  const limit = options.limit ?? DEFAULT_STATEMENT_LIMIT;
  const stream = openMemberStream(file, member);
  if (member.kind !== 'table-data') {
    let fed = 0;
    let done = 0;
    const tooLarge = () => statementTooLarge(limit, `after character ${done} of the ${member.kind} member`);
    // The splitter pulls the next chunk only after it has handed out every statement the previous ones
    // completed, so `fed - done` is what it is holding for the statement in progress.
    async function* text(): AsyncGenerator<string> {
      const decoder = new TextDecoder('utf-8');
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        if (fed - done > limit.maxBytes) throw tooLarge();
        const t = decoder.decode(chunk, { stream: true });
        fed += t.length;
        yield t;
      }
      const rest = decoder.decode();
      fed += rest.length;
      if (fed - done > limit.maxBytes) throw tooLarge();
      if (rest) yield rest;
    }
    for await (const st of splitSqlStream(text())) {
      if (Buffer.byteLength(st.text, 'utf8') > limit.maxBytes) throw tooLarge();
      done = st.endOffset;
      yield st.text;
    }
    return;
  }
  const splitter = new DataStatementSplitter(limit);
  for await (const chunk of stream as AsyncIterable<Buffer>) yield* splitter.push(chunk);
  try {
    splitter.end();
  } catch {
    throw new Error(`member at ${member.offset} ends inside a statement`);
  }
}
