import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Connection, RowDataPacket } from 'mysql2/promise';
import type { JobSnapshot } from '../../../src/shared/contract/jobs';
import type { TestApp } from '../../fixtures/app';
import { rootConnection } from '../../fixtures/mysql';

/** A temp migrations folder with the given files (name → SQL). */
export function migrationsFolder(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-migrations-'));
  for (const [name, sql] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), sql);
  return dir;
}

export async function waitJob(t: TestApp, job: JobSnapshot, timeoutMs = 60_000): Promise<JobSnapshot> {
  let s = await t.ok('jobs.wait', { id: job.id, timeoutMs });
  while (!s.finishedAt) s = await t.ok('jobs.wait', { id: job.id, timeoutMs });
  return s;
}

export async function query<T = RowDataPacket>(db: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const conn = await rootConnection({ database: db });
  try {
    const [rows] = await conn.query<RowDataPacket[]>(sql, params);
    return rows as T[];
  } finally {
    await conn.end();
  }
}

export async function withRoot<T>(db: string, fn: (c: Connection) => Promise<T>): Promise<T> {
  const conn = await rootConnection({ database: db });
  try {
    return await fn(conn);
  } finally {
    await conn.end();
  }
}

export async function columnType(db: string, table: string, column: string): Promise<string | null> {
  const rows = await query<{ COLUMN_TYPE: string }>(
    db,
    'SELECT COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND COLUMN_NAME = ?',
    [db, table, column],
  );
  return rows[0]?.COLUMN_TYPE ?? null;
}
