import type {
  MigrationDryRunReport,
  MigrationFilePlan,
  MigrationFileState,
  MigrationProblem,
} from '../../../../shared/contract/migrations';
import type { DiscoveredMigrations } from '../files';
import { readMigration } from '../files';
import type { MigrationSession } from '../MigrationSession';
import { type MigrationPlan, planMigration } from '../plan';
import { wouldRun } from '../status';

export function toFilePlan(
  filename: string,
  state: MigrationFileState,
  checksum: string,
  plan: MigrationPlan,
  fromStatement: number,
): MigrationFilePlan {
  return {
    filename,
    state,
    checksum,
    fromStatement,
    statements: plan.statements.map((s) => ({
      index: s.index,
      startLine: s.startLine,
      endLine: s.endLine,
      text: s.text,
      behaviour: s.class.behaviour,
      kind: s.class.kind,
      verb: s.class.verb,
      reason: s.class.reason,
    })),
    warnings: plan.warnings,
    error: plan.error,
  };
}

function report(
  dir: string,
  againstDatabase: boolean,
  files: MigrationFilePlan[],
  problems: MigrationProblem[],
): MigrationDryRunReport {
  const statements = files.flatMap((f) => f.statements.filter((s) => s.index >= f.fromStatement));
  return {
    migrationsDir: dir,
    againstDatabase,
    files,
    totals: {
      files: files.length,
      statements: statements.length,
      implicitCommit: statements.filter((s) => s.behaviour === 'implicit-commit').length,
    },
    problems,
  };
}

/** Dry run against a database: exactly what `migrate` (or a resume) would send, statement by statement. */
export async function dryRunCommand(session: MigrationSession, only?: string[]): Promise<MigrationDryRunReport> {
  const loaded = await session.load();
  const plans: MigrationFilePlan[] = [];
  for (const f of wouldRun(loaded.files)) {
    if (only?.length && !only.includes(f.filename)) continue;
    const file = session.allFiles().find((x) => x.filename === f.filename);
    if (!file) continue;
    const source = await session.source(file);
    const from = f.state === 'failed' || f.state === 'interrupted' ? (f.lastAttempt?.resumeFrom ?? 1) : 1;
    plans.push(toFilePlan(f.filename, f.state, source.checksum, await session.plan(file), from));
  }
  return report(session.discovered.dir, true, plans, [...session.discovered.problems, ...loaded.problems]);
}

/** Dry run of a folder without a database: every file, as if none were applied. */
export async function offlineDryRun(discovered: DiscoveredMigrations, only?: string[]): Promise<MigrationDryRunReport> {
  const plans: MigrationFilePlan[] = [];
  for (const file of discovered.files) {
    if (only?.length && !only.includes(file.filename)) continue;
    const source = await readMigration(file);
    plans.push(toFilePlan(file.filename, 'pending', source.checksum, planMigration(source.text), 1));
  }
  return report(discovered.dir, false, plans, discovered.problems);
}
