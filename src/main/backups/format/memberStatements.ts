import type { BackupMember } from '../../../shared/contract/backups';
import { splitSqlStatements } from '../../sql/splitter';
import { openMemberStream } from './BackupFileReader';

/**
 * Splits table-data member text into statements at `;\n`. The encoder guarantees no raw newline inside a
 * value, so that sequence only ever ends a statement. Chunks of the statement in progress are joined once,
 * when its end shows up (no quadratic re-copying of megabyte statements).
 */
export class DataStatementSplitter {
  private parts: Buffer[] = [];
  private prevEndsWithSemicolon = false;

  private take(last: Buffer, trimLastByte: boolean): string {
    this.parts.push(last);
    const all = this.parts.length === 1 ? last : Buffer.concat(this.parts);
    this.parts = [];
    return all.toString('utf8', 0, all.length - (trimLastByte ? 1 : 0));
  }

  push(chunk: Buffer): string[] {
    const out: string[] = [];
    let start = 0;
    if (this.prevEndsWithSemicolon && chunk[0] === 0x0a) {
      out.push(this.take(Buffer.alloc(0), true));
      start = 1;
    }
    for (let at = chunk.indexOf(';\n', start, 'latin1'); at >= 0; at = chunk.indexOf(';\n', start, 'latin1')) {
      out.push(this.take(chunk.subarray(start, at), false));
      start = at + 2;
    }
    if (start < chunk.length) this.parts.push(chunk.subarray(start));
    this.prevEndsWithSemicolon = chunk.length > start && chunk[chunk.length - 1] === 0x3b;
    return out;
  }

  /** Throws if the text ended inside a statement. */
  end(): void {
    if (Buffer.concat(this.parts).toString('latin1').trim()) throw new Error('the text ends inside a statement');
  }
}

/**
 * The SQL statements of one member, for executing a backup through a driver connection (scratch restore,
 * the restore capability), as UTF-8 text: the writer only produces valid UTF-8 (binary is hex or base64).
 *
 * table-data members use DataStatementSplitter; the others go through the client-compatible splitter
 * (DELIMITER blocks, comments).
 */
export async function* memberStatements(file: string, member: BackupMember): AsyncGenerator<string> {
  const stream = openMemberStream(file, member);
  if (member.kind !== 'table-data') {
    const chunks: Buffer[] = [];
    for await (const c of stream as AsyncIterable<Buffer>) chunks.push(c);
    for (const st of splitSqlStatements(Buffer.concat(chunks).toString('utf8'))) yield st.text;
    return;
  }
  const splitter = new DataStatementSplitter();
  for await (const chunk of stream as AsyncIterable<Buffer>) yield* splitter.push(chunk);
  try {
    splitter.end();
  } catch {
    throw new Error(`member at ${member.offset} ends inside a statement`);
  }
}
