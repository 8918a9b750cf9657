import type { MigrationProblem, MigrationValidateReport } from '../../../../shared/contract/migrations';
import { driftDiff } from '../diff';
import type { MigrationSession } from '../MigrationSession';
import { lockStateOf } from './info';

/**
 * `validate`: everything that should stop a release. Errors: bad names, duplicate prefixes, drift (with a
 * diff), half-applied files, pending files that cannot be split. Warnings: gaps, files applied without a
 * checksum, applied rows without a file, out-of-order files, Galera.
 */
export async function validateCommand(session: MigrationSession): Promise<MigrationValidateReport> {
  const loaded = await session.load();
  const problems: MigrationProblem[] = [...session.discovered.problems, ...loaded.problems];
  const knowledgeRow = (filename: string) =>
    [...loaded.journal].reverse().find((r) => r.filename === filename && r.state === 'succeeded' && r.checksum);
  for (const f of loaded.files) {
    const file = session.allFiles().find((x) => x.filename === f.filename);
    switch (f.state) {
      case 'drifted': {
        const row = knowledgeRow(f.filename);
        const appliedText = row ? await session.history.readContent(row.id) : null;
        const current = file ? (await session.source(file)).text : '';
        problems.push({
          severity: 'error',
          code: 'MIGRATION_DRIFT',
          filename: f.filename,
          message: `${f.filename} changed after it was applied (checksum ${f.appliedChecksum?.slice(0, 12)}… → ${f.checksum?.slice(0, 12)}…). Revert the edit, or accept it explicitly (migrate repair accept-checksum).`,
          diff: appliedText === null ? undefined : driftDiff(f.filename, appliedText, current, f.appliedAt),
        });
        break;
      }
      case 'failed':
      case 'interrupted':
        problems.push({
          severity: 'error',
          code: 'HALF_APPLIED',
          filename: f.filename,
          message: `${f.filename} is half-applied: ${f.lastAttempt?.summary ?? f.state}. Resume it, or mark it applied after fixing the database.`,
        });
        break;
      case 'running':
        problems.push({
          severity: 'warning',
          code: 'RUNNING',
          filename: f.filename,
          message: `${f.filename} is being applied by another runner right now.`,
        });
        break;
      case 'applied-no-checksum':
        problems.push({
          severity: 'warning',
          code: 'NO_CHECKSUM',
          filename: f.filename,
          message: `${f.filename} was applied by another runner (no checksum recorded); adopt it to detect later edits.`,
        });
        break;
      case 'missing':
        problems.push({
          severity: 'warning',
          code: 'MISSING_FILE',
          filename: f.filename,
          message: `${f.filename} is recorded as applied but is not in the folder.`,
        });
        break;
      default:
        break;
    }
    if (f.outOfOrder) {
      problems.push({
        severity: 'warning',
        code: 'OUT_OF_ORDER',
        filename: f.filename,
        message: `${f.filename} is pending but numbered below an applied migration.`,
      });
    }
    if (file && (f.state === 'pending' || f.state === 'failed' || f.state === 'interrupted')) {
      const plan = await session.plan(file);
      if (plan.error)
        problems.push({ severity: 'error', code: 'UNPARSABLE', filename: f.filename, message: `${f.filename}: ${plan.error}.` });
    }
  }
  const lock = await lockStateOf(session, loaded);
  if (lock.clusterWarning) problems.push({ severity: 'warning', code: 'CLUSTER', filename: null, message: lock.clusterWarning });
  const errors = problems.filter((p) => p.severity === 'error').length;
  return { valid: errors === 0, migrationsDir: session.discovered.dir, errors, warnings: problems.length - errors, problems };
}
