import type { BackupList } from '../../../shared/contract/backups';
import type { CheckStatus, FixPage, ReadinessCheck, ReadinessCheckId, ReadinessOptions } from '../../../shared/contract/health';
import type { MigrationStatus } from '../../../shared/contract/migrations';
import type { Profile } from '../../../shared/contract/profiles';
import type { ReadinessDeps } from './ReadinessDeps';

/** What one pooled round trip to the database found (shared by the database, server and pool rows). */
export interface DatabaseProbe {
  /** Time to get a pooled connection (opening one, with TLS/SSH, when none is idle). */
  acquireMs: number;
  /** `COM_PING` round trip on that connection. */
  pingMs: number;
  version: string;
  versionComment: string | null;
  database: string | null;
}

/**
 * Lookups several rows need, each done once per report: the migrations status feeds three rows, the
 * backup list two, the probe three. Memoized promises, so concurrent rows share one round trip.
 */
export interface ReadinessLookups {
  database(): Promise<DatabaseProbe>;
  migrationStatus(): Promise<MigrationStatus>;
  backups(): Promise<BackupList>;
}

export interface CheckContext {
  /** The services a check may ask (most read the shared lookups instead). */
  services: ReadinessDeps;
  profile: Profile;
  options: ReadinessOptions;
  lookups: ReadinessLookups;
  /** Aborted when the check's deadline passes; long checks stop early. */
  signal: AbortSignal;
}

/** What a check module returns; the runner adds id, label, duration (and the module's default fix page). */
export type CheckOutcome = Omit<ReadinessCheck, 'id' | 'label' | 'durationMs' | 'status'> & {
  status: CheckStatus;
};

export interface ReadinessCheckModule {
  id: ReadinessCheckId;
  label: string;
  /** Where a person fixes a failing or warning row. */
  fixPage?: FixPage;
  /**
   * 'database': start once the database row settled (reads connection state it leaves behind).
   * 'reachable-database': additionally skipped when that row failed (it needs a working connection).
   */
  after?: 'database' | 'reachable-database';
  /** Status for a check that does not answer within the deadline (default fail). */
  timeoutStatus?: 'warn' | 'fail';
  run(ctx: CheckContext): Promise<CheckOutcome>;
}

/** A check's row on the report: its id, label, where a person fixes it, and when it runs (`after`, `timeoutStatus`). */
export function checkRow(
  id: ReadinessCheckId,
  label: string,
  fixPage: FixPage,
  timing: Pick<ReadinessCheckModule, 'after' | 'timeoutStatus'> = {},
): Omit<ReadinessCheckModule, 'run'> {
  return { id, label, fixPage, ...timing };
}
