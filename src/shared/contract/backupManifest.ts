import { z } from 'zod';
import { IsoDate } from './common';

/**
 * The manifest that ends every SysNDD Admin backup file (docs/backup-format.md). It lives in the contract (not
 * in src/main) because the renderer's details drawer and the CLI `--json` output show it verbatim.
 */

/** SHA-256 as 64 lowercase hex digits. */
export const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

export const BackupMemberKind = z.enum(['preamble', 'schema', 'table-data', 'objects', 'epilogue']);
export type BackupMemberKind = z.infer<typeof BackupMemberKind>;

export const BackupMember = z.object({
  kind: BackupMemberKind,
  table: z.string().optional(),
  chunk: z.number().int().nonnegative().optional(),
  /** Byte position of the gzip member in the file, and its length: seek, hash and inflate it alone. */
  offset: z.number().int().nonnegative(),
  length: z.number().int().positive(),
  /** SHA-256 (hex) of the compressed member bytes. */
  sha256: Sha256Hex,
  /** Size of the SQL text once inflated. */
  rawBytes: z.number().int().nonnegative(),
  rows: z.number().int().nonnegative().optional(),
});
export type BackupMember = z.infer<typeof BackupMember>;

export const BackupTableInfo = z.object({
  name: z.string(),
  rows: z.number().int().nonnegative(),
  rawBytes: z.number().int().nonnegative(),
  engine: z.string().nullable(),
  /** CHECKSUM TABLE inside the snapshot, as a decimal string (it can exceed 2^53); null when not taken. */
  checksum: z.string().nullable(),
  /** 'table' for base tables, 'sequence' for MariaDB sequences (their state is a SETVAL). */
  type: z.enum(['table', 'sequence']).default('table'),
});
export type BackupTableInfo = z.infer<typeof BackupTableInfo>;

export const BackupManifest = z.object({
  format: z.literal('sysndd-admin-backup'),
  version: z.literal(1),
  createdAt: IsoDate,
  tool: z.object({ name: z.string(), version: z.string() }),
  source: z.object({
    profileName: z.string(),
    host: z.string(),
    database: z.string(),
    serverVersion: z.string(),
    /** The source server's family; absent in backups made before it was recorded (see serverEngineOf). */
    engine: z.enum(['mariadb', 'mysql']).optional(),
    binlog: z.object({ file: z.string(), position: z.number().int().nonnegative() }).nullable(),
    gtid: z.string().nullable(),
    charset: z.string(),
    collation: z.string(),
    sqlMode: z.string(),
    /** How the snapshot was made consistent across worker connections (docs/backups.md). */
    consistency: z.enum(['single-snapshot', 'global-lock', 'binlog-verified']).default('single-snapshot'),
  }),
  schemaVersionHead: z.string().nullable(),
  members: z.array(BackupMember),
  tables: z.array(BackupTableInfo),
  counts: z.object({
    tables: z.number().int().nonnegative(),
    views: z.number().int().nonnegative(),
    routines: z.number().int().nonnegative(),
    triggers: z.number().int().nonnegative(),
    events: z.number().int().nonnegative(),
    sequences: z.number().int().nonnegative().default(0),
  }),
  /** Things a person should know about this backup (non-transactional tables, history rows not included, ...). */
  warnings: z.array(z.string()).default([]),
  durationMs: z.number().int().nonnegative().optional(),
});
export type BackupManifest = z.infer<typeof BackupManifest>;
