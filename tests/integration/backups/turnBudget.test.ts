import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planTable } from '../../../src/main/features/backups/engine/columns';
import { streamTable, TURN_BUDGET_BYTES } from '../../../src/main/features/backups/engine/streamTable';
import { coreConnectionOf } from '../../../src/main/features/connections/mysql/driverInternals';
import { createTestDatabase, rootConnection, seqRows, type TestDatabase } from '../../fixtures/mysql';

const ROWS = 80_000;

/**
 * Issue 16 (event-loop delay of a backup): the table stream encodes at most TURN_BUDGET_BYTES of rows per
 * turn of the event loop, then pauses the connection until the next one. Counted work, not time: the row
 * bytes of every turn, as the stream reports them, over a real ~25 MB table, on both engines.
 */
describe('table stream: encoding bounded per event-loop turn', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase('bk_turn_budget');
    const c = await rootConnection({ database: db.name });
    await c.query('CREATE TABLE t (id INT PRIMARY KEY, body TEXT, data BLOB) ENGINE=InnoDB');
    await c.query(
      `INSERT INTO t SELECT seq, REPEAT(CONCAT(LPAD(seq, 32, 'x'), ' it''s \\\\ text '), 5), UNHEX(LPAD(HEX(seq), 128, 'F0')) FROM ${seqRows(ROWS)}`,
    );
    await c.end();
  }, 120_000);

  afterAll(async () => {
    await db?.drop();
  });

  it('no turn encodes more than the budget plus one row; every row arrives', async () => {
    const conn = await rootConnection({ database: db.name });
    try {
      const columns = [
        { name: 'id', dataType: 'int', charset: null, extra: '' },
        { name: 'body', dataType: 'text', charset: 'utf8mb4', extra: '' },
        { name: 'data', dataType: 'blob', charset: null, extra: '' },
      ];
      const turns: number[] = [];
      let blockRows = 0;
      const result = await streamTable({
        conn: coreConnectionOf(conn),
        plan: planTable('t', columns, false),
        statementLimit: 1 << 20,
        blockLimit: 4 << 20,
        maxInFlight: 2,
        signal: new AbortController().signal,
        // A writer that takes a turn per block, like gzip on the threadpool.
        sink: (_block, rows) =>
          new Promise((resolve) =>
            setImmediate(() => {
              blockRows += rows;
              resolve(rows);
            }),
          ),
        onTurn: (bytes) => turns.push(bytes),
      });
      expect(result.rows).toBe(ROWS);
      expect(blockRows).toBe(ROWS);
      const total = turns.reduce((a, b) => a + b, 0);
      // ~300 bytes a row on the wire: 80k rows are several budgets' worth, so the bound is exercised.
      expect(total).toBeGreaterThan(4 * TURN_BUDGET_BYTES);
      expect(turns.length).toBeGreaterThanOrEqual(Math.floor(total / (TURN_BUDGET_BYTES + 1024)));
      expect(Math.max(...turns)).toBeLessThanOrEqual(TURN_BUDGET_BYTES + 1024);
    } finally {
      await conn.end();
    }
  }, 120_000);
});
