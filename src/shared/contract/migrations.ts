import { z } from 'zod';
import { ConfirmValue, FilePath, Id, IsoDate, listLimit, ProfileRef } from './common';
import { op } from './define';
import { JobSnapshot } from './jobs';

/**
 * Migrations: SysNDD-compatible (`schema_version`, `GET_LOCK('sysndd_migration')`, NNN_name.sql files) with
 * our own journal next to it: checksums, per-statement progress, drift diffs, repair actions.
 */

export const MigrationFileState = z.enum([
  /** Not applied yet (no `schema_version` row with success = TRUE). */
  'pending',
  /** Applied, and the file still has the checksum recorded when it was applied (or adopted/accepted). */
  'applied',
  /** Applied by SysNDD's own runner (or by hand): a `schema_version` row but nothing in our journal. */
  'applied-no-checksum',
  /** Applied, but the file changed since (checksum differs). */
  'drifted',
  /** Not applied; the last attempt stopped on an SQL error part-way (see lastAttempt). */
  'failed',
  /** Not applied; the last attempt was cancelled or its client died mid-file. */
  'interrupted',
  /** Another runner is applying it right now (its attempt is open and the lock is held). */
  'running',
  /** Applied in the database but no such file in the folder. */
  'missing',
]);
export type MigrationFileState = z.infer<typeof MigrationFileState>;

export const MigrationCommitBehaviour = z.enum(['transactional', 'implicit-commit', 'transaction-control']);
export type MigrationCommitBehaviour = z.infer<typeof MigrationCommitBehaviour>;
export const MigrationStatementState = z.enum(['started', 'executed', 'committed', 'failed', 'rolled-back', 'unknown']);
export type MigrationStatementState = z.infer<typeof MigrationStatementState>;
export const MigrationJournalAction = z.enum(['apply', 'resume', 'baseline', 'adopt', 'mark-applied', 'accept-checksum']);
export type MigrationJournalAction = z.infer<typeof MigrationJournalAction>;

/** When a statement or a whole attempt started, and when it ended (null while it runs). */
const RunSpan = { startedAt: IsoDate, finishedAt: IsoDate.nullable() };
/** The SQL error a statement or an attempt stopped on; null when there was none. */
const RunError = { errorCode: z.string().nullable(), errorMessage: z.string().nullable() };

/** A session on the server, as SHOW PROCESSLIST lists it. */
export const MigrationLockHolder = z.object({
  connectionId: z.number(),
  user: z.string().nullable(),
  host: z.string().nullable(),
  db: z.string().nullable(),
  command: z.string().nullable(),
  timeSeconds: z.number().nullable(),
  state: z.string().nullable(),
  info: z.string().nullable(),
});
export type MigrationLockHolder = z.infer<typeof MigrationLockHolder>;

export const MigrationStatementRecord = z.object({
  index: z.number().int(),
  total: z.number().int(),
  state: MigrationStatementState,
  behaviour: z.string(),
  startLine: z.number().int(),
  preview: z.string(),
  ...RunSpan,
  durationMs: z.number().nullable(),
  affectedRows: z.number().nullable(),
  ...RunError,
});
export type MigrationStatementRecord = z.infer<typeof MigrationStatementRecord>;

export const MigrationAttempt = z.object({
  journalId: z.number().int(),
  runId: z.string(),
  filename: z.string(),
  action: MigrationJournalAction,
  state: z.enum(['running', 'succeeded', 'failed', 'cancelled']),
  checksum: z.string().nullable(),
  ...RunSpan,
  appliedBy: z.string(),
  clientHost: z.string(),
  tool: z.string(),
  executionMs: z.number().nullable(),
  statementTotal: z.number().int(),
  firstStatement: z.number().int(),
  /** Statement numbers whose effects are committed in the database. */
  committed: z.array(z.number().int()),
  failedStatement: z.number().int().nullable(),
  /** A statement that started but whose outcome was never recorded (client crash, lost connection). */
  unknownStatement: z.number().int().nullable(),
  /** "statements 1–2 of 5 committed; statement 3 failed: …" */
  summary: z.string(),
  ...RunError,
  note: z.string().nullable(),
  /** The session that ran the statement is still busy on the server (e.g. a long ALTER kept running). */
  stillRunningOnServer: MigrationLockHolder.pick({ connectionId: true, timeSeconds: true, info: true }).nullable(),
  /** Where a resume would start: the first statement not known to be committed. */
  resumeFrom: z.number().int(),
  statements: z.array(MigrationStatementRecord),
});
export type MigrationAttempt = z.infer<typeof MigrationAttempt>;

