import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fileIdentity, StatementIndex } from '../../../src/main/features/restore/sources/StatementIndex';
import { DumpSplitter, type SplitStatement } from '../../../src/main/platform/sql/dumpSplitter';

const SQL = Buffer.concat([
  Buffer.from("-- header\nSET NAMES utf8mb4;\nCREATE TABLE t (a int, b blob);\nINSERT INTO t VALUES (1,'x;y'),(2,'"),
  Buffer.from([0xff, 0x00, 0x3b, 0x0a]),
  Buffer.from("');\nDELIMITER ;;\nCREATE PROCEDURE p() BEGIN SELECT 1; END;;\nDELIMITER ;\n-- Dump completed\n"),
]);

function chunked(buf: Buffer, sizes: number[]): Readable {
  const parts: Buffer[] = [];
  for (let pos = 0, k = 0; pos < buf.length; k++) {
    const n = Math.max(1, sizes[k % sizes.length] as number);
    parts.push(buf.subarray(pos, pos + n));
    pos += n;
  }
  return Readable.from(parts);
}

async function indexed(buf: Buffer): Promise<{ index: StatementIndex; statements: SplitStatement[] }> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'idx-')), 'd.sql');
  fs.writeFileSync(file, buf);
  const index = new StatementIndex(await fileIdentity(file));
  const statements: SplitStatement[] = [];
  const sp = new DumpSplitter();
  sp.push(buf, (s) => {
    statements.push(s);
    index.add(s);
  });
  sp.end(() => undefined);
  index.streamBytes = buf.length;
  return { index, statements };
}

describe('StatementIndex', () => {
  it('cuts the same statements as the splitter, for any chunking of the stream', async () => {
    const { index, statements } = await indexed(SQL);
    expect(statements).toHaveLength(4);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 10 }), async (sizes) => {
        const out: SplitStatement[] = [];
        const it = index.slice(chunked(SQL, sizes), () => 0);
        for await (const batch of it) out.push(...batch.statements);
        expect(out.map((s) => s.sql.toString('latin1'))).toEqual(statements.map((s) => s.sql.toString('latin1')));
        expect(out.map((s) => s.topLevelParens)).toEqual(statements.map((s) => s.topLevelParens));
      }),
      { numRuns: 100 },
    );
  });

  it('fails when the stream is shorter than what was indexed', async () => {
    const { index } = await indexed(SQL);
    const it = index.slice(chunked(SQL.subarray(0, SQL.length - 30), [16]), () => 0);
    await expect(
      (async () => {
        for await (const _ of it) void _;
      })(),
    ).rejects.toMatchObject({ code: 'BACKUP_INCOMPLETE' });
  });
});
