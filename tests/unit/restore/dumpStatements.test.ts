import { describe, expect, it } from 'vitest';
import {
  classifyDumpStatement,
  numericServerVersion,
  rewriteDatabaseQualifier,
  stripDefiner,
  unwrapExecutable,
  viewAsCreateOrReplace,
} from '../../../src/main/restore/sql/dumpStatements';

const V = numericServerVersion('10.11.19-MariaDB');
const c = (sql: string) => classifyDumpStatement(Buffer.from(sql, 'utf8').toString('latin1'), V);

describe('dump statement classification', () => {
  it('computes numeric server versions', () => {
    expect(V).toBe(101119);
    expect(numericServerVersion('8.0.36')).toBe(80036);
  });

  it('recognises INSERT variants with the table span', () => {
    const sql = "INSERT IGNORE INTO `db`.`my``t` (`a`) VALUES (1,'x')";
    const r = c(sql);
    expect(r).toMatchObject({ kind: 'insert', table: 'my`t', qualifier: 'db', verb: 'INSERT IGNORE', hasColumnList: true });
    if (r.kind === 'insert') expect(sql.slice(r.nameStart, r.nameEnd)).toBe('`db`.`my``t`');
    expect(c('REPLACE INTO t VALUES (1)')).toMatchObject({ kind: 'insert', table: 't', verb: 'REPLACE', hasColumnList: false });
    expect(c('INSERT INTO `gène` VALUES (1)')).toMatchObject({ kind: 'insert', table: 'gène' });
  });

  it('unwraps executable comments by version and keeps quotes', () => {
    expect(
      unwrapExecutable("/*!40101 SET NAMES utf8mb4 */ /*M!999999 nope */ SELECT '/*!x*/'", V, true).replace(/\s+/g, ' ').trim(),
    ).toBe("SET NAMES utf8mb4 SELECT '/*!x*/'");
  });

  it('classifies session, global and transaction statements', () => {
    expect(c('/*!40101 SET NAMES utf8mb4 */')).toEqual({ kind: 'session', noBackslashEscapes: null });
    expect(c("/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO,NO_BACKSLASH_ESCAPES' */")).toEqual({
      kind: 'session',
      noBackslashEscapes: true,
    });
    expect(c("SET @@GLOBAL.GTID_PURGED=/*!80000 '+'*/ 'abc:1-5'")).toEqual({ kind: 'global-set', what: 'GTID_PURGED' });
    expect(c('SET @@SESSION.SQL_LOG_BIN= 0')).toEqual({ kind: 'global-set', what: 'SQL_LOG_BIN' });
    expect(c('set autocommit=0')).toEqual({ kind: 'transaction' });
    expect(c('commit')).toEqual({ kind: 'transaction' });
    expect(c('LOCK TABLES `t` WRITE')).toEqual({ kind: 'lock' });
    expect(c('UNLOCK TABLES')).toEqual({ kind: 'lock' });
  });

  it('classifies database statements', () => {
    expect(c('USE `rtest`')).toEqual({ kind: 'use', database: 'rtest' });
    expect(
      c('CREATE DATABASE /*!32312 IF NOT EXISTS*/ `rtest` /*!40100 DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci */'),
    ).toEqual({
      kind: 'create-database',
      database: 'rtest',
      charset: 'utf8mb4',
      collation: 'utf8mb4_general_ci',
    });
    expect(c('ALTER DATABASE `rtest` CHARACTER SET latin1 COLLATE latin1_swedish_ci')).toMatchObject({
      kind: 'alter-database',
      database: 'rtest',
      charset: 'latin1',
    });
  });

  it('classifies table DDL', () => {
    expect(c('CREATE TABLE `t` (\n `id` int)')).toEqual({ kind: 'create-table', table: 't', qualifier: null });
    expect(c('CREATE SEQUENCE `s` start with 1')).toMatchObject({ kind: 'create-table', table: 's' });
    expect(c('DROP TABLE IF EXISTS `a`, `b`')).toEqual({ kind: 'drop-table', tables: ['a', 'b'], qualifiers: [] });
    expect(c('DROP TABLE `live`.`a`, b, `live`.c')).toEqual({
      kind: 'drop-table',
      tables: ['a', 'b', 'c'],
      qualifiers: ['live'],
    });
    expect(c('/*!40000 ALTER TABLE `t` DISABLE KEYS */')).toEqual({
      kind: 'alter-table',
      table: 't',
      qualifier: null,
      keysOnly: true,
    });
    expect(c('ALTER TABLE other.`t` ADD KEY (x)')).toEqual({
      kind: 'alter-table',
      table: 't',
      qualifier: 'other',
      keysOnly: false,
    });
  });

  it('classifies mysqldump objects wrapped in executable comments', () => {
    expect(
      c(
        '/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`127.0.0.1`*/ /*!50003 trigger trg before insert on t for each row set new.v=upper(new.v) \n*/',
      ),
    ).toEqual({ kind: 'object', type: 'trigger', name: 'trg', table: 't', definer: '`root`@`127.0.0.1`' });
    expect(
      c(
        '/*!50001 CREATE ALGORITHM=UNDEFINED */\n/*!50013 DEFINER=`root`@`127.0.0.1` SQL SECURITY DEFINER */\n/*!50001 VIEW `vv` AS select 1 */',
      ),
    ).toMatchObject({ kind: 'object', type: 'view', name: 'vv' });
    expect(c('CREATE DEFINER=`root`@`%` PROCEDURE `p`()\nbegin select 1; end')).toMatchObject({
      kind: 'object',
      type: 'procedure',
      name: 'p',
    });
    expect(c('CREATE DEFINER=`u`@`h` FUNCTION `f`(x int) RETURNS int return x+1')).toMatchObject({
      kind: 'object',
      type: 'function',
      name: 'f',
    });
    expect(
      c(
        '/*!50106 CREATE*/ /*!50117 DEFINER=`root`@`127.0.0.1`*/ /*!50106 EVENT `ev` ON SCHEDULE EVERY 1 DAY DO delete from t */',
      ),
    ).toMatchObject({
      kind: 'object',
      type: 'event',
      name: 'ev',
    });
    expect(
      c('CREATE OR REPLACE ALGORITHM=UNDEFINED DEFINER=`root`@`localhost` SQL SECURITY DEFINER VIEW `v2` AS select 1'),
    ).toMatchObject({
      kind: 'object',
      type: 'view',
      name: 'v2',
      definer: '`root`@`localhost`',
    });
    expect(c('/*!50003 DROP FUNCTION IF EXISTS `f` */')).toEqual({ kind: 'drop-object', type: 'function' });
    expect(c('/*!50001 DROP VIEW IF EXISTS `vv`*/')).toEqual({ kind: 'drop-object', type: 'view' });
  });

  it('recognises account statements and leaves the rest as other', () => {
    expect(c("CREATE USER 'a'@'%'")).toEqual({ kind: 'account' });
    expect(c('GRANT ALL ON *.* TO x')).toEqual({ kind: 'account' });
    expect(c("SET PASSWORD = PASSWORD('x')")).toEqual({ kind: 'account' });
    expect(c('SET DEFAULT ROLE r FOR u')).toEqual({ kind: 'account' });
  });

  it('knows the sequence state dumps restore, and nothing that only looks like it', () => {
    expect(c('SELECT SETVAL(`s`, 5, 0)')).toEqual({ kind: 'sequence-state' });
    expect(c('DO SETVAL(`s`, 1001, 0)')).toEqual({ kind: 'sequence-state' });
    expect(c('SELECT SETVAL(`live`.`s`, 5, 0)')).toMatchObject({ kind: 'other' });
    expect(c('SELECT SETVAL(`s`, 5, 0), (SELECT 1 FROM live.t)')).toMatchObject({ kind: 'other' });
  });

  it('leaves statements a restore must not run as other (the loader refuses them)', () => {
    for (const sql of [
      'DELETE FROM `live`.`gene`',
      'UPDATE gene SET x = 1',
      'DROP DATABASE `live`',
      'TRUNCATE TABLE `live`.`gene`',
      'RENAME TABLE `a` TO `live`.`a`',
      'CALL wipe()',
      'SET STATEMENT max_statement_time=1 FOR DELETE FROM live.t',
      "SELECT * FROM t INTO OUTFILE '/tmp/x'",
      'LOAD DATA INFILE "/etc/passwd" INTO TABLE t',
    ])
      expect(c(sql), sql).toMatchObject({ kind: 'other' });
    expect(c("CHANGE MASTER TO MASTER_LOG_FILE='b.000001', MASTER_LOG_POS=4")).toMatchObject({ kind: 'global-set' });
    expect(c('START SLAVE')).toMatchObject({ kind: 'global-set' });
  });

  it('strips DEFINER clauses in every form', () => {
    expect(stripDefiner('/*!50017 DEFINER=`root`@`127.0.0.1`*/ x').replace(/\s+/g, ' ')).toBe('/*!50017 */ x');
    expect(stripDefiner("CREATE DEFINER='a'@'%' PROCEDURE p()").replace(/\s+/g, ' ')).toBe('CREATE PROCEDURE p()');
    expect(stripDefiner('CREATE DEFINER=CURRENT_USER() VIEW v').replace(/\s+/g, ' ')).toBe('CREATE VIEW v');
    expect(stripDefiner('SQL SECURITY DEFINER VIEW')).toBe('SQL SECURITY DEFINER VIEW');
  });

  it('rewrites backtick-qualified references to the source database', () => {
    expect(rewriteDatabaseQualifier('select `src`.`t`.`a` from `src` . `t`, `srcx`.`t`', 'src', 'dst')).toEqual({
      sql: 'select `dst`.`t`.`a` from `dst` . `t`, `srcx`.`t`',
      count: 2,
    });
  });

  it('turns CREATE VIEW into CREATE OR REPLACE VIEW', () => {
    expect(viewAsCreateOrReplace('/*!50001 CREATE ALGORITHM=UNDEFINED */ x')).toBe(
      '/*!50001 CREATE OR REPLACE ALGORITHM=UNDEFINED */ x',
    );
    expect(viewAsCreateOrReplace('CREATE OR REPLACE VIEW v')).toBe('CREATE OR REPLACE VIEW v');
  });
});