export const MigrationFileStatus = z.object({
  filename: z.string(),
  prefix: z.number().int().nullable(),
  state: MigrationFileState,
  appliedAt: IsoDate.nullable(),
  /** Checksum of the file as it is now (null when the file is missing). */
  checksum: z.string().nullable(),
  /** Checksum our journal recorded when it was applied, adopted or accepted. */
  appliedChecksum: z.string().nullable(),
  appliedVia: MigrationJournalAction.nullable(),
  appliedBy: z.string().nullable(),
  tool: z.string().nullable(),
  executionMs: z.number().nullable(),
  /** A pending file numbered below an applied one (it will still run, like SysNDD runs it). */
  outOfOrder: z.boolean(),
  lastAttempt: MigrationAttempt.nullable(),
});
export type MigrationFileStatus = z.infer<typeof MigrationFileStatus>;

export const MigrationProblem = z.object({
  severity: z.enum(['error', 'warning']),
  code: z.string(),
  filename: z.string().nullable(),
  message: z.string(),
  /** Unified diff (applied → current) for drift. */
  diff: z.string().optional(),
});
export type MigrationProblem = z.infer<typeof MigrationProblem>;

export const MigrationLockState = z.object({
  name: z.string(),
  held: z.boolean(),
  holder: MigrationLockHolder.nullable(),
  /** When the holder is a sysndd-admin run we know from the journal: who and which file. */
  holderRun: MigrationAttempt.pick({ runId: true, appliedBy: true, clientHost: true, tool: true, filename: true }).nullable(),
  clusterWarning: z.string().nullable(),
  checkedAt: IsoDate,
});
export type MigrationLockState = z.infer<typeof MigrationLockState>;

/** The groups `migrations.status` sorts files into; each group is counted and listed by file name. */
const FILE_GROUPS = ['applied', 'pending', 'failed', 'drifted', 'noChecksum', 'missing'] as const;
function perFileGroup<S extends z.ZodType>(schema: S): Record<(typeof FILE_GROUPS)[number], S> {
  return Object.fromEntries(FILE_GROUPS.map((group) => [group, schema])) as Record<(typeof FILE_GROUPS)[number], S>;
}

export const MigrationCounts = z.object({ files: z.number().int(), ...perFileGroup(z.number().int()) });

export const MigrationStatus = z.object({
  profileId: z.string(),
  database: z.string(),
  migrationsDir: z.string(),
  historyTable: z.boolean(),
  journalTable: z.boolean(),
  files: z.array(MigrationFileStatus),
  counts: MigrationCounts,
  /** File names per group; `pending` holds the files that would run (pending, failed and interrupted), in order. */
  ...perFileGroup(z.array(z.string())),
  latestApplied: z.string().nullable(),
  upToDate: z.boolean(),
  lock: MigrationLockState,
  problems: z.array(MigrationProblem),
  /** Pending files that ran before a restore of an older backup rewound schema_version: they would run again,
   * so "Run pending" needs the production confirmation (the database name) on any profile. */
  rewound: z.array(z.object({ filename: z.string(), restoreId: z.string(), at: IsoDate, reason: z.string() })).default([]),
  checkedAt: IsoDate,
  durationMs: z.number(),
});
export type MigrationStatus = z.infer<typeof MigrationStatus>;

export const MigrationPlannedStatement = z.object({
  index: z.number().int(),
  startLine: z.number().int(),
  endLine: z.number().int(),
  text: z.string(),
  behaviour: MigrationCommitBehaviour,
  kind: z.string(),
  verb: z.string(),
  reason: z.string(),
});
export type MigrationPlannedStatement = z.infer<typeof MigrationPlannedStatement>;

export const MigrationFilePlan = z.object({
  filename: z.string(),
  state: MigrationFileState,
  checksum: z.string(),
  /** 1 for a pending file; the resume point for a failed/interrupted one. */
  fromStatement: z.number().int(),
  statements: z.array(MigrationPlannedStatement),
  warnings: z.array(z.string()),
  error: z.string().nullable(),
});
export type MigrationFilePlan = z.infer<typeof MigrationFilePlan>;

export const MigrationDryRunReport = z.object({
  migrationsDir: z.string(),
  /** False when planned without a database (every file treated as pending). */
  againstDatabase: z.boolean(),
  files: z.array(MigrationFilePlan),
  totals: z.object({ files: z.number().int(), statements: z.number().int(), implicitCommit: z.number().int() }),
  problems: z.array(MigrationProblem),
});
export type MigrationDryRunReport = z.infer<typeof MigrationDryRunReport>;

export const MigrationValidateReport = z.object({
  valid: z.boolean(),
  migrationsDir: z.string(),
  errors: z.number().int(),
  warnings: z.number().int(),
  problems: z.array(MigrationProblem),
});
export type MigrationValidateReport = z.infer<typeof MigrationValidateReport>;

export const MigrationRepairResult = z.object({
  action: z.string(),
  changed: z.array(z.string()),
  skipped: z.array(z.object({ filename: z.string(), reason: z.string() })),
  message: z.string(),
});
export type MigrationRepairResult = z.infer<typeof MigrationRepairResult>;

