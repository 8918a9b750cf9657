import { randomBytes } from 'node:crypto';
import type { Connection } from 'mysql2/promise';
import type { BackupManifest } from '../../../../shared/contract/backups';
import { AppError } from '../../../core/AppError';
import { readStatementLimit } from '../../../core/statementLimit';
import type { JobStep } from '../../../platform/jobs/JobRunner';
import { assertLoadAccount, createLoadAccount, dropLoadAccount, type LoadAccount } from '../../restore/confinement/loadAccount';
import { fileSafe, timestampForName } from '../catalog/fileNames';
import { quoteIdent } from '../engine/columns';
import { memberStatements } from '../format/memberStatements';
import { SKIPPED_EVENT, scratchJudge } from './scratchJudge';

export interface ScratchRestoreInput extends JobStep {
  file: string;
  manifest: BackupManifest;
  /** A dedicated connection; `database` null = none; as `account` instead of the profile's when given. */
  openConnection: (database: string | null, account?: { user: string; password: string }) => Promise<Connection>;
}

export interface ScratchRestoreResult {
  schema: string;
  tablesCompared: number;
  mismatches: string[];
}

export { disableEvent } from './scratchJudge';

/**
 * Test-restore a backup into a new schema `<db>__verify_<timestamp>_<rand>` on the profile's server, then
 * compare row counts and CHECKSUM TABLE values with the manifest (taken inside the backup's snapshot) and
 * object counts with information_schema. The scratch schema is always dropped afterwards.
 */
export async function scratchRestore(input: ScratchRestoreInput): Promise<ScratchRestoreResult> {
  const m = input.manifest;
  // The manifest comes from a file: never let its text reach SQL unchecked.
  if (!/^\w+$/.test(m.source.charset) || !/^\w+$/.test(m.source.collation)) {
    throw new AppError(
      'BACKUP_CORRUPT',
      `Unexpected character set "${m.source.charset}" / collation "${m.source.collation}" in the manifest.`,
    );
  }
  const schema = `${fileSafe(m.source.database).slice(0, 30)}__verify_${timestampForName(new Date())}_${randomBytes(2).toString('hex')}`;
  const admin = await input.openConnection(null);
  let conn: Connection | null = null;
  let account: LoadAccount | null = null;
  const stop = () => conn?.destroy();
  input.signal.addEventListener('abort', stop, { once: true });
  try {
    try {
      await admin.query(`CREATE DATABASE ${quoteIdent(schema)} CHARACTER SET ${m.source.charset} COLLATE ${m.source.collation}`);
    } catch (err) {
      throw new AppError(
        'DB_ACCESS_DENIED',
        `A test restore needs CREATE and DROP on a new schema (${schema}): ${(err as Error).message}`,
      );
    }
    input.log('info', `Test restore into ${schema}.`);
    // The file is loaded by a temporary account granted only the scratch schema (as a restore is): a
    // tampered, re-sealed backup cannot reach anything else, whatever it says.
    account = await createLoadAccount(admin, `verify:${schema}`, schema);
    conn = await input.openConnection(schema, account);
    await assertLoadAccount(conn, account);
    // A statement longer than the server takes is refused while it is read, never buffered whole.
    const limit = await readStatementLimit(conn);
    const judge = await scratchJudge(admin, m, schema);
    const total = m.members.reduce((a, x) => a + x.rawBytes, 0);
    let done = 0;
    const skippedEvents: string[] = [];
    for (const member of m.members) {
      for await (const statement of memberStatements(input.file, member, { limit })) {
        if (input.signal.aborted) throw new AppError('CANCELLED', 'Verification cancelled.');
        const sql = judge(statement);
        if (sql === null) continue;
        if (sql === SKIPPED_EVENT) {
          skippedEvents.push(statement.slice(0, 80));
          continue;
        }
        try {
          await conn.query(sql);
        } catch (err) {
          throw new AppError(
            'RESTORE_FAILED',
            `Test restore failed in ${member.kind}${member.table ? ` (${member.table})` : ''}: ${(err as Error).message}`,
          );
        }
      }
      done += member.rawBytes;
      input.onProgress(done, total);
    }
    const mismatches = await compare(conn, schema, m, skippedEvents.length);
    return { schema, tablesCompared: m.tables.filter((t) => t.type !== 'sequence').length, mismatches };
  } finally {
    input.signal.removeEventListener('abort', stop);
    conn?.destroy();
    if (account)
      await dropLoadAccount(admin, account).catch((err: Error) =>
        input.log('warn', `Could not drop ${account?.user}: ${err.message}`),
      );
    await admin
      .query(`DROP DATABASE IF EXISTS ${quoteIdent(schema)}`)
      .catch((err: Error) => input.log('warn', `Could not drop ${schema}: ${err.message}`));
    await admin.end().catch(() => admin.destroy());
  }
}

async function compare(conn: Connection, schema: string, m: BackupManifest, skippedEvents: number): Promise<string[]> {
  const out: string[] = [];
  for (const t of m.tables) {
    if (t.type === 'sequence') continue;
    const [countRows] = await conn.query({ sql: `SELECT COUNT(*) FROM ${quoteIdent(t.name)}`, rowsAsArray: true });
    const count = Number((countRows as unknown[][])[0]?.[0]);
    if (count !== t.rows) out.push(`${t.name}: ${count} rows restored, backup has ${t.rows}`);
    if (t.checksum !== null) {
      const [ck] = await conn.query({
        sql: `CHECKSUM TABLE ${quoteIdent(t.name)}`,
        rowsAsArray: true,
        supportBigNumbers: true,
        bigNumberStrings: true,
      });
      const value = String((ck as unknown[][])[0]?.[1]);
      if (value !== t.checksum) out.push(`${t.name}: CHECKSUM TABLE ${value}, backup recorded ${t.checksum}`);
    }
  }
  const counts = async (sql: string) => {
    const [r] = await conn.query({ sql, values: [schema], rowsAsArray: true });
    return Number((r as unknown[][])[0]?.[0]);
  };
  const checks: Array<[string, number, number]> = [
    [
      'tables',
      await counts(
        "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE IN ('BASE TABLE','SYSTEM VERSIONED')",
      ),
      m.counts.tables,
    ],
    ['views', await counts('SELECT COUNT(*) FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ?'), m.counts.views],
    ['routines', await counts('SELECT COUNT(*) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ?'), m.counts.routines],
    ['triggers', await counts('SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ?'), m.counts.triggers],
    [
      'events',
      await counts('SELECT COUNT(*) FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ?'),
      m.counts.events - skippedEvents,
    ],
  ];
  for (const [what, got, want] of checks) if (got !== want) out.push(`${what}: ${got} restored, backup has ${want}`);
  return out;
}
