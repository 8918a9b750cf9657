import type { MigrationLockState, MigrationStatus } from '../../../../shared/contract/migrations';
import { clusterWarning, LOCK_NAME } from '../MigrationLock';
import type { LoadedState, MigrationSession } from '../MigrationSession';
import { wouldRun } from '../status';

/** Lock state, naming the sysndd-admin run behind the holder when our journal knows it. */
export async function lockStateOf(
  session: MigrationSession,
  loaded: Pick<LoadedState, 'lockHolder' | 'journal'>,
): Promise<MigrationLockState> {
  const holder = loaded.lockHolder;
  const run = holder
    ? [...loaded.journal].reverse().find((r) => r.state === 'running' && r.lockConnectionId === holder.connectionId)
    : undefined;
  return {
    name: LOCK_NAME,
    held: holder !== null,
    holder,
    holderRun: run
      ? { runId: run.runId, appliedBy: run.appliedBy, clientHost: run.clientHost, tool: run.tool, filename: run.filename }
      : null,
    clusterWarning: await clusterWarning(session.conn),
    checkedAt: new Date().toISOString(),
  };
}

/** `info`/`status`: one read-only look at both histories, the folder and the lock. */
export async function infoCommand(session: MigrationSession, profileId: string): Promise<MigrationStatus> {
  const t0 = Date.now();
  const loaded = await session.load();
  const files = loaded.files;
  const names = (pred: (s: string) => boolean) => files.filter((f) => pred(f.state)).map((f) => f.filename);
  const pending = wouldRun(files).map((f) => f.filename);
  const applied = names((s) => s === 'applied' || s === 'applied-no-checksum' || s === 'drifted' || s === 'missing');
  const failed = names((s) => s === 'failed' || s === 'interrupted');
  const drifted = names((s) => s === 'drifted');
  const noChecksum = names((s) => s === 'applied-no-checksum');
  const missing = names((s) => s === 'missing');
  const latestApplied = [...applied].sort().pop() ?? null;
  return {
    profileId,
    database: session.database,
    migrationsDir: session.discovered.dir,
    historyTable: loaded.historyTable,
    journalTable: loaded.journalTable,
    files,
    counts: {
      files: files.filter((f) => f.state !== 'missing').length,
      applied: applied.length,
      pending: pending.length,
      failed: failed.length,
      drifted: drifted.length,
      noChecksum: noChecksum.length,
      missing: missing.length,
    },
    pending,
    applied,
    failed,
    drifted,
    noChecksum,
    missing,
    latestApplied,
    upToDate: pending.length === 0,
    lock: await lockStateOf(session, loaded),
    problems: [...session.discovered.problems, ...loaded.problems],
    // Filled in by MigrationService from the app's own record of restores (the database cannot know).
    rewound: [],
    checkedAt: new Date().toISOString(),
    durationMs: Date.now() - t0,
  };
}
