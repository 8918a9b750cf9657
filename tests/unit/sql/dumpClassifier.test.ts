import { describe, expect, it } from 'vitest';
import { DumpClassifier, type DumpStatement } from '../../../src/main/platform/sql/dumpClassifier';
import { writeObjectStatement } from '../../../src/main/platform/sql/dumpObject';
import { effectiveText, numericServerVersion } from '../../../src/main/platform/sql/lexer';

const V = numericServerVersion('10.11.19-MariaDB');
const bytes = (sql: string) => Buffer.from(sql, 'utf8').toString('latin1');
const c = (sql: string, o: Partial<ConstructorParameters<typeof DumpClassifier>[0]> = {}, delimiter = ';') =>
  new DumpClassifier({ serverVersion: V, ...o }).classify(bytes(sql), delimiter);
const kind = (st: DumpStatement) => st.kind;

describe('dump statement classification (tokens, allowlist)', () => {
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
    // The plain shape's shortcut agrees with the lexer's reading, span included.
    const plain = "INSERT INTO `gene` VALUES (1,'a'),(2,'b')";
    const viaShortcut = c(plain);
    const viaLexer = c(`${plain} `.replace('INSERT INTO', 'INSERT  INTO'));
    expect(viaShortcut).toMatchObject({ kind: 'insert', table: 'gene', qualifier: null, verb: 'INSERT', hasColumnList: false });
    if (viaShortcut.kind === 'insert' && viaLexer.kind === 'insert') {
      expect(plain.slice(viaShortcut.nameStart, viaShortcut.nameEnd)).toBe('`gene`');
      expect({ ...viaShortcut, nameStart: 0, nameEnd: 0 }).toEqual({ ...viaLexer, nameStart: 0, nameEnd: 0 });
    }
  });

  it('reads the names an attacker hides in missing spaces and comments', () => {
    expect(c("INSERT INTO`mysql`.`global_priv` VALUES ('%','x','{}')")).toMatchObject({
      kind: 'insert',
      qualifier: 'mysql',
      table: 'global_priv',
    });
    expect(c('INSERT INTO/**/otherdb.t VALUES (1)')).toMatchObject({ kind: 'insert', qualifier: 'otherdb', table: 't' });
    expect(c('INSERT LOW_PRIORITY/**/INTO otherdb.t VALUES (1)')).toMatchObject({ kind: 'insert', qualifier: 'otherdb' });
    expect(c('REPLACE INTO`otherdb`.`t` VALUES (1)')).toMatchObject({ kind: 'insert', qualifier: 'otherdb' });
    expect(c('INSERT INTO /*!40101 otherdb.*/t VALUES (1)')).toMatchObject({ kind: 'insert', qualifier: 'otherdb' });
    expect(c('INSERT INTO t SELECT * FROM mysql.user')).toMatchObject({ kind: 'other' });
  });

  it('judges every assignment of a SET and writes the statement itself', () => {
    expect(c('/*!40101 SET NAMES utf8mb4 */')).toEqual({ kind: 'session', sql: 'SET NAMES utf8mb4', noBackslashEscapes: null });
    const mode = c("/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO,NO_BACKSLASH_ESCAPES' */");
    expect(mode).toEqual({
      kind: 'session',
      sql: "SET @`OLD_SQL_MODE` = @@SQL_MODE, SESSION sql_mode = 'NO_AUTO_VALUE_ON_ZERO,NO_BACKSLASH_ESCAPES,NO_DIR_IN_CREATE'",
      noBackslashEscapes: true,
    });
    expect(c("SET @@GLOBAL.GTID_PURGED=/*!80000 '+'*/ 'abc:1-5'")).toEqual({ kind: 'global-set', what: 'GTID_PURGED' });
    expect(c('SET @@SESSION.SQL_LOG_BIN= 0')).toEqual({ kind: 'global-set', what: 'SQL_LOG_BIN' });
    expect(c('set autocommit=0')).toEqual({ kind: 'transaction' });
    for (const sql of [
      "SET @a=1, GLOBAL init_connect='DROP DATABASE otherdb'",
      'SET NAMES utf8mb4, @@global.general_log=1',
      "/*!40101 SET @a=1, GLOBAL init_connect='x' */",
      "/*M!100100 SET @a=1, @@GLOBAL.init_connect='x' */",
      'SET @a = (SELECT authentication_string FROM mysql.user LIMIT 1)',
      'SET SESSION sql_log_off = 1',
      'SET @a=1, sql_log_bin=0',
      'SET sql_mode = CONCAT(@@sql_mode, ",ANSI")',
      'SET STATEMENT max_statement_time=1 FOR DELETE FROM live.t',
      "SET PERSIST init_connect='x'",
    ])
      expect(kind(c(sql)), sql).toBe('other');
  });

  it('follows sql_mode through saved variables, and ANSI_QUOTES changes how names read', () => {
    const k = new DumpClassifier({ serverVersion: V, initialSqlMode: 'STRICT_TRANS_TABLES' });
    expect(k.classify("SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='ANSI_QUOTES'")).toMatchObject({ kind: 'session' });
    expect(k.classify('INSERT INTO "mysql"."user" VALUES (1)')).toMatchObject({ kind: 'insert', qualifier: 'mysql' });
    expect(k.classify("SET SQL_MODE=IFNULL(@OLD_SQL_MODE,'')")).toMatchObject({
      kind: 'session',
      sql: "SET SESSION sql_mode = 'STRICT_TRANS_TABLES,NO_DIR_IN_CREATE'",
    });
    expect(k.sqlMode).toBe('STRICT_TRANS_TABLES');
  });

  it('refuses forms the server reads differently from a naive reader', () => {
    expect(c('/*!40101 SET @a=1 /* x */ */')).toMatchObject({ kind: 'other' });
    expect(c('/*!4010 SET @a=1 */')).toMatchObject({ kind: 'other' });
    expect(c("SET @a='unterminated")).toMatchObject({ kind: 'other' });
    // MariaDB-only comments are plain comments on MySQL: nothing runs there.
    expect(c('/*M!100100 DROP DATABASE x */', { serverVersion: 80036 })).toEqual({ kind: 'empty' });
    expect(c('/*!999999 DROP DATABASE x */')).toEqual({ kind: 'empty' });
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

  it('classifies table DDL and every qualifier in it', () => {
    expect(c('CREATE TABLE `t` (\n `id` int, `type` varchar(3))')).toEqual({ kind: 'create-table', table: 't', qualifiers: [] });
    expect(c('CREATE SEQUENCE `s` start with 1')).toMatchObject({ kind: 'create-table', table: 's' });
    expect(c('DROP TABLE IF EXISTS `a`, `b`')).toEqual({ kind: 'drop-table', tables: ['a', 'b'], qualifiers: [] });
    const drop = c('DROP TABLE `live`.`a`, b, `live`.c');
    expect(drop).toMatchObject({ kind: 'drop-table', tables: ['a', 'b', 'c'] });
    if (drop.kind === 'drop-table') expect(drop.qualifiers.map((q) => q.name)).toEqual(['live', 'live']);
    expect(c('/*!40000 ALTER TABLE `t` DISABLE KEYS */')).toEqual({
      kind: 'alter-table',
      table: 't',
      qualifiers: [],
      keysOnly: true,
    });
    const fk = c('CREATE TABLE t (a int, FOREIGN KEY (a) REFERENCES `otherdb`.`p` (id))');
    expect(fk.kind === 'create-table' && fk.qualifiers.map((q) => q.name)).toEqual(['otherdb']);
    for (const sql of [
      "CREATE TABLE t (a int) DATA DIRECTORY='/tmp/elsewhere'",
      "CREATE TABLE t (a int) ENGINE=InnoDB /*!50100 INDEX DIRECTORY='/tmp' */",
      'CREATE TABLE t (a int) ENGINE=MERGE UNION=(otherdb.t)',
      'CREATE TABLE t (a int) ENGINE=FEDERATED CONNECTION="mysql://u@h/db/t"',
      'CREATE TABLE t (a int) ENGINE = CONNECT',
      'CREATE TABLE t AS SELECT * FROM mysql.user',
      'CREATE TEMPORARY TABLE t (a int)',
      'ALTER TABLE t RENAME TO otherdb.t',
      'RENAME TABLE `a` TO `live`.`a`',
    ])
      expect(kind(c(sql)), sql).toBe('other');
  });

  it('parses objects and writes their statement anew', () => {
    const trg = c(
      '/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`127.0.0.1`*/ /*!50003 trigger trg before insert on `src`.t for each row set new.v=upper(new.v) \n*/',
      { ownDatabase: 'src' },
    );
    expect(trg).toMatchObject({
      kind: 'object',
      object: { type: 'trigger', name: 'trg', table: 't', tableQualifier: 'src', definer: '`root`@`127.0.0.1`' },
    });
    if (trg.kind === 'object') {
      expect(writeObjectStatement(trg.object, 'dst', true).replace(/\s+/g, ' ').trim()).toBe(
        'CREATE DEFINER=`root`@`127.0.0.1` TRIGGER trg before insert on `dst`.t for each row set new.v=upper(new.v)',
      );
      expect(writeObjectStatement(trg.object, 'shadow', false)).not.toContain('DEFINER');
    }
    const view = c(
      "/*!50001 CREATE ALGORITHM=UNDEFINED */\n/*!50013 DEFINER='a b'@'%' SQL SECURITY DEFINER */\n/*!50001 VIEW `vv` AS select `x`.`a` from `x` */",
    );
    expect(view).toMatchObject({
      kind: 'object',
      object: { type: 'view', name: 'vv', definer: '`a b`@`%`', foreignQualifiers: ['x'] },
    });
    if (view.kind === 'object')
      expect(writeObjectStatement(view.object, 'd', true).replace(/\s+/g, ' ').trim()).toBe(
        'CREATE OR REPLACE ALGORITHM=UNDEFINED DEFINER=`a b`@`%` SQL SECURITY DEFINER VIEW `vv` AS select `x`.`a` from `x`',
      );
    expect(c('CREATE DEFINER=`root`@`%` PROCEDURE `p`()\nbegin select 1; end')).toMatchObject({
      kind: 'object',
      object: { type: 'procedure', name: 'p' },
    });
    expect(c('CREATE OR REPLACE VIEW `otherdb`.`v` AS SELECT 1')).toMatchObject({
      kind: 'object',
      object: { qualifier: 'otherdb' },
    });
    expect(c('/*!50003 DROP FUNCTION IF EXISTS `f` */')).toEqual({ kind: 'drop-object', type: 'function', qualifier: null });
  });

  it('refuses object bodies that could act beyond their database', () => {
    for (const sql of [
      'CREATE PROCEDURE p() BEGIN SET @s = "DROP DATABASE x"; PREPARE st FROM @s; EXECUTE st; END',
      "CREATE TRIGGER t BEFORE INSERT ON a FOR EACH ROW SET GLOBAL init_connect='x'",
      "CREATE EVENT e ON SCHEDULE EVERY 1 DAY DO GRANT ALL ON *.* TO 'x'@'%'",
      'CREATE FUNCTION f() RETURNS int SONAME "evil.so"',
      "CREATE PROCEDURE p() SELECT LOAD_FILE('/etc/passwd')",
      "CREATE PROCEDURE p() SELECT 1 INTO OUTFILE '/tmp/x'",
    ])
      expect(kind(c(sql)), sql).toBe('other');
    const body = c('CREATE TRIGGER t AFTER INSERT ON a FOR EACH ROW INSERT INTO mysql.global_priv VALUES (NEW.x, 1)');
    expect(body.kind === 'object' && body.object.foreignQualifiers).toEqual(['mysql', 'NEW']);
  });

  it('refuses two statements sent as one under another delimiter, and multi-byte charsets that hide a quote', () => {
    expect(c('INSERT INTO t VALUES (1); DROP DATABASE otherdb', {}, ';;')).toMatchObject({ kind: 'other' });
    expect(c('CREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END', {}, ';;')).toMatchObject({ kind: 'object' });
    expect(c('SET NAMES gbk')).toMatchObject({ kind: 'other' });
    expect(c('SET character_set_client = sjis')).toMatchObject({ kind: 'other' });
  });

  it('keeps account furniture apart and refuses what a dump does not contain', () => {
    expect(c("CREATE USER 'a'@'%'")).toEqual({ kind: 'account' });
    expect(c('GRANT ALL ON *.* TO x')).toEqual({ kind: 'account' });
    expect(c("SET PASSWORD = PASSWORD('x')")).toEqual({ kind: 'account' });
    expect(c('SELECT SETVAL(`s`, 5, 0)')).toEqual({ kind: 'sequence-state' });
    expect(c('SELECT SETVAL(`live`.`s`, 5, 0)')).toMatchObject({ kind: 'other' });
    for (const sql of [
      'DELETE FROM `live`.`gene`',
      'UPDATE gene SET x = 1',
      'DROP DATABASE `live`',
      'TRUNCATE TABLE `live`.`gene`',
      'CALL wipe()',
      'KILL 1',
      'DO SLEEP(100)',
      "SELECT * FROM t INTO OUTFILE '/tmp/x'",
      'LOAD DATA INFILE "/etc/passwd" INTO TABLE t',
      'FLUSH TABLES',
      "INSTALL SONAME 'x'",
    ])
      expect(c(sql), sql).toMatchObject({ kind: 'other' });
    expect(c("CHANGE MASTER TO MASTER_LOG_FILE='b.000001', MASTER_LOG_POS=4")).toMatchObject({ kind: 'global-set' });
  });

  it('holds rows to literals in parser-only confinement', () => {
    expect(c("INSERT INTO t VALUES (1,'a',NULL,-2.5,_binary 'x',X'ab')", { literalValuesOnly: true })).toMatchObject({
      kind: 'insert',
    });
    expect(
      c('INSERT INTO t VALUES (1.1754943508222875e-38,5e-324,-1.7976931348623157e308,.5,0x1F)', { literalValuesOnly: true }),
    ).toMatchObject({
      kind: 'insert',
    });
    // Outside parser-only mode, a name with side effects makes the rows be read whole, even hidden by a comment.
    expect(c("INSERT INTO t VALUES (1,/**/LOAD_FILE('/etc/passwd'))")).toMatchObject({ kind: 'other' });
    expect(c("INSERT INTO t VALUES (1,'SELECT in a string is data')")).toMatchObject({ kind: 'insert' });
    expect(
      c('INSERT INTO t VALUES ((SELECT authentication_string FROM mysql.user LIMIT 1))', { literalValuesOnly: true }),
    ).toMatchObject({
      kind: 'other',
    });
  });

  it('unwraps executable comments by version, keeping ordinary comments and quotes', () => {
    const o = { serverVersion: V, mariadb: true };
    expect(
      effectiveText("/*!40101 SET NAMES utf8mb4 */ /*M!999999 nope */ SELECT '/*!x*/' /* c */", o).replace(/\s+/g, ' ').trim(),
    ).toBe("SET NAMES utf8mb4 SELECT '/*!x*/' /* c */");
  });
});
