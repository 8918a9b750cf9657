import fs from 'node:fs';
import { AppError } from '../../../core/AppError';
import { DEFAULT_STATEMENT_LIMIT, type StatementLimit } from '../../../core/statementLimit';
import { looksLikeOurs, openLocalSource, withSource } from '../../backups/format/index';
import { BackupFileSource } from './BackupFileSource';
import { ForeignDumpSource, type RestoreSource } from './ForeignDumpSource';

/**
 * Ours or foreign, told by content: our backups start with the SysNDD Admin preamble (a cut-short one too,
 * so it is refused as an incomplete backup of ours rather than read as a foreign dump). `limit`: the target's
 * longest statement (see core/statementLimit.ts); reading a longer one stops with STATEMENT_TOO_LARGE.
 */
export async function openSource(
  file: string,
  serverVersion: number,
  limit: StatementLimit = DEFAULT_STATEMENT_LIMIT,
): Promise<RestoreSource> {
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(file);
  } catch {
    throw new AppError('NOT_FOUND', `No such file: ${file}`);
  }
  if (!stat.isFile()) throw new AppError('INVALID_ARGUMENT', `${file} is not a file.`);
  if (stat.size === 0) throw new AppError('BACKUP_INCOMPLETE', `${file} is empty.`);
  const ours = await withSource(openLocalSource(file), (src) => looksLikeOurs(src));
  return ours ? new BackupFileSource(file, serverVersion, limit) : new ForeignDumpSource(file, serverVersion, limit);
}
