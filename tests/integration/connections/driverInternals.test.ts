import type { RowDataPacket } from 'mysql2/promise';
import { afterEach, describe, expect, it } from 'vitest';
import {
  coreConnectionOf,
  coreStreamOf,
  installRowParser,
  isCoreClosed,
  type RowPacket,
  threadIdOf,
} from '../../../src/main/features/connections/mysql/driverInternals';
import { rootConnection } from '../../fixtures/mysql';

/**
 * The mysql2 internals we rely on (driverInternals.ts), against a real server: a mysql2 upgrade that moves
 * any of them fails here, not as a stalled backup or a leaked session.
 */
describe('mysql2 driver internals', () => {
  const opened: Array<Awaited<ReturnType<typeof rootConnection>>> = [];
  const open = async () => {
    const conn = await rootConnection();
    opened.push(conn);
    return conn;
  };
  afterEach(async () => {
    for (const conn of opened.splice(0)) conn.destroy();
  });

  it('threadIdOf is the server session id (CONNECTION_ID())', async () => {
    const conn = await open();
    const [rows] = await conn.query<RowDataPacket[]>('SELECT CONNECTION_ID() AS id');
    expect(threadIdOf(conn)).toBe(Number(rows[0]?.id));
  });

  it('isCoreClosed and coreStreamOf follow the connection: open, then ended, then destroyed', async () => {
    const ended = await open();
    const stream = coreStreamOf(ended);
    expect(stream).not.toBeNull();
    expect(isCoreClosed(ended)).toBe(false);
    const closed = new Promise<void>((resolve) => stream?.once('close', () => resolve()));
    await ended.end();
    expect(isCoreClosed(ended)).toBe(true);
    await closed;

    const destroyed = await open();
    destroyed.destroy();
    expect(isCoreClosed(destroyed)).toBe(true);
  });

  it('isCoreClosed notices a session KILLed on the server', async () => {
    const victim = await open();
    const killer = await open();
    await killer.query(`KILL ${threadIdOf(victim)}`);
    await expect(victim.query('SELECT 1')).rejects.toThrow();
    expect(isCoreClosed(victim)).toBe(true);
  });

  it('installRowParser receives every row packet, and no result rows are built', async () => {
    const conn = await open();
    const packets: string[] = [];
    const results: unknown[] = [];
    const core = coreConnectionOf(conn);
    const query = core.query({ sql: "SELECT 'a' AS v UNION ALL SELECT 'bb' UNION ALL SELECT NULL", rowsAsArray: true });
    installRowParser(query, {
      next(packet: RowPacket): undefined {
        packets.push(packet.buffer.subarray(packet.offset, packet.end).toString('hex'));
        return undefined;
      },
    });
    query.on('result', (row: unknown) => {
      if (row !== undefined) results.push(row);
    });
    await new Promise<void>((resolve, reject) => {
      query.on('error', reject);
      query.on('end', () => resolve());
    });
    // Text protocol rows: a length-prefixed value, or 0xfb for NULL.
    expect(packets).toEqual(['0161', '026262', 'fb']);
    expect(results).toEqual([]);
  });

  it('coreConnectionOf refuses an object that is not a mysql2 promise connection', () => {
    expect(() => coreConnectionOf({} as never)).toThrow(/core connection/);
  });
});
