import type { Profile } from '../../../../shared/contract/profiles';
import type { RestoreOptions } from '../../../../shared/contract/restore';
import type { JobContext } from '../../../platform/jobs/JobRunner';
import type { LoadAccount } from '../confinement/loadAccount';
import type { DbConnection } from '../connect';
import type { RunRecorder } from '../RestoreJournal';
import type { RestoreServiceDeps } from '../RestoreServiceDeps';

export type RunLog = (level: 'info' | 'warn', message: string) => void;

/**
 * What every phase of one restore shares: who and where, the control connection holding the locks, the
 * journal recorder, and the loader sessions and temporary account, which the run closes and drops
 * whichever phase fails (ShadowSchemaRestore.ts).
 */
export interface RestoreRun {
  readonly app: RestoreServiceDeps;
  readonly ctx: JobContext;
  readonly recorder: RunRecorder;
  readonly actor: string;
  readonly profile: Profile;
  readonly file: string;
  /** The live database restored into. */
  readonly db: string;
  readonly options: RestoreOptions;
  /** A table restore: only these tables (docs/restore.md, "Table restore"); null for the whole database. */
  readonly scope: ReadonlySet<string> | null;
  readonly control: DbConnection;
  readonly log: RunLog;
  readonly startedAt: number;
  /** Sessions loading into the shadow schema (closed after the objects rehearsal, or on failure). */
  loaders: DbConnection[];
  loadAccount: LoadAccount | null;
}
