import type { Connection, RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLockHolder } from '../../../src/main/features/migrations/MigrationLock';
import { processList, rootConnection } from '../../fixtures/mysql';

/**
 * The migration lock's holder is read while another session runs a statement with a 4-byte character (a
 * restore loading emoji). On MySQL 8/9 information_schema.PROCESSLIST then fails as a whole (3854, utf8mb4
 * → utf8mb3) even when filtered to one id, and a restore waiting for the lock ended INTERNAL; SHOW
 * PROCESSLIST does not fail. Runs on both engines.
 */
describe('migration lock holder beside a session running a 4-byte statement', () => {
  let holder: Connection;
  let busy: Connection;
  let reader: Connection;
  beforeAll(async () => {
    [holder, busy, reader] = await Promise.all([rootConnection(), rootConnection(), rootConnection()]);
    await busy.query('SET NAMES utf8mb4');
  });
  afterAll(async () => {
    await Promise.all([holder?.end(), busy?.end(), reader?.end()]);
  });

  it('names the holder instead of failing', async () => {
    // Named locks are server-wide: another test file may hold it for a moment.
    const [got] = await holder.query<RowDataPacket[]>("SELECT GET_LOCK('sysndd_migration', 60) AS got");
    expect(got[0]?.got).toBe(1);
    try {
      const sleeping = busy.query("SELECT SLEEP(2) AS s, '😀 emoji in a running statement' AS e");
      // The emoji statement is really running while the holder is looked up.
      await expect
        .poll(async () => (await processList(reader)).some((r) => r.Info?.includes('emoji in a running statement')), {
          timeout: 10_000,
        })
        .toBe(true);
      const seen = await readLockHolder(reader);
      expect(seen).toMatchObject({ connectionId: holder.threadId, command: 'Sleep' });
      expect(seen?.user).toBeTruthy();
      await sleeping;
    } finally {
      await holder.query("SELECT RELEASE_LOCK('sysndd_migration')");
    }
  });
});
