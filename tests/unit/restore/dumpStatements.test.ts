import { describe, expect, it } from 'vitest';
import { stripDefiner, viewAsCreateOrReplace } from '../../../src/main/features/restore/sql/dumpStatements';

describe('object statements read back from a live server', () => {
  it('strips DEFINER clauses in every form', () => {
    expect(stripDefiner('/*!50017 DEFINER=`root`@`127.0.0.1`*/ x').replace(/\s+/g, ' ')).toBe('/*!50017 */ x');
    expect(stripDefiner("CREATE DEFINER='a'@'%' PROCEDURE p()").replace(/\s+/g, ' ')).toBe('CREATE PROCEDURE p()');
    expect(stripDefiner('CREATE DEFINER=CURRENT_USER() VIEW v').replace(/\s+/g, ' ')).toBe('CREATE VIEW v');
    expect(stripDefiner('SQL SECURITY DEFINER VIEW')).toBe('SQL SECURITY DEFINER VIEW');
  });

  it('turns CREATE VIEW into CREATE OR REPLACE VIEW', () => {
    expect(viewAsCreateOrReplace('/*!50001 CREATE ALGORITHM=UNDEFINED */ x')).toBe(
      '/*!50001 CREATE OR REPLACE ALGORITHM=UNDEFINED */ x',
    );
    expect(viewAsCreateOrReplace('CREATE OR REPLACE VIEW v')).toBe('CREATE OR REPLACE VIEW v');
  });
});
