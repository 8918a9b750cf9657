import { z } from 'zod';
import { FilePath, Id, listLimit } from './common';
import { op } from './define';
import { JobSnapshot } from './jobs';
import { RESTORE_CONFIRMATION } from './restore';

/**
 * Compare one table of a backup with the live table, by primary key: the table is loaded from the file into
 * a scratch schema `<db>__diff_<ts>` by a temporary account confined to it (as a restore loads), then the
 * server compares both copies with SQL — counts first, rows on demand, page by page. The selected rows can
 * be exported as `INSERT … ON DUPLICATE KEY UPDATE`, or put back into the live table (destructive: typed
 * RESTORE, the database name on a production profile; audited). `backups.diff.close` drops the scratch copy.
 */

export const DiffKind = z.enum(['added', 'removed', 'changed']);
export type DiffKind = z.infer<typeof DiffKind>;

export const DiffCounts = z.object({
  backupRows: z.number().int().nonnegative(),
  liveRows: z.number().int().nonnegative(),
  /** In live, not in the backup. */
  added: z.number().int().nonnegative(),
  /** In the backup, not in live (deleted since). */
  removed: z.number().int().nonnegative(),
  /** Same primary key, another value in at least one column (compared byte for byte). */
  changed: z.number().int().nonnegative(),
});
export type DiffCounts = z.infer<typeof DiffCounts>;

export const DiffSummary = z.object({
  diffId: Id,
  profileId: Id,
  file: z.string(),
  database: z.string(),
  table: z.string(),
  scratchSchema: z.string(),
  primaryKey: z.array(z.string()),
  /** Columns compared (in both copies). */
  columns: z.array(z.string()),
  /** Columns only one side has (not compared); a note for the person. */
  notCompared: z.array(z.string()),
  counts: DiffCounts,
  loadMs: z.number().int().nonnegative(),
  compareMs: z.number().int().nonnegative(),
});
export type DiffSummary = z.infer<typeof DiffSummary>;

/** A primary-key value as text (binary values as 0x… hex), in primary-key column order. */
const KeyValues = z.array(z.string().nullable()).min(1).max(16);

export const DiffRow = z.object({
  key: KeyValues,
  /** Column → value as text (null is SQL NULL); absent side is null. */
  backup: z.record(z.string(), z.string().nullable()).nullable(),
  live: z.record(z.string(), z.string().nullable()).nullable(),
});
export type DiffRow = z.infer<typeof DiffRow>;

/** Which rows an export or a put-back takes: every row of these kinds, or only these keys of them. */
const Selection = {
  diffId: Id,
  kinds: z
    .array(z.enum(['removed', 'changed']))
    .min(1)
    .default(['removed', 'changed']),
  keys: z.array(KeyValues).max(100_000).optional(),
};

export const backupDiffOperations = {
  'backups.diff': op(
    'Start a job comparing one table of a backup with the live table by primary key (counts first; rows with backups.diff.rows)',
    z
      .object({
        profileId: Id,
        /** Local path of the backup (ours or a mysqldump / mariadb-dump file). */
        file: FilePath,
        table: z.string().min(1).max(64),
      })
      .strict(),
    JobSnapshot,
    { risk: 'write' },
  ),
  'backups.diff.get': op('A diff made by backups.diff (its counts)', z.object({ diffId: Id }).strict(), DiffSummary),
  'backups.diff.rows': op(
    'One page of added, removed or changed rows, in primary-key order after `after`',
    z
      .object({
        diffId: Id,
        kind: DiffKind,
        after: KeyValues.optional(),
        limit: listLimit(1000, 100),
      })
      .strict(),
    z.object({ rows: z.array(DiffRow), next: KeyValues.nullable() }),
  ),
  'backups.diff.export': op(
    'The selected rows of the backup as SQL (INSERT … ON DUPLICATE KEY UPDATE): into a file, or returned (up to 10,000 rows)',
    z.object({ ...Selection, file: FilePath.optional() }).strict(),
    z.object({
      rows: z.number().int().nonnegative(),
      bytes: z.number().int().nonnegative(),
      file: z.string().nullable(),
      sql: z.string().nullable(),
    }),
  ),
  'backups.diff.putBack': op(
    'Write the selected rows of the backup back into the live table (INSERT … ON DUPLICATE KEY UPDATE, one transaction); needs confirm: "RESTORE" (the database name on production)',
    z.object({ ...Selection, confirm: z.unknown().optional() }).strict(),
    z.object({ rows: z.number().int().nonnegative(), affected: z.number().int().nonnegative(), counts: DiffCounts }),
    { risk: 'destructive', confirm: { kind: 'word', word: RESTORE_CONFIRMATION, production: 'database' } },
  ),
  'backups.diff.close': op(
    'Drop the scratch copy of a diff',
    z.object({ diffId: Id }).strict(),
    z.object({ dropped: z.boolean() }),
    { risk: 'write' },
  ),
} as const;
