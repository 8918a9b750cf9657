import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/main/core/AppError';
import { STATEMENT_CEILING_BYTES, statementLimitFor } from '../../../src/main/core/statementLimit';
import { DumpSplitter, type SplitStatement } from '../../../src/main/platform/sql/dumpSplitter';

/** Feed `input` in chunks of the given sizes (cycled); returns the statements or the refusal. */
function run(
  input: Buffer,
  maxBytes: number,
  sizes: number[],
): { stmts: SplitStatement[]; error: AppError | null; fedWhenRefused: number } {
  const sp = new DumpSplitter({ limit: { maxBytes, source: 'the test limit' } });
  const stmts: SplitStatement[] = [];
  let pos = 0;
  let k = 0;
  try {
    while (pos < input.length) {
      const size = Math.max(1, sizes[k++ % sizes.length] as number);
      const chunk = input.subarray(pos, pos + size);
      pos += chunk.length;
      sp.push(chunk, (s) => stmts.push(s));
    }
    sp.end((s) => stmts.push(s));
    return { stmts, error: null, fedWhenRefused: -1 };
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    return { stmts, error: err, fedWhenRefused: pos };
  }
}

const statement = (bodyBytes: number) => `INSERT INTO t VALUES ('${'x'.repeat(bodyBytes - 25)}')`;

describe('DumpSplitter statement limit', () => {
  it('accepts a statement of exactly the limit and refuses one byte more, under any chunking (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 30, max: 400 }),
        fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 6 }),
        (n, sizes) => {
          const exact = statement(n);
          expect(exact.length).toBe(n);
          const ok = run(Buffer.from(`SELECT 1;\n${exact};\nSELECT 2;\n`), n, sizes);
          expect(ok.error).toBeNull();
          expect(ok.stmts.map((s) => s.sql.toString())).toEqual(['SELECT 1', exact, 'SELECT 2']);

          const over = run(Buffer.from(`SELECT 1;\n${statement(n + 1)};\nSELECT 2;\n`), n, sizes);
          expect(over.error?.code).toBe('STATEMENT_TOO_LARGE');
          expect(over.error?.message).toContain(`longer than ${n} bytes, the test limit`);
          // The statement starts at byte 10 of the text, and what came before it was still delivered.
          expect(over.error?.message).toContain('at byte 10 ');
          expect(over.stmts.map((s) => s.sql.toString())).toEqual(['SELECT 1']);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('counts the delimiter out and comments inside a statement in, across chunk boundaries', () => {
    const body = "INSERT INTO t /* note */ VALUES ('a;b')"; // 39 bytes; the ';' inside the string is data
    for (const sizes of [[1], [2], [3], [7], [1 << 20]]) {
      expect(run(Buffer.from(`${body};\n`), body.length, sizes).error, String(sizes)).toBeNull();
      expect(run(Buffer.from(`${body};\n`), body.length - 1, sizes).error?.code, String(sizes)).toBe('STATEMENT_TOO_LARGE');
    }
    // A multi-character delimiter split across chunks is not part of the statement either.
    const proc = 'DELIMITER ;;\nCREATE PROCEDURE p() BEGIN SELECT 1; END;;\nDELIMITER ;\n';
    const len = 'CREATE PROCEDURE p() BEGIN SELECT 1; END'.length;
    for (const sizes of [[1], [2], [5]]) {
      expect(run(Buffer.from(proc), len, sizes).error, String(sizes)).toBeNull();
      expect(run(Buffer.from(proc), len - 1, sizes).error?.code, String(sizes)).toBe('STATEMENT_TOO_LARGE');
    }
  });

  it('refuses an unterminated statement while it is read, within one chunk of passing the limit', () => {
    const chunk = 64 * 1024;
    const limit = 1 << 20;
    // 64 MiB of input that never ends its string; only the first ~1 MiB may ever be held.
    const head = Buffer.from("INSERT INTO t VALUES ('");
    const filler = Buffer.alloc(chunk, 0x61);
    const sp = new DumpSplitter({ limit: { maxBytes: limit, source: 'the test limit' } });
    let fed = 0;
    let refused: unknown = null;
    try {
      sp.push(head, () => undefined);
      fed += head.length;
      for (let i = 0; i < 1024; i++) {
        sp.push(filler, () => undefined);
        fed += filler.length;
      }
    } catch (err) {
      refused = err;
    }
    expect((refused as AppError).code).toBe('STATEMENT_TOO_LARGE');
    expect(fed).toBeGreaterThan(limit - chunk);
    expect(fed).toBeLessThanOrEqual(limit + chunk);
  });

  it('never holds whitespace or comments before a statement, however long', () => {
    // A 4 MiB leading comment and 4 MiB of blank lines: not a statement, so no limit applies to them.
    const comment = `/* ${'c'.repeat(4 << 20)} */\n${'\n'.repeat(4 << 20)}-- x\nSELECT 1;\n`;
    const r = run(Buffer.from(comment), 16, [65_536]);
    expect(r.error).toBeNull();
    expect(r.stmts.map((s) => s.sql.toString())).toEqual(['SELECT 1']);
  });

  it('takes the smaller of max_allowed_packet and the ceiling', () => {
    expect(statementLimitFor(16 << 20)).toMatchObject({ maxBytes: 16 << 20 });
    expect(statementLimitFor(16 << 20).source).toContain("target server's max_allowed_packet");
    expect(statementLimitFor(1 << 30)).toMatchObject({ maxBytes: STATEMENT_CEILING_BYTES });
    expect(statementLimitFor(1 << 30).source).toContain('ceiling');
    expect(statementLimitFor(null).maxBytes).toBe(STATEMENT_CEILING_BYTES);
    expect(statementLimitFor(Number.NaN).maxBytes).toBe(STATEMENT_CEILING_BYTES);
  });
});
