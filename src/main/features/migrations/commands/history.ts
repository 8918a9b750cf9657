import type { MigrationAttempt } from '../../../../shared/contract/migrations';
import type { MigrationSession } from '../MigrationSession';
import { summarizeAttempt } from '../status';

/** The journal, newest first: every attempt and repair action with its per-statement record. */
export async function historyCommand(
  session: MigrationSession,
  filename: string | undefined,
  limit: number,
): Promise<MigrationAttempt[]> {
  const rows = await session.history.readJournal(filename, limit);
  const statements = await session.history.readStatements(rows.map((r) => r.id));
  return rows.map((r) => summarizeAttempt(r, statements));
}
