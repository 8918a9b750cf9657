import { z } from 'zod';
import { ById, ErrorInfo, FilePath, Id, IsoDate, listLimit, ProfileRef, ReportedProfile } from './common';
import { op } from './define';
import { JobSnapshot } from './jobs';

/**
 * Restore: load a backup (ours or a mysqldump / mariadb-dump file) into a shadow schema, verify it, then
 * swap it into place with one RENAME TABLE; the old tables stay in `<db>__prev_<ts>` for a rollback until
 * discarded. Every destructive operation takes the exact token `RESTORE`; the main process checks it, so
 * `confirm` is `unknown` here on purpose: a wrong or missing token must reach the service and be refused
 * there with CONFIRMATION_REQUIRED, not be turned into a validation error by a door.
 */

export const RESTORE_CONFIRMATION = 'RESTORE';
/** A rollback swaps live tables out: its own word, so a restore's RESTORE typed from habit does not do it. */
export const ROLLBACK_CONFIRMATION = 'ROLLBACK';
/** Discarding the previous tables is a DROP that cannot be undone: the word says so. */
export const DISCARD_CONFIRMATION = 'DROP';

/** How long to wait for GET_LOCK('sysndd_migration') before refusing; 0 refuses at once. */
const LockTimeoutSeconds = z.number().int().min(0).max(3600).default(30);

export const RestoreOptions = z
  .object({
    /** `keep` the DEFINER of views, triggers, routines and events (needs SUPER / SET USER when it is another
     * account), or `strip` it so the restoring account becomes the definer. */
    definer: z.enum(['keep', 'strip']).default('keep'),
    /** Loader connections inserting in parallel (2 pays on a 2-core server; more helps a bigger one). */
    workers: z.number().int().min(1).max(8).default(2),
    /** Compare CHECKSUM TABLE with the backup's manifest after the load (ours only; row counts are always compared). */
    verifyChecksums: z.boolean().default(true),
    /** Accept a foreign dump without the `-- Dump completed` trailer (made with --skip-comments). */
    allowMissingCompletionMarker: z.boolean().default(false),
    /** How long a restore waits for GET_LOCK('sysndd_migration') (server-wide: a migration or another restore
     * on the same server holds it) before it is refused; 0 refuses at once. Same default as `migrate`. */
    lockTimeoutSeconds: LockTimeoutSeconds,
    /** `server`: the file is loaded by a temporary account whose only grants are on the shadow schema (needs
     * CREATE USER and GRANT OPTION). `parser-only`: loaded by the profile's own account, confined by the
     * statement allowlist alone (rows must be literals) — an explicit, audited choice for accounts without
     * CREATE USER. */
    confinement: z.enum(['server', 'parser-only']).default('server'),
    /** A table restore: only these tables of the file are loaded and swapped in (one RENAME of just them);
     * every other live table, view, routine and event stays as it is, and only the triggers ON these tables
     * are replaced. The preflight refuses a set that would break a foreign key and suggests the closed set. */
    tables: z.array(z.string().min(1).max(64)).min(1).max(10_000).optional(),
    /** Across engines: a generated column whose expression the target rejects is created as a plain column
     * holding the values the file has for it (dumps leave generated columns out: then NULL). Without it, such
     * a column refuses the restore (RESTORE_GENERATED_COLUMN_REJECTED). Never applied silently. */
    storeGeneratedAsPlain: z.boolean().optional(),
  })
  .strict();
export type RestoreOptions = z.output<typeof RestoreOptions>;
export type RestoreOptionsIn = z.input<typeof RestoreOptions>;

const RestoreTarget = z
  .object({
    profileId: Id,
    /** Local path of a backup file (`.sql.gz` of ours, or a foreign `.sql` / `.sql.gz`). */
    file: FilePath,
    /** Restore into this database instead of the profile's (created when missing). */
    targetDatabase: z.string().min(1).max(64).optional(),
    options: RestoreOptions.default({
      definer: 'keep',
      workers: 2,
      verifyChecksums: true,
      allowMissingCompletionMarker: false,
      lockTimeoutSeconds: 30,
      confinement: 'server',
    }),
  })
  .strict();

