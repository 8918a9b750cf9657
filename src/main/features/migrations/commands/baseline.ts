import type { MigrationRepairResult } from '../../../../shared/contract/migrations';
import type { LoadedState, MigrationSession, Reporter } from '../MigrationSession';
import { prefixOf } from './migrate';
import { repairRow, repairSelection } from './repair';

/** Baseline: mark files up to N applied without running them (writes schema_version rows as SysNDD would + journal). */
export async function baselineCommand(
  session: MigrationSession,
  opts: { upTo: string; reason?: string; lockTimeoutSeconds: number },
  reporter: Reporter,
): Promise<MigrationRepairResult> {
  session.assertNamesOk();
  const limit = prefixOf(session, opts.upTo);
  const select = (loaded: LoadedState) => {
    const inRange = loaded.files.filter((f) => f.prefix !== null && f.prefix <= limit && f.state !== 'missing');
    const mark = inRange
      .filter((f) => f.state === 'pending' || f.state === 'failed' || f.state === 'interrupted')
      .map((f) => f.filename);
    const skipped = inRange
      .filter((f) => !mark.includes(f.filename))
      .map((f) => ({ filename: f.filename, reason: f.state === 'running' ? 'being applied right now' : 'already applied' }));
    return { changed: mark, skipped };
  };
  return repairSelection(session, reporter, {
    action: 'baseline',
    lockTimeoutSeconds: opts.lockTimeoutSeconds,
    select,
    writeRow: (name) => repairRow(session, name, 'baseline', opts.reason ?? null, true),
    nothing: `Nothing to baseline: every file up to ${opts.upTo} is already applied.`,
    done: (n) => `Baselined ${n} file(s) up to ${String(limit).padStart(3, '0')} (recorded as applied, not run).`,
  });
}
