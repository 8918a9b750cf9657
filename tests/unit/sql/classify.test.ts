import { describe, expect, it } from 'vitest';
import { classifyScript, classifyStatement, leadingWords, routineName } from '../../../src/main/platform/sql/classify';
import { splitSqlStatements } from '../../../src/main/platform/sql/splitter';

const behaviour = (sql: string) => classifyStatement(sql).behaviour;

describe('classifyStatement: implicit commits (MySQL manual list)', () => {
  it.each([
    'CREATE TABLE t (id INT)',
    'ALTER TABLE t ADD COLUMN x INT',
    'DROP TABLE t',
    'RENAME TABLE a TO b',
    'TRUNCATE TABLE t',
    'CREATE INDEX i ON t (x)',
    'CREATE OR REPLACE ALGORITHM=UNDEFINED DEFINER=`root`@`%` SQL SECURITY DEFINER VIEW v AS SELECT 1',
    'CREATE DEFINER=`root`@`localhost` PROCEDURE p() BEGIN SELECT 1; END',
    'DROP PROCEDURE IF EXISTS migrate_002',
    'CREATE TRIGGER trg BEFORE INSERT ON t FOR EACH ROW SET NEW.a = 1',
    'CREATE DATABASE d',
    'CREATE USER u',
    'GRANT SELECT ON d.* TO u',
    'REVOKE SELECT ON d.* FROM u',
    'SET PASSWORD FOR u = PASSWORD("x")',
    'LOCK TABLES t WRITE',
    'UNLOCK TABLES',
    'START TRANSACTION',
    'BEGIN',
    'SET autocommit = 1',
    'ANALYZE TABLE t',
    'OPTIMIZE TABLE t',
    'FLUSH PRIVILEGES',
    'INSTALL PLUGIN p SONAME "p.so"',
    '/*!40101 ALTER TABLE t ENGINE=InnoDB */',
    '-- comment first\nALTER TABLE t ADD x INT',
    'EXECUTE stmt',
    'CALL somewhere_else()',
  ])('%s → implicit-commit', (sql) => {
    expect(behaviour(sql)).toBe('implicit-commit');
  });

  it.each([
    'INSERT INTO t VALUES (1)',
    'UPDATE t SET a = 1',
    'DELETE FROM t',
    'REPLACE INTO t VALUES (1)',
    'SELECT 1',
    'SET NAMES utf8mb4',
    '/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE */',
    'SET @x = 1',
    'CREATE TEMPORARY TABLE tmp (id INT)',
    'DROP TEMPORARY TABLE IF EXISTS tmp',
    'PREPARE s FROM @sql',
    'DO SLEEP(1)',
  ])('%s → transactional', (sql) => {
    expect(behaviour(sql)).toBe('transactional');
  });

  it('treats COMMIT, ROLLBACK and SET autocommit = 0 as transaction control', () => {
    expect(behaviour('COMMIT')).toBe('transaction-control');
    expect(behaviour('ROLLBACK')).toBe('transaction-control');
    expect(classifyStatement('SET @@session.autocommit = 0').verb).toBe('SET autocommit = 0');
  });

  it('names verbs', () => {
    expect(classifyStatement('CREATE UNIQUE INDEX i ON t (x)').verb).toBe('CREATE INDEX');
    expect(classifyStatement('ALTER IGNORE TABLE t ADD x INT').verb).toBe('ALTER TABLE');
    expect(leadingWords('/* c */ /*!50003 CREATE*/ /*!50017 DEFINER=`a`@`b`*/ /*!50003 TRIGGER x').slice(0, 3)).toEqual([
      'CREATE',
      'DEFINER',
      '=',
    ]);
    expect(routineName('CALL `sysndd`.`Migrate_002`()', 'CALL')).toBe('migrate_002');
  });
});

describe('classifyScript', () => {
  it('judges CALL by the body of a procedure created earlier in the same file', () => {
    const sql = [
      'DELIMITER //',
      'CREATE PROCEDURE add_col() BEGIN',
      "  IF NOT EXISTS (SELECT 1 FROM information_schema.COLUMNS WHERE COLUMN_NAME = 'x') THEN ALTER TABLE t ADD COLUMN x INT; END IF;",
      'END //',
      'CREATE PROCEDURE fill() BEGIN UPDATE t SET x = 1; END //',
      'CALL add_col() //',
      'CALL fill() //',
      'DELIMITER ;',
    ].join('\n');
    const { statements } = classifyScript(splitSqlStatements(sql));
    const calls = statements.filter((s) => s.class.kind === 'routine-call');
    expect(calls.map((c) => [c.class.verb, c.class.behaviour])).toEqual([
      ['CALL add_col', 'implicit-commit'],
      ['CALL fill', 'transactional'],
    ]);
    expect(calls[0]?.class.reason).toContain('ALTER TABLE');
  });

  it('warns when DDL commits an explicit transaction early, and when a file mixes DML and DDL', () => {
    const tx = classifyScript(
      splitSqlStatements('START TRANSACTION;\nINSERT INTO t VALUES (1);\nALTER TABLE t ADD y INT;\nCOMMIT;'),
    );
    expect(tx.warnings).toEqual([
      {
        statementIndex: 3,
        message: 'statement 3 (ALTER TABLE) commits the transaction opened at statement 1: earlier changes cannot be rolled back',
      },
    ]);
    const mixed = classifyScript(splitSqlStatements('INSERT INTO t VALUES (1);\nALTER TABLE t ADD y INT;'));
    expect(mixed.warnings[0]?.message).toMatch(/mixes row changes/);
    expect(classifyScript(splitSqlStatements('ALTER TABLE t ADD y INT;')).warnings).toEqual([]);
  });
});
