import { describe, expect, it } from 'vitest';
import { checkDatabaseName, databaseNameProblem } from '../../../src/main/features/restore/databaseName';
import { LOAD_ERRNO, mapLoadError, refuseUnsupportedEngines } from '../../../src/main/features/restore/loadErrors';

describe('restore target names', () => {
  it('refuses what MySQL/MariaDB cannot hold, with INVALID_DATABASE_NAME naming the problem', () => {
    const bad: Array<[string, RegExp]> = [
      ['sysndd_db ', /ends with a space/],
      ['sysndd_db\t', /ends with a space/],
      ['', /empty/],
      ['x'.repeat(65), /65 characters/],
      ['a/b', /"\/"/],
      ['a\\b', /"\\"/],
      ['a.b', /"\."/],
      ['a\0b', /NUL/],
      ['db😀', /outside the BMP/],
    ];
    for (const [name, why] of bad) {
      expect(databaseNameProblem(name), JSON.stringify(name)).toMatch(why);
      expect(() => checkDatabaseName(name), JSON.stringify(name)).toThrow(
        expect.objectContaining({ code: 'INVALID_DATABASE_NAME' }),
      );
    }
    // The message quotes the name so a trailing space is visible.
    expect(() => checkDatabaseName('sysndd ')).toThrow('"sysndd "');
  });

  it('accepts ordinary and unusual-but-valid names', () => {
    for (const ok of ['sysndd_db', 'x'.repeat(64), 'ü'.repeat(64), 'with space inside', ' leading', 'a-b$c', '123'])
      expect(databaseNameProblem(ok), ok).toBeNull();
  });
});

describe('load errors with their own code', () => {
  it('maps the server error numbers a person can act on, keeps the server words', () => {
    const e = mapLoadError(
      { errno: 1286, sqlMessage: "Unknown storage engine 'ROCKSDB'", code: 'ER_UNKNOWN_STORAGE_ENGINE' },
      'CREATE TABLE t',
    );
    expect(e?.code).toBe('RESTORE_UNSUPPORTED_ENGINE');
    expect(e?.message).toContain("Unknown storage engine 'ROCKSDB' (error 1286)");
    expect(e?.message).toContain('Nothing was swapped');
    expect(mapLoadError({ errno: 1114, sqlMessage: "The table 't' is full" }, 'INSERT INTO t')?.code).toBe('DISK_FULL');
    expect(mapLoadError({ errno: 1064, sqlMessage: 'syntax' }, 'x')).toBeNull();
    expect(mapLoadError({ sqlMessage: 'no errno' }, 'x')).toBeNull();
    expect([...LOAD_ERRNO.keys()]).toContain(1286);
  });

  it('refuses MERGE and the engines that reach outside the database, whatever their case', () => {
    expect(() =>
      refuseUnsupportedEngines([
        { name: 'a', engine: 'InnoDB' },
        { name: 's', engine: null },
      ]),
    ).not.toThrow();
    for (const engine of ['MRG_MyISAM', 'MRG_MYISAM', 'FEDERATED', 'CONNECT', 'SPIDER'])
      expect(() => refuseUnsupportedEngines([{ name: 'm', engine }]), engine).toThrow(
        expect.objectContaining({ code: 'RESTORE_UNSUPPORTED_ENGINE' }),
      );
  });
});
