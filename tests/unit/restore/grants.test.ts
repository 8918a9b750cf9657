import { describe, expect, it } from 'vitest';
import { Grants, grantPatternToRegExp, parseGrants } from '../../../src/main/features/restore/preflight/grants';

describe('SHOW GRANTS parsing', () => {
  const lines = [
    "GRANT USAGE ON *.* TO `app`@`%` IDENTIFIED BY PASSWORD '*X'",
    'GRANT SELECT, INSERT, CREATE, DROP, ALTER ON `sysndd`.* TO `app`@`%`',
    'GRANT ALL PRIVILEGES ON `sysndd\\_\\_restore\\_%`.* TO `app`@`%`',
    'GRANT SELECT (a, b), UPDATE ON `sysndd`.`t` TO `app`@`%`',
    'GRANT EXECUTE ON PROCEDURE `sysndd`.`p` TO `app`@`%`',
    'GRANT `role_x` TO `app`@`%`',
  ];

  it('keeps global and database grants, ignores table, routine and role lines', () => {
    expect(parseGrants(lines)).toEqual([
      { privileges: ['USAGE'], database: null },
      { privileges: ['SELECT', 'INSERT', 'CREATE', 'DROP', 'ALTER'], database: 'sysndd' },
      expect.objectContaining({ database: 'sysndd\\_\\_restore\\_%' }),
    ]);
  });

  it('matches LIKE patterns with escaped underscores', () => {
    expect(grantPatternToRegExp('sysndd\\_\\_restore\\_%').test('sysndd__restore_20260101_000000')).toBe(true);
    expect(grantPatternToRegExp('sysndd\\_\\_restore\\_%').test('sysnddX_restore_1')).toBe(false);
    expect(grantPatternToRegExp('sys_dd').test('sysxdd')).toBe(true);
  });

  it('reports what is missing per database', () => {
    const g = Grants.fromShowGrants(lines);
    expect(g.missing('sysndd', ['SELECT', 'TRIGGER', 'CREATE ROUTINE'])).toEqual(['TRIGGER', 'CREATE ROUTINE']);
    expect(g.missing('sysndd__restore_20260101_000000', ['CREATE', 'DROP', 'TRIGGER'])).toEqual([]);
    expect(g.missing('sysndd__prev_20260101_000000', ['CREATE'])).toEqual(['CREATE']);
    expect(g.canSetAnyDefiner()).toBe(false);
    expect(
      Grants.fromShowGrants(['GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost` WITH GRANT OPTION']).canSetAnyDefiner(),
    ).toBe(true);
    expect(Grants.fromShowGrants(['GRANT SELECT, SET USER ON *.* TO `x`@`%`']).canSetAnyDefiner()).toBe(true);
  });
});
