import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../src/main/core/AppError';
import { type RunBackupInput, runBackup } from '../../../src/main/features/backups/engine/BackupEngine';
import { verifyBackupFile } from '../../../src/main/features/backups/format/BackupFileReader';
import type { WorkerPool } from '../../../src/main/platform/workers/WorkerPool';
import { createTestDatabase, rootConnection, seqRows, type TestDatabase } from '../../fixtures/mysql';

const ROWS = 150_000;

/**
 * Issue 16: rows are encoded into INSERT text by a worker_threads pool. The file must be the same bytes as
 * when encoding on the main thread; a worker that dies fails the backup with a specific code and publishes
 * nothing; cancelling stops the workers. Real server, both engines.
 */
describe('backup encoder workers', () => {
  let db: TestDatabase;
  let dir: string;

  beforeAll(async () => {
    db = await createTestDatabase('bk_encoder_pool');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bk-encoder-pool-'));
    const c = await rootConnection({ database: db.name });
    await c.query(`CREATE TABLE big (id INT PRIMARY KEY, body TEXT, data BLOB, d DOUBLE, at DATETIME, note VARCHAR(20) NULL)
      ENGINE=InnoDB`);
    await c.query(
      `INSERT INTO big SELECT seq, REPEAT(CONCAT(LPAD(seq, 24, 'x'), ' it''s \\\\ "q"\\n'), 1 + seq % 4),
        UNHEX(LPAD(HEX(seq), 64, 'F0')), seq / 7, '2020-01-01' + INTERVAL seq SECOND, IF(seq % 3 = 0, NULL, 'n')
       FROM ${seqRows(ROWS)}`,
    );
    await c.query('CREATE TABLE small (id INT PRIMARY KEY, s VARCHAR(10)) ENGINE=InnoDB');
    await c.query(`INSERT INTO small SELECT seq, CONCAT('s', seq) FROM ${seqRows(1000)}`);
    await c.end();
  }, 180_000);

  afterAll(async () => {
    await db?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const input = (name: string, extra: Partial<RunBackupInput>): RunBackupInput => ({
    openConnection: () => rootConnection({ database: db.name }),
    database: db.name,
    profileName: 'test',
    host: 'localhost',
    finalPath: path.join(dir, name),
    toolVersion: '0.0.0-test',
    compressionLevel: 1,
    checksums: false,
    workers: 2,
    signal: new AbortController().signal,
    onProgress: () => undefined,
    log: () => undefined,
    // Small blocks: many members, so block boundaries are compared many times over.
    blockLimit: 512 << 10,
    statementLimit: 64 << 10,
    ...extra,
  });
  const leftovers = (name: string) => fs.readdirSync(dir).filter((f) => f.startsWith(name));

  it('writes the same data members, byte for byte, as encoding on the main thread; the file verifies', async () => {
    const inline = await runBackup(input('inline.sql.gz', { encoderThreads: 0 }));
    let pool: WorkerPool | null = null;
    const pooled = await runBackup(input('pooled.sql.gz', { encoderThreads: 2, onEncoderPool: (p) => (pool = p) }));
    expect(pool).not.toBeNull();
    const data = (m: typeof inline.manifest) =>
      m.members
        .filter((x) => x.kind === 'table-data')
        .map((x) => `${x.table}#${x.chunk} ${x.rows} ${x.rawBytes} ${x.sha256}`)
        .sort();
    expect(data(pooled.manifest)).toEqual(data(inline.manifest));
    expect(data(pooled.manifest).length).toBeGreaterThan(20);
    expect(pooled.manifest.tables.find((t) => t.name === 'big')?.rows).toBe(ROWS);
    expect((pool as WorkerPool | null)?.liveWorkers).toBe(0);
    const report = await verifyBackupFile(pooled.path);
    expect(report.ok).toBe(true);
  }, 180_000);

  it('a worker that dies mid-table fails the backup with BACKUP_INCOMPLETE and publishes no file', async () => {
    let pool: WorkerPool | null = null;
    let killed = false;
    const run = runBackup(
      input('crash.sql.gz', {
        workers: 1,
        encoderThreads: 1,
        onEncoderPool: (p) => (pool = p),
        onProgress: (p) => {
          // The first written block of `big` (largest first): most of its rows are still to come.
          if (!killed && p.rowsDone > 0 && pool) {
            killed = true;
            void (pool as WorkerPool).threads[0]?.terminate();
          }
        },
      }),
    );
    const err = await run.then(
      () => null,
      (e: unknown) => e,
    );
    expect(killed).toBe(true);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('BACKUP_INCOMPLETE');
    expect((err as AppError).details).toMatchObject({ reason: 'ENCODER_WORKER_EXITED' });
    expect(leftovers('crash.sql.gz')).toEqual([]);
    expect((pool as WorkerPool | null)?.liveWorkers).toBe(0);
  }, 120_000);

  it('cancel during a table stops the workers and removes the partial file', async () => {
    const ac = new AbortController();
    let pool: WorkerPool | null = null;
    let liveAtCancel = 0;
    const err = await runBackup(
      input('cancel.sql.gz', {
        encoderThreads: 2,
        signal: ac.signal,
        onEncoderPool: (p) => (pool = p),
        onProgress: (p) => {
          if (!ac.signal.aborted && p.rowsDone > 0 && pool) {
            liveAtCancel = (pool as WorkerPool).liveWorkers;
            ac.abort();
          }
        },
      }),
    ).then(
      () => null,
      (e: unknown) => e,
    );
    expect(liveAtCancel).toBe(2);
    expect((err as AppError).code).toBe('CANCELLED');
    expect((pool as WorkerPool | null)?.liveWorkers).toBe(0);
    expect(leftovers('cancel.sql.gz')).toEqual([]);
  }, 120_000);
});
