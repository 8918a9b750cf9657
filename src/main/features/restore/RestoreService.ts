import type { JobSnapshot } from '../../../shared/contract/jobs';
import type { Profile } from '../../../shared/contract/profiles';
import type { CleanupReport, PreflightReport, RestoreOptions, RestoreRecord } from '../../../shared/contract/restore';
import { AppError, toFailure } from '../../core/AppError';
import type { CallContext } from '../../core/dispatch';
import { appliedMigrations } from '../migrations/RewoundMigrations';
import { closeQuietly, openByteTransparent, openControl, q } from './connect';
import { checkDatabaseName } from './databaseName';
import { cleanupLeftovers } from './Leftovers';
import { takeRestoreLocks } from './locks';
import { runPreflight, serverFacts } from './preflight/RestorePreflight';
import { type JournalRow, RestoreJournal, serverKeyOf, toRecord } from './RestoreJournal';
import type { RestoreServiceDeps } from './RestoreServiceDeps';
import { rollbackToPrev } from './SchemaSwap';
import { runShadowSchemaRestore } from './ShadowSchemaRestore';
import type { RestoreSource } from './sources/ForeignDumpSource';
import { openSource } from './sources/openSource';
import { type FileIdentity, fileIdentity } from './sources/StatementIndex';

/** Same as `migrate --lock-timeout` and the restore option's default. */
const DEFAULT_LOCK_TIMEOUT_SECONDS = 30;

export interface RestoreRequest {
  profileId: string;
  file: string;
  targetDatabase?: string;
  options: RestoreOptions;
}

/**
 * `app.restore`. The `RESTORE` confirmation is the contract's rule for start, rollback and discard: dispatch
 * checks it before any of these runs (nothing is read, opened or written without it) and keeps the action's
 * one audit row, settled when the job ends; this service only reports outcomes.
 */
export class RestoreService {
  readonly journal: RestoreJournal;
  /** Files a preflight read statement by statement, so the restore started next does not read them again. */
  private readonly scanned = new Map<string, { identity: FileIdentity; version: number; source: RestoreSource }>();

  /** `app`: the collaborators the App passes in (RestoreServiceDeps), not the App itself. */
  constructor(private readonly app: RestoreServiceDeps) {
    this.journal = new RestoreJournal(app.store);
  }

  private target(profile: Profile, requested: string | undefined): string {
    const db = requested ?? profile.mysql.database;
    if (!db) throw new AppError('INVALID_ARGUMENT', `Profile "${profile.name}" names no database: give a target database.`);
    checkDatabaseName(db);
    if (/__(restore|prev)_\d{8}_\d{6}/.test(db))
      throw new AppError('INVALID_ARGUMENT', `${db} is a restore side schema, not a restore target.`);
    if (['mysql', 'information_schema', 'performance_schema', 'sys'].includes(db.toLowerCase())) {
      throw new AppError('INVALID_ARGUMENT', `${db} is a system schema; restoring into it is not supported.`);
    }
    return db;
  }

  /** Everything checked, nothing written. */
  async preflight(req: RestoreRequest): Promise<PreflightReport> {
    const profile = this.app.profiles.get(req.profileId);
    const db = this.target(profile, req.targetDatabase);
    const control = await openControl(this.app, profile.id, null);
    try {
      const { numericVersion, limit } = await serverFacts(control);
      const identity = await fileIdentity(req.file).catch(() => null);
      const source = await openSource(req.file, numericVersion, limit);
      const inventory = await source.inventory();
      if (identity && inventory.complete) {
        this.scanned.delete(req.file);
        this.scanned.set(req.file, { identity, version: numericVersion, source });
        while (this.scanned.size > 4) this.scanned.delete(this.scanned.keys().next().value as string);
      }
      const { report } = await runPreflight({
        app: this.app,
        journal: this.journal,
        profile,
        control,
        targetDatabase: db,
        inventory,
        options: req.options,
        backupDir: this.app.backups.localDir(profile),
        source, // the DDL rehearsal reads the file's DDL (crossEngineCheck.ts)
      });
      return report;
    } finally {
      await closeQuietly(control);
    }
  }

  start(req: RestoreRequest, who: CallContext): JobSnapshot {
    const profile = this.app.profiles.get(req.profileId);
    const db = this.target(profile, req.targetDatabase);
    return this.app.jobs.start({
      kind: 'restore',
      title: `Restore ${db} on ${profile.name} from ${req.file.split(/[\\/]/).pop()}`,
      profileId: profile.id,
      exclusiveKey: `restore:${profile.id}:${db}`,
      run: async (ctx) => {
        const cleaned = await this.cleanup(profile.id).catch((err) => {
          ctx.log('warn', `Leftover check skipped: ${toFailure(err).message}`);
          return null;
        });
        for (const c of cleaned?.cleaned ?? []) ctx.log('info', `Cleaned up after an earlier restore: ${c.action}.`);
        const before = await this.appliedMigrations(profile.id, db);
        const result = await runShadowSchemaRestore({
          findScanned: (version) => this.takeScanned(req.file, version),
          app: this.app,
          journal: this.journal,
          ctx,
          actor: who.actor,
          profile,
          file: req.file,
          targetDatabase: db,
          options: req.options,
        });
        // Files the backup predates are no longer in schema_version: say so, and remember it for "Run pending".
        const after = await this.appliedMigrations(profile.id, db);
        const rewound = this.app.migrations.rewinds.record(profile.id, db, result.restoreId, before, after);
        for (const r of rewound) ctx.log('warn', `${r.filename} will run again on the next migrate: ${r.reason}.`);
        return { ...result, rewoundMigrations: rewound };
      },
    });
  }

