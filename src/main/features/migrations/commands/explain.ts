import type { MigrationSession } from '../MigrationSession';
import { prefixOf } from './migrate';
import { fileStatus, planResume } from './repair';

/** What each guarded migration operation would do, in words: shown before the person confirms. */
export type ExplainRequest =
  | { op: 'migrate' }
  | { op: 'baseline'; upTo: string }
  | { op: 'resume'; filename: string; fromStatement?: number }
  | { op: 'markApplied'; filename: string }
  | { op: 'acceptChecksum'; filename: string }
  | { op: 'adopt'; filenames?: string[] };

const list = (names: string[]) =>
  names.length > 8 ? `${names.slice(0, 8).join(', ')} and ${names.length - 8} more` : names.join(', ');

/** Reads only: the same state checks the command makes, so a refusal says what a confirmation would do. */
export async function explainCommand(session: MigrationSession, req: ExplainRequest): Promise<string> {
  const loaded = await session.load();
  switch (req.op) {
    case 'migrate': {
      const pending = loaded.files.filter((f) => f.state === 'pending').map((f) => f.filename);
      return pending.length ? `Runs ${pending.length} pending file(s): ${list(pending)}.` : 'Nothing is pending.';
    }
    case 'baseline': {
      const limit = prefixOf(session, req.upTo);
      const mark = loaded.files
        .filter((f) => f.prefix !== null && f.prefix <= limit)
        .filter((f) => f.state === 'pending' || f.state === 'failed' || f.state === 'interrupted')
        .map((f) => f.filename);
      return `Baselining records ${mark.length} file(s) as applied without running them: ${list(mark)}.`;
    }
    case 'resume': {
      const plan = await planResume(session, loaded, req.filename, req.fromStatement);
      return `${plan.description}${plan.warnings.length ? ` Warnings: ${plan.warnings.join('; ')}.` : ''}`;
    }
    case 'markApplied': {
      const s = fileStatus(loaded, req.filename);
      return `Marking ${req.filename} applied records it in schema_version without running it${s.lastAttempt ? ` (last attempt: ${s.lastAttempt.summary})` : ''}; do this only after the database already has its changes.`;
    }
    case 'acceptChecksum': {
      const s = fileStatus(loaded, req.filename);
      return `Accepting the new content of ${req.filename} makes checksum ${s.checksum?.slice(0, 12)}… the reference instead of ${s.appliedChecksum?.slice(0, 12)}…; the database is not changed.`;
    }
    case 'adopt': {
      const candidates = loaded.files.filter((f) => f.state === 'applied-no-checksum').map((f) => f.filename);
      const adopt = req.filenames?.length ? candidates.filter((f) => req.filenames?.includes(f)) : candidates;
      return `Adopting records the current checksum of ${adopt.length} file(s) applied by another runner (${list(adopt)}) as the applied content.`;
    }
  }
}
