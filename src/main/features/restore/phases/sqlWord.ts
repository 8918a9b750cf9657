import { AppError } from '../../../core/AppError';

/** A character set or collation name from the file or its manifest goes into DDL we write: a bare word only. */
export function sqlWord(name: string | null): string | null {
  if (name === null) return null;
  if (!/^[A-Za-z0-9_]{1,64}$/.test(name))
    throw new AppError(
      'RESTORE_STATEMENT_REFUSED',
      `The file names a character set or collation that is not a plain name: "${name.slice(0, 64)}".`,
    );
  return name;
}
