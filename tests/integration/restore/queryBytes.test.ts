import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openByteTransparent } from '../../../src/main/features/restore/connect';
import { queryBytes } from '../../../src/main/features/restore/loader/queryBytes';
import { DumpSplitter, type SplitStatement } from '../../../src/main/platform/sql/dumpSplitter';
import { createTestApp, type TestApp } from '../../fixtures/app';
import { createProfileForTestDb, createTestDatabase, rootConnection, type TestDatabase } from '../../fixtures/mysql';
import { jobErrors, restoreAndWait, sideSchemas, snapshot } from './restoreHelpers';

/**
 * Rows judged on their bytes go to the server as the file's bytes (loader/queryBytes.ts, through mysql2's
 * own Query command with its packet swapped): every byte value arrives unchanged, the server's answer and
 * errors come back as from `query()`, the connection's queue keeps its order, and a restore takes that path
 * only for rows whose code calls nothing with side effects.
 */
describe('rows sent as bytes', () => {
  let t: TestApp;
  let live: TestDatabase;
  let profileId: string;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rs-bytes-'));

  beforeAll(async () => {
    t = createTestApp();
    live = await createTestDatabase('rs_bytes');
    const c = await rootConnection({ database: live.name });
    await c.query('CREATE TABLE b (id INT PRIMARY KEY, v VARBINARY(600))');
    await c.end();
    profileId = (await createProfileForTestDb(t, live.name)).id;
  });

  afterAll(async () => {
    await t?.close();
    await live?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('every byte value arrives unchanged; answers, errors and order are those of query()', async () => {
    const conn = await openByteTransparent(t.app, profileId, live.name);
    try {
      const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      // A string literal holding every byte: only the quote and the backslash are escaped, as dumps do.
      const literal = Buffer.concat([...all].map((x) => (x === 0x27 || x === 0x5c ? Buffer.from([0x5c, x]) : Buffer.from([x]))));
      const sql = Buffer.concat([Buffer.from("INSERT INTO `b` VALUES (1,'"), literal, Buffer.from("'),(2,0x00FF)")]);
      const [ok, bad, after] = await Promise.allSettled([
        queryBytes(conn, sql),
        queryBytes(conn, Buffer.from('INSERT INTO `b` VALUES (3,')),
        conn.query<RowDataPacket[]>('SELECT HEX(v) AS h FROM b ORDER BY id'),
      ]);
      expect(ok.status === 'fulfilled' && (ok.value as { affectedRows: number }).affectedRows).toBe(2);
      expect(bad.status).toBe('rejected');
      expect((bad as PromiseRejectedResult).reason).toMatchObject({ errno: 1064 });
      const rows = after.status === 'fulfilled' ? after.value[0] : [];
      expect(rows.map((r) => r.h)).toEqual([all.toString('hex').toUpperCase(), '00FF']);
      // The connection goes on after the error, for text and bytes alike.
      await queryBytes(conn, Buffer.from('DELETE FROM `b` WHERE id = 2'));
      expect(Number((await conn.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM b'))[0][0]?.n)).toBe(1);

      // Statements the splitter assembled from several chunks, two of them queued at once: each arrives whole.
      const splitter = new DumpSplitter();
      const assembled: SplitStatement[] = [];
      const text = Buffer.concat([sql.subarray(0, 24), Buffer.from("7,0x01),(8,'"), literal, Buffer.from("');\n")]);
      const more = Buffer.from("INSERT INTO `b` VALUES (9,'nine');\n");
      for (const b of [text, more])
        for (let i = 0; i < b.length; i += 5) splitter.push(b.subarray(i, i + 5), (x) => assembled.push(x));
      expect(assembled).toHaveLength(2);
      await Promise.all(assembled.map((x) => queryBytes(conn, x.sql)));
      const [again] = await conn.query<RowDataPacket[]>('SELECT id, HEX(v) AS h FROM b WHERE id > 1 ORDER BY id');
      expect(again).toEqual([
        { id: 7, h: '01' },
        { id: 8, h: all.toString('hex').toUpperCase() },
        { id: 9, h: Buffer.from('nine').toString('hex').toUpperCase() },
      ]);
    } finally {
      await conn.end();
    }
  });

  it('a restore sends plain rows as bytes, and still refuses a side-effect call among them', async () => {
    const body = (rows: string) =>
      [
        'CREATE TABLE `gene` (`id` int NOT NULL, `note` varchar(200), `raw` varbinary(20), PRIMARY KEY (`id`));',
        `INSERT INTO \`gene\` VALUES\n${rows};`,
        '-- Dump completed on 2026-12-06 11:00:00',
      ].join('\n');
    const plain = path.join(dir, 'plain.sql');
    fs.writeFileSync(plain, body("(1,'SLEEP(9); SELECT * FROM mysql.user',0x00FF27),\n(2,'it\\'s fine',NULL)"));
    const ok = await restoreAndWait(t, { profileId, file: plain, targetDatabase: `${live.name}_ok` });
    expect(ok.state, await jobErrors(t, ok)).toBe('succeeded');
    const c = await rootConnection({ database: `${live.name}_ok` });
    try {
      const [rows] = await c.query<RowDataPacket[]>('SELECT id, note, HEX(raw) AS raw FROM gene ORDER BY id');
      expect(rows).toEqual([
        { id: 1, note: 'SLEEP(9); SELECT * FROM mysql.user', raw: '00FF27' },
        { id: 2, note: "it's fine", raw: null },
      ]);
      await c.query(`DROP DATABASE \`${live.name}_ok\``);
      for (const s of await sideSchemas(`${live.name}_ok`)) await c.query(`DROP DATABASE \`${s}\``);
    } finally {
      await c.end();
    }

    const before = await snapshot(live.name);
    for (const call of ['sLeEp(2)', '(SELECT 1)', 'BENCHMARK(10,1)']) {
      const hostile = path.join(dir, 'hostile.sql');
      fs.writeFileSync(hostile, body(`(1,'a',NULL),\n(2,${call},NULL)`));
      const final = await restoreAndWait(t, { profileId, file: hostile });
      expect(final.state, call).toBe('failed');
      expect(final.error?.code, final.error?.message).toBe('RESTORE_STATEMENT_REFUSED');
    }
    expect(await snapshot(live.name)).toEqual(before);
    expect(await sideSchemas(live.name)).toEqual([]);
  });
});