export const PreflightCheckStatus = z.enum(['ok', 'warn', 'fail']);
export const PreflightCheck = z.object({
  id: z.string(),
  status: PreflightCheckStatus,
  message: z.string(),
  /** A failed check's own error code when it has one (RESTORE_DDL_REJECTED …); the job refuses with it. */
  code: z.string().optional(),
});
export type PreflightCheck = z.infer<typeof PreflightCheck>;

export const ReplacedTable = z.object({
  name: z.string(),
  /** replace: in both; create: only in the backup; remove: only live (moves to __prev with the rest). */
  action: z.enum(['replace', 'create', 'remove']),
  liveRows: z.number().int().nonnegative().nullable(),
  liveRowsExact: z.boolean(),
  backupRows: z.number().int().nonnegative().nullable(),
});
export type ReplacedTable = z.infer<typeof ReplacedTable>;

const ObjectCounts = z.object({
  views: z.number().int().nonnegative(),
  triggers: z.number().int().nonnegative(),
  routines: z.number().int().nonnegative(),
  events: z.number().int().nonnegative(),
});

export const PreflightReport = z.object({
  ok: z.boolean(),
  checks: z.array(PreflightCheck),
  file: z.object({
    path: z.string(),
    size: z.number().int().nonnegative(),
    format: z.enum(['sysndd-admin', 'foreign']),
    compressed: z.boolean(),
    complete: z.boolean(),
  }),
  source: z.object({
    database: z.string().nullable(),
    serverVersion: z.string().nullable(),
    createdAt: IsoDate.nullable(),
    tables: z.number().int().nonnegative(),
    rows: z.number().int().nonnegative().nullable(),
    rawBytes: z.number().int().nonnegative().nullable(),
    objects: ObjectCounts,
    definers: z.array(z.string()),
    /** Every statement was read. False when only the trailer and gzip CRC were checked (a restore started
     * without a preflight): tables, objects and DEFINERs are then checked while loading, before the swap. */
    scanned: z.boolean(),
  }),
  target: z.object({
    ...ReportedProfile,
    environment: z.string(),
    host: z.string(),
    port: z.number().int(),
    database: z.string(),
    exists: z.boolean(),
    serverVersion: z.string(),
    account: z.string(),
  }),
  replace: z.object({ tables: z.array(ReplacedTable), liveObjects: ObjectCounts }),
  space: z.object({
    /** What the shadow copy needs on the server (the old tables stay in __prev until discarded). */
    neededBytes: z.number().int().nonnegative(),
    liveBytes: z.number().int().nonnegative(),
    /** Free bytes where the pre-restore backup is written (this machine). */
    localFreeBytes: z.number().int().nonnegative().nullable(),
    /** Only known when the server runs on this machine and its datadir is readable; SQL cannot tell. */
    serverFreeBytes: z.number().int().nonnegative().nullable(),
    note: z.string(),
  }),
  leftovers: z.array(z.object({ schema: z.string(), kind: z.enum(['shadow', 'prev']), known: z.boolean() })),
  /** Every table of the file, in file order (the wizard's table picker); empty when not scanned. */
  fileTables: z.array(z.string()),
  /** A table restore's tables (options.tables), null for a whole-database restore. */
  scope: z.array(z.string()).nullable(),
  /** A table restore whose set breaks a foreign key: the chosen tables plus every table linked to them by a
   * foreign key (both ways, transitively) — what to choose instead. Empty when the set is closed. */
  suggestedTables: z.array(z.string()),
  /** What a restore across engines changes or refuses (docs/restore.md, "Across engines"). */
  crossEngine: z
    .object({
      /** Collations of the file the target lacks, and what they become there. */
      collations: z.array(z.object({ from: z.string(), to: z.string() })),
      /** Generated columns whose expression the target rejects: stored as plain columns (the option) or refused. */
      generatedColumns: z.array(
        z.object({
          table: z.string(),
          column: z.string(),
          expression: z.string(),
          serverMessage: z.string(),
          action: z.enum(['plain', 'refused']),
        }),
      ),
      /** DDL statements rehearsed in a scratch schema on the target; null when not rehearsed. */
      ddlRehearsed: z.number().int().nonnegative().nullable(),
      /** Statements the target rejected in the rehearsal (other than the generated columns above). */
      ddlRejected: z.array(z.object({ statement: z.string(), name: z.string().nullable(), serverMessage: z.string() })),
    })
    .default({ collations: [], generatedColumns: [], ddlRehearsed: null, ddlRejected: [] }),
});
export type PreflightReport = z.infer<typeof PreflightReport>;