export const MigrateResult = z.object({
  fastPath: z.boolean(),
  lockWaitMs: z.number().nullable(),
  applied: z.array(z.object({ filename: z.string(), statements: z.number().int(), executionMs: z.number() })),
  upToDate: z.boolean(),
  warnings: z.array(z.string()),
  /** The backup taken before the first file ran (production default), or null when none was taken. */
  preMigrationBackup: z.string().nullable().optional(),
});
export type MigrateResult = z.infer<typeof MigrateResult>;

export const MigrationFileContent = z.object({
  filename: z.string(),
  text: z.string(),
  checksum: z.string(),
  plan: MigrationFilePlan.omit({ state: true, fromStatement: true }),
  appliedText: z.string().nullable(),
  appliedChecksum: z.string().nullable(),
  diff: z.string().nullable(),
});
export type MigrationFileContent = z.infer<typeof MigrationFileContent>;

const Dir = FilePath.optional().describe('migrations folder; default: the profile setting, else the bundled folder');
const Target = z.object({ profileId: Id, migrationsDir: Dir });
const LockTimeout = z.number().min(0).max(3600).default(30);
const Filename = z.string().min(1).max(255);
const Reason = z.string().max(1000);
/** What every repair takes besides its own fields: the typed confirmation and how long to wait for the lock. */
const Repair = Target.extend({ confirm: ConfirmValue, lockTimeoutSeconds: LockTimeout });
/** Repairs rewrite the journal: audited, and the database name typed on production (`confirm: true` elsewhere). */
const repairRisk = { risk: 'destructive', confirm: { kind: 'database', elsewhere: 'yes' } } as const;

export const migrationOperations = {
  'migrations.status': op(
    'Applied, pending, failed and drifted migrations, lock holder and problems',
    Target.strict(),
    MigrationStatus,
  ),
  'migrations.migrate': op(
    'Apply pending migrations (a job with per-statement progress)',
    Target.extend({
      lockTimeoutSeconds: LockTimeout,
      /** Re-run failed/interrupted files from statement 1 (SysNDD's behaviour) instead of refusing. */
      retryFailed: z.boolean().default(false),
      /** Stop after this file (name or three-digit prefix). */
      target: z.string().max(255).optional(),
      confirm: ConfirmValue,
      /** Back the database up before the first file runs; default: on for production profiles. */
      preBackup: z.boolean().optional(),
    }).strict(),
    JobSnapshot,
    { risk: 'destructive', confirm: { kind: 'database', elsewhere: 'none' } },
  ),
  'migrations.validate': op(
    'Check names, checksums (drift with diffs), half-applied files and unparsable SQL',
    Target.strict(),
    MigrationValidateReport,
  ),
  'migrations.dryRun': op(
    'The exact statements each pending file would run, flagged transactional or implicit-commit',
    z.object({ profileId: Id.optional(), migrationsDir: Dir, files: z.array(Filename).max(10_000).optional() }).strict(),
    MigrationDryRunReport,
  ),
  'migrations.baseline': op(
    'Mark files up to N as applied without running them (adopt an existing database)',
    Repair.extend({ upTo: z.string().min(1).max(255), reason: Reason.optional() }).strict(),
    MigrationRepairResult,
    repairRisk,
  ),
  'migrations.repair.resume': op(
    'Continue a failed or interrupted file from statement N (a job)',
    Repair.extend({
      filename: Filename,
      fromStatement: z.number().int().min(1).optional(),
      reason: Reason.optional(),
    }).strict(),
    JobSnapshot,
    repairRisk,
  ),
  'migrations.repair.markApplied': op(
    'Record a file as applied without running it (after fixing the database by hand)',
    Repair.extend({ filename: Filename, reason: Reason.min(1) }).strict(),
    MigrationRepairResult,
    repairRisk,
  ),
  'migrations.repair.acceptChecksum': op(
    "Accept an applied file's new content as the reference (clears its drift)",
    Repair.extend({ filename: Filename, reason: Reason.optional() }).strict(),
    MigrationRepairResult,
    repairRisk,
  ),
  'migrations.repair.adopt': op(
    "Record checksums for files applied by SysNDD's own runner (applied, no checksum)",
    Repair.extend({ filenames: z.array(Filename).max(10_000).optional() }).strict(),
    MigrationRepairResult,
    repairRisk,
  ),
  'migrations.fileContent': op(
    "A migration file's text, its statements, and (when applied) the applied text with a diff",
    z.object({ profileId: Id.optional(), migrationsDir: Dir, filename: Filename }).strict(),
    MigrationFileContent,
  ),
  'migrations.lockState': op('Who holds the migration lock right now', ProfileRef, MigrationLockState),
  'migrations.history': op(
    'Journal of attempts and repair actions, newest first, with per-statement records',
    z.object({ profileId: Id, filename: Filename.optional(), limit: listLimit(5000, 100) }).strict(),
    z.array(MigrationAttempt),
  ),
} as const;
