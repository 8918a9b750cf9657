import { randomBytes } from 'node:crypto';
import type { RowDataPacket } from 'mysql2/promise';
import { AppError } from '../../../core/AppError';
import type { JobStep } from '../../../platform/jobs/JobRunner';
import { DumpClassifier } from '../../../platform/sql/dumpClassifier';
import type { ConnectionManager } from '../../connections/ConnectionManager';
import { createLoadAccount, dropLoadAccount, type LoadAccount } from '../../restore/confinement/loadAccount';
import { closeQuietly, type DbConnection, openByteTransparent, q, rows } from '../../restore/connect';
import { loadIntoShadow } from '../../restore/loader/DumpLoader';
import { LoadScheduler } from '../../restore/loader/LoadScheduler';
import { otherSchemas, serverFacts } from '../../restore/preflight/RestorePreflight';
import { openSource } from '../../restore/sources/openSource';
import { verifyShadow } from '../../restore/verifyShadow';
import { fileSafe, timestampForName } from '../catalog/fileNames';

type Row = RowDataPacket & Record<string, unknown>;

export interface TableCopyInput extends JobStep {
  app: { readonly connections: ConnectionManager };
  profileId: string;
  /** utf8mb4 connection of the profile's account (creates and drops the scratch schema and the load account). */
  control: DbConnection;
  file: string;
  /** The live database the table is compared with. */
  database: string;
  table: string;
}

/** A scratch schema name for a diff of `database`: `<db>__diff_<ts>_<rand>`. */
export function diffSchemaName(database: string): string {
  return `${fileSafe(database).slice(0, 30)}__diff_${timestampForName(new Date())}_${randomBytes(2).toString('hex')}`;
}

/**
 * Load ONE table of a backup (ours or a foreign dump) into a new scratch schema with the restore's machinery:
 * the file checked, every statement judged by the dump classifier, only the table's DDL and rows run (a
 * table restore's filter), by a temporary account granted the scratch schema only, then the row count (and
 * for our backups the CHECKSUM TABLE of the snapshot) verified. On any failure the scratch schema is dropped.
 */
export async function loadTableCopy(i: TableCopyInput): Promise<{ schema: string; warnings: string[] }> {
  const { control } = i;
  const { numericVersion, limit, serverVersion } = await serverFacts(control);
  const source = await openSource(i.file, numericVersion, limit);
  const inventory = await source.inventory(i.signal, i.onProgress, 'quick');
  if (inventory.problems.length)
    throw new AppError(inventory.problems[0]?.code ?? 'BACKUP_CORRUPT', inventory.problems.map((p) => p.message).join(' '));
  if (!inventory.complete)
    throw new AppError('BACKUP_INCOMPLETE', 'The dump has no "-- Dump completed" trailer: it may be cut short.');
  if (inventory.format === 'sysndd-admin' && !inventory.tables.some((t) => t.name === i.table))
    throw new AppError('NOT_FOUND', `The backup has no table ${i.table}.`);
  const schema = diffSchemaName(i.database);
  const charset = /^\w+$/.test(inventory.charset ?? '') ? (inventory.charset as string) : 'utf8mb4';
  await control.query(`CREATE DATABASE ${q(schema)} CHARACTER SET ${charset}`);
  const loaders: DbConnection[] = [];
  let account: LoadAccount | null = null;
  try {
    account = await createLoadAccount(control, `diff:${schema}`, schema);
    for (let w = 0; w < 2; w++) loaders.push(await openByteTransparent(i.app, i.profileId, schema, account));
    const declared = inventory.format === 'sysndd-admin' ? inventory.database : null;
    const only = new Set([i.table]);
    const classifier = new DumpClassifier({
      serverVersion: numericVersion,
      initialSqlMode: String((await rows<Row>(control, 'SELECT @@GLOBAL.sql_mode AS m'))[0]?.m ?? ''),
      literalValuesOnly: false,
      ownDatabase: declared,
    });
    const loaded = await loadIntoShadow({
      source,
      scheduler: new LoadScheduler(loaders),
      sourceDatabase: declared,
      shadowSchema: schema,
      targetDatabase: i.database,
      otherSchemas: await otherSchemas(control, i.database),
      classifier,
      signal: i.signal,
      log: i.log,
      onProgress: (p) => i.onProgress(p.position, p.total),
      only,
    });
    const verified = await verifyShadow({
      control,
      workers: loaders,
      shadow: schema,
      inventory,
      loaded: loaded.tables,
      compareChecksums: true,
      targetServerVersion: serverVersion,
      signal: i.signal,
      onTable: () => undefined,
      only,
    });
    return { schema, warnings: [...loaded.warnings, ...verified.warnings] };
  } catch (err) {
    for (const l of loaders.splice(0)) l.destroy();
    await control.query(`DROP DATABASE IF EXISTS ${q(schema)}`).catch(() => undefined);
    throw err;
  } finally {
    await Promise.all(loaders.map(closeQuietly));
    if (account) await dropLoadAccount(control, account).catch(() => i.log('warn', `Could not drop ${account?.user}.`));
  }
}