export const RestorePhase = z.enum([
  'preflight',
  'pre-backup',
  'loading',
  'verifying',
  'swapping',
  'completed',
  'failed',
  'cancelled',
  'rolling-back',
  'rolled-back',
  'discarded',
]);
export type RestorePhase = z.infer<typeof RestorePhase>;

export const RestoreStats = z.object({
  tables: z.number().int().nonnegative(),
  rows: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  loadMs: z.number().int().nonnegative(),
  verifyMs: z.number().int().nonnegative(),
  swapMs: z.number().int().nonnegative(),
  totalMs: z.number().int().nonnegative(),
  warnings: z.array(z.string()),
});
export type RestoreStats = z.infer<typeof RestoreStats>;

export const RestoreRecord = z.object({
  id: Id,
  createdAt: IsoDate,
  updatedAt: IsoDate,
  actor: z.string(),
  profileId: z.string(),
  profileName: z.string(),
  host: z.string(),
  file: z.string(),
  sourceFormat: z.enum(['sysndd-admin', 'foreign']),
  targetDatabase: z.string(),
  shadowSchema: z.string(),
  prevSchema: z.string().nullable(),
  preRestoreBackup: z.string().nullable(),
  phase: RestorePhase,
  error: ErrorInfo.nullable(),
  jobId: z.string().nullable(),
  stats: RestoreStats.nullable(),
  /** The previous tables are still in `prevSchema`: rollback and discard are possible. */
  rollbackAvailable: z.boolean(),
  /** A table restore's tables; null for a whole-database restore. */
  tables: z.array(z.string()).nullable(),
});
export type RestoreRecord = z.infer<typeof RestoreRecord>;

export const CleanupReport = z.object({
  cleaned: z.array(z.object({ restoreId: z.string().nullable(), schema: z.string().nullable(), action: z.string() })),
  /** Leftover-looking schemas this app has no record of: listed, never dropped automatically. */
  unknown: z.array(z.string()),
});
export type CleanupReport = z.infer<typeof CleanupReport>;

const Confirmed = { confirm: z.unknown().optional() };
/** Connect with this profile instead of the restore's own (gone when it was a one-off CLI `--url` target);
 * it must reach the same server. */
const Via = { profileId: Id.optional() };

export const restoreOperations = {
  'restore.preflight': op(
    'Check a restore before any write: file complete and hashes OK, privileges, space, migration lock, what will be replaced',
    RestoreTarget,
    PreflightReport,
  ),
  'restore.start': op(
    'Start a restore job (shadow schema, verify, atomic swap); needs confirm: "RESTORE"',
    RestoreTarget.extend(Confirmed).strict(),
    JobSnapshot,
    { risk: 'destructive', confirm: { kind: 'word', word: RESTORE_CONFIRMATION } },
  ),
  'restore.rollback': op(
    'Start a job that swaps the previous tables (kept in __prev) back into place; needs confirm: "ROLLBACK"',
    z.object({ restoreId: Id, lockTimeoutSeconds: LockTimeoutSeconds, ...Via, ...Confirmed }).strict(),
    JobSnapshot,
    { risk: 'destructive', confirm: { kind: 'word', word: ROLLBACK_CONFIRMATION } },
  ),
  'restore.discard': op(
    'Drop the __prev schema of a restore (no rollback afterwards); needs confirm: "DROP"',
    z.object({ restoreId: Id, ...Via, ...Confirmed }).strict(),
    RestoreRecord,
    { risk: 'destructive', confirm: { kind: 'word', word: DISCARD_CONFIRMATION } },
  ),
  'restore.list': op(
    'Restore records, newest first: phase, previous-tables schema, pre-restore backup',
    z.object({ profileId: Id.optional(), limit: listLimit(1000, 100) }).strict(),
    z.array(RestoreRecord),
  ),
  'restore.get': op('One restore record', ById, RestoreRecord),
  'restore.cleanupLeftovers': op(
    'Find what crashed restores left behind (shadow schemas, half-done swaps) and clean it up',
    ProfileRef,
    CleanupReport,
    { risk: 'destructive' },
  ),
} as const;