  /** schema_version's applied files of the target (none when unreadable: nothing is then reported rewound). */
  private async appliedMigrations(profileId: string, db: string): Promise<string[]> {
    const control = await openControl(this.app, profileId, null).catch(() => null);
    if (!control) return [];
    try {
      return await appliedMigrations(control, db).catch(() => []);
    } finally {
      await closeQuietly(control);
    }
  }

  /**
   * The profile to reach a past restore's server with: the one given (it must reach the same server), else
   * the restore's own, which is gone when it was a one-off CLI `--url` target.
   */
  private via(run: JournalRow, profileId: string | undefined): string {
    if (profileId) {
      const profile = this.app.profiles.get(profileId);
      if (run.serverKey && serverKeyOf(profile) !== run.serverKey)
        throw new AppError(
          'PRECONDITION_FAILED',
          `Profile "${profile.name}" reaches ${serverKeyOf(profile)}, but restore ${run.id} was made on ${run.serverKey}.`,
        );
      return profile.id;
    }
    if (this.app.profiles.list().some((p) => p.id === run.profileId)) return run.profileId;
    throw new AppError(
      'PRECONDITION_FAILED',
      `The profile restore ${run.id} used ("${run.profileName}") no longer exists (a one-off --url target): name the same server with --profile or --url.`,
    );
  }

  rollback(restoreId: string, opts: { lockTimeoutSeconds?: number; profileId?: string } = {}): JobSnapshot {
    const found = this.journal.get(restoreId);
    const run = { ...found, profileId: this.via(found, opts.profileId) };
    const lockTimeoutSeconds = opts.lockTimeoutSeconds ?? DEFAULT_LOCK_TIMEOUT_SECONDS;
    if (!run.rollbackAvailable || !run.prevSchema) {
      throw new AppError(
        'PRECONDITION_FAILED',
        `Restore ${restoreId} cannot be rolled back (phase ${run.phase}${run.prevSchema ? '' : ', no previous tables kept'}).`,
      );
    }
    const prev = run.prevSchema;
    return this.app.jobs.start({
      kind: 'restore.rollback',
      title: `Roll back the restore of ${run.targetDatabase} (${run.profileName})`,
      profileId: run.profileId,
      exclusiveKey: `restore:${run.profileId}:${run.targetDatabase}`,
      run: async (ctx) => {
        const control = await openControl(this.app, run.profileId, null);
        try {
          // A rollback replaces the live tables like a restore does: same locks (no migration meanwhile).
          await takeRestoreLocks(control, run.targetDatabase, lockTimeoutSeconds, ctx.signal, (m) => ctx.log('info', m));
          this.journal.update(restoreId, { phase: 'rolling-back', swapStep: 'objects-applied' });
          ctx.progress({ stage: 'swapping the previous tables back', done: 0, total: 1, unit: 'steps' });
          const r = await rollbackToPrev({
            control,
            openObjects: () => openByteTransparent(this.app, run.profileId, run.targetDatabase),
            live: run.targetDatabase,
            prev,
            parking: run.shadowSchema,
            prevObjects: run.prevObjects,
            tables: run.tables ? new Set(run.tables) : null,
            prevCollation: run.prevCollation,
            alreadyRenamed: false,
            onRenamed: () => this.journal.update(restoreId, { swapStep: 'rollback-renamed' }),
            log: (level, message) => ctx.log(level, message),
          });
          this.journal.update(restoreId, { phase: 'rolled-back' });
          ctx.progress({ stage: 'done', done: 1, total: 1, unit: 'steps' });
          return { restoreId, targetDatabase: run.targetDatabase, restoredTables: r.restoredTables };
        } finally {
          await control.query('SELECT RELEASE_ALL_LOCKS()').catch(() => undefined);
          await closeQuietly(control);
        }
      },
    });
  }

  async discard(restoreId: string, profileId?: string): Promise<RestoreRecord> {
    const run = this.journal.get(restoreId);
    if (!run.rollbackAvailable || !run.prevSchema)
      throw new AppError('PRECONDITION_FAILED', `Restore ${restoreId} has no previous tables to discard (phase ${run.phase}).`);
    const control = await openControl(this.app, this.via(run, profileId), null);
    try {
      await control.query(`DROP DATABASE IF EXISTS ${q(run.prevSchema)}`);
    } finally {
      await closeQuietly(control);
    }
    const row = this.journal.update(restoreId, { phase: 'discarded' });
    return toRecord(row);
  }

  private async takeScanned(file: string, version: number): Promise<RestoreSource | null> {
    const hit = this.scanned.get(file);
    this.scanned.delete(file);
    if (!hit || hit.version !== version) return null;
    const now = await fileIdentity(file).catch(() => null);
    const same =
      now &&
      now.size === hit.identity.size &&
      now.mtimeMs === hit.identity.mtimeMs &&
      now.ctimeMs === hit.identity.ctimeMs &&
      now.ino === hit.identity.ino;
    return same ? hit.source : null;
  }

  list(filter: { profileId?: string; limit?: number }): RestoreRecord[] {
    return this.journal.list(filter).map(toRecord);
  }

  get(id: string): RestoreRecord {
    return toRecord(this.journal.get(id));
  }

  cleanup(profileId: string): Promise<CleanupReport> {
    this.app.profiles.get(profileId);
    const active = new Set(this.app.jobs.active().map((j) => j.id));
    return cleanupLeftovers(this.app, this.journal, profileId, active);
  }
}
