import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type mysql from 'mysql2/promise';
import { mysqlInfo, rootConnection, seqRows, testEngine } from '../../fixtures/mysql';

/**
 * What the fixture holds on the run's engine. MySQL has no UUID/INET types (those columns are CHAR/VARCHAR
 * there, same values), no Aria (its non-transactional table is MyISAM) and no sequences.
 */
export function fixtureShape(): { sequences: number; nonTransactionalEngine: 'Aria' | 'MyISAM' } {
  return testEngine() === 'mysql'
    ? { sequences: 0, nonTransactionalEngine: 'MyISAM' }
    : { sequences: 1, nonTransactionalEngine: 'Aria' };
}

/**
 * A database holding everything a backup must carry: every column type MariaDB has (numeric, temporal,
 * string, binary, JSON, spatial, UUID/INET), generated and invisible columns, unicode and all 256 byte
 * values, NULLs, zero dates, a very long row, an empty table, foreign keys, views depending on views,
 * ordered triggers, procedures and functions with `;` in their bodies, events, a sequence and SysNDD's
 * schema_version table. `bigRows` adds a narrow table filled server-side from the Sequence engine.
 */
export async function buildFixtureDb(database: string, bigRows = 0): Promise<void> {
  const c = await rootConnection({ database, multipleStatements: true });
  const mysqlEngine = testEngine() === 'mysql';
  const shape = fixtureShape();
  try {
    await c.query(`
      SET SESSION sql_mode = 'NO_ENGINE_SUBSTITUTION';
      SET SESSION time_zone = '+00:00';
      CREATE TABLE every_type (
        id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
        t_tiny TINYINT, t_utiny TINYINT UNSIGNED, t_small SMALLINT, t_medium MEDIUMINT, t_int INT, t_big BIGINT, t_ubig BIGINT UNSIGNED,
        t_dec DECIMAL(65,30), t_dec2 DECIMAL(10,2), t_float FLOAT, t_float_md FLOAT(10,4), t_double DOUBLE, t_bit1 BIT(1), t_bit64 BIT(64),
        t_year YEAR, t_date DATE, t_time TIME(6), t_datetime DATETIME(6), t_ts TIMESTAMP(6) NULL DEFAULT NULL,
        t_char CHAR(10), t_varchar VARCHAR(255), t_tinytext TINYTEXT, t_text TEXT, t_mediumtext MEDIUMTEXT, t_longtext LONGTEXT,
        t_latin1 VARCHAR(50) CHARACTER SET latin1, t_binary BINARY(16), t_varbinary VARBINARY(255), t_tinyblob TINYBLOB, t_blob BLOB,
        t_mediumblob MEDIUMBLOB, t_longblob LONGBLOB, t_enum ENUM('a','b','c d'), t_set SET('x','y','z'), t_json JSON,
        t_geometry GEOMETRY, t_point POINT, t_line LINESTRING, t_poly POLYGON, t_mpoint MULTIPOINT, t_gcoll GEOMETRYCOLLECTION,
        ${mysqlEngine ? 't_uuid CHAR(36), t_inet6 VARCHAR(45), t_inet4 VARCHAR(15),' : 't_uuid UUID, t_inet6 INET6, t_inet4 INET4,'}
        \`select\` VARCHAR(10) COMMENT 'reserved word; and a ''quote''',
        t_virtual INT AS (t_int * 2) VIRTUAL, t_stored VARCHAR(300) AS (CONCAT('v:', t_varchar)) STORED,
        t_invisible INT INVISIBLE DEFAULT 7
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='all types';

      INSERT INTO every_type (t_tiny, t_utiny, t_small, t_medium, t_int, t_big, t_ubig, t_dec, t_dec2, t_float, t_float_md, t_double,
        t_bit1, t_bit64, t_year, t_date, t_time, t_datetime, t_ts, t_char, t_varchar, t_tinytext, t_text, t_mediumtext, t_longtext,
        t_latin1, t_binary, t_varbinary, t_tinyblob, t_blob, t_mediumblob, t_longblob, t_enum, t_set, t_json, t_geometry, t_point,
        t_line, t_poly, t_mpoint, t_gcoll, t_uuid, t_inet6, t_inet4, \`select\`, t_invisible)
      VALUES
        (-128, 255, -32768, -8388608, -2147483648, -9223372036854775808, 18446744073709551615,
         '-12345678901234567890123456789012345.123456789012345678901234567890', -0.01, 0.1, 1.2345, 0.30000000000000004,
         b'1', b'1111111111111111111111111111111111111111111111111111111111111111', 1901, '0000-00-00', '-838:59:59.000000',
         '1000-01-01 00:00:00.000000', '1970-01-01 00:00:01.000001', 'fixed', 'it''s "quoted" \\\\ back; -- x /* y */ DELIMITER ;;',
         'tiny', 'Zürich – Ελληνικά – 中文 – 😀 – e\u0301', REPEAT('m', 70000), REPEAT('L', 300000), 'café latin1 ÿ',
         UNHEX('00FF00FF00FF00FF00FF00FF00FF00FF'), UNHEX('000102030405060708090A0B0C0D0E0F1A1B5C27220D0A'), 0x00, 0x27275C5C0D0A1A00,
         UNHEX(REPEAT('AB', 5000)), UNHEX(REPEAT('CD', 100)), 'c d', 'x,z', '{"a": [1, 2.5, "x\\\\"y", null], "b": {"ü": true}}',
         ST_GeomFromText('POLYGON((0 0,10 0,10 10,0 10,0 0))', 4326), POINT(1.5, -2.25), ST_GeomFromText('LINESTRING(0 0,1 1,2 2)'),
         ST_GeomFromText('POLYGON((0 0,1 0,1 1,0 0))'), ST_GeomFromText('MULTIPOINT(0 0,1 1)'),
         ST_GeomFromText('GEOMETRYCOLLECTION(POINT(1 1),LINESTRING(0 0,1 1))'), '123e4567-e89b-12d3-a456-426614174000', '2001:db8::1',
         '192.168.0.1', 'sel', 42),
        (127, 0, 32767, 8388607, 2147483647, 9223372036854775807, 0, 0, 99999999.99, -3.4028234e38, -999.9999, -1.7976931348623157e308,
         b'0', b'0', 2155, '9999-12-31', '838:59:59.999999', '9999-12-31 23:59:59.999999', '2038-01-19 03:14:07.999999', '', '', '', '',
         '', '', '', UNHEX(REPEAT('00', 16)), '', '', '', '', '', 'a', '', '[]', POINT(0, 0), POINT(-180, 90),
         ST_GeomFromText('LINESTRING(0 0,0 1)'), ST_GeomFromText('POLYGON((0 0,2 0,2 2,0 0))'), ST_GeomFromText('MULTIPOINT(5 5)'),
         ST_GeomFromText('GEOMETRYCOLLECTION EMPTY'), '00000000-0000-0000-0000-000000000000', '::', '0.0.0.0', '', 0),
        (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
         NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
         NULL, NULL, NULL, NULL),
        (0, 1, 0, 0, 0, 0, 1, 1e-30, 0, 1.17549435e-38, 0.0001, 4.9406564584124654e-324, b'1', b'101', 2000, '2000-02-29',
         '00:00:00', '2000-02-29 12:00:00', '2000-02-29 12:00:00', 'a\\0b', CONCAT('line1', CHAR(10), 'line2', CHAR(13), CHAR(26), 'x'),
         'ŝ', 'tab\\there', '', '', NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'b', 'x,y,z', '"just a string"', NULL, NULL, NULL, NULL,
         NULL, NULL, NULL, NULL, NULL, 'x', NULL);

      CREATE TABLE all_bytes (id INT PRIMARY KEY, b VARBINARY(256), t TEXT) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
      CREATE TABLE empty_table (id INT PRIMARY KEY, note VARCHAR(10)) ENGINE=InnoDB;
      CREATE TABLE no_pk (a INT, b VARCHAR(20)) ENGINE=InnoDB;
      INSERT INTO no_pk VALUES (1, 'dup'), (1, 'dup'), (NULL, NULL);
      CREATE TABLE \`tablé with space\` (\`col umn\` INT, \`back\`\`tick\` VARCHAR(5)) ENGINE=InnoDB;
      INSERT INTO \`tablé with space\` VALUES (1, 'a'), (2, 'b');
      CREATE TABLE long_row (id INT PRIMARY KEY, big LONGBLOB, txt LONGTEXT) ENGINE=InnoDB;
      CREATE TABLE parent (id INT PRIMARY KEY, name VARCHAR(20)) ENGINE=InnoDB;
      CREATE TABLE child (id INT PRIMARY KEY, parent_id INT, CONSTRAINT fk_child FOREIGN KEY (parent_id) REFERENCES parent (id)) ENGINE=InnoDB;
      INSERT INTO parent VALUES (1, 'p1'), (2, 'p2');
      INSERT INTO child VALUES (10, 1), (11, 2), (12, NULL);
      CREATE TABLE audit_log (id INT AUTO_INCREMENT PRIMARY KEY, what VARCHAR(100)) ENGINE=InnoDB;
      CREATE TABLE aria_table (id INT PRIMARY KEY, v VARCHAR(10)) ENGINE=${shape.nonTransactionalEngine};
      INSERT INTO aria_table VALUES (1, 'aria');
      CREATE TABLE schema_version (filename VARCHAR(255) PRIMARY KEY, applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, success BOOLEAN DEFAULT TRUE);
      INSERT INTO schema_version (filename, applied_at) VALUES ('000_initialize_base_schema.sql', '2026-01-01 00:00:00'),
        ('002_add_genomic_annotations.sql', '2026-01-02 00:00:00'), ('003_fix_hgnc_column_schema.sql', '2026-01-03 00:00:00');
      ${mysqlEngine ? '' : 'CREATE SEQUENCE seq_ids START WITH 100 INCREMENT BY 5; DO NEXTVAL(seq_ids); DO NEXTVAL(seq_ids);'}

      CREATE VIEW z_base AS SELECT id, t_varchar, t_int FROM every_type;
      CREATE VIEW m_mid AS SELECT id, t_varchar FROM z_base WHERE id > 0;
      CREATE ALGORITHM=MERGE SQL SECURITY INVOKER VIEW a_top AS SELECT id, t_varchar FROM m_mid WHERE id < 100 WITH CHECK OPTION;
      CREATE VIEW joined AS SELECT m.id, p.name FROM m_mid m LEFT JOIN parent p ON p.id = m.id;

      CREATE TRIGGER trg_parent_bi BEFORE INSERT ON parent FOR EACH ROW SET NEW.name = UPPER(NEW.name);
      CREATE TRIGGER trg_parent_bi2 BEFORE INSERT ON parent FOR EACH ROW FOLLOWS trg_parent_bi SET NEW.name = CONCAT(NEW.name, '!');
      CREATE TRIGGER trg_parent_au AFTER UPDATE ON parent FOR EACH ROW
      BEGIN
        INSERT INTO audit_log (what) VALUES (CONCAT('update; ', OLD.name, ' -> ', NEW.name));
        INSERT INTO audit_log (what) VALUES ('second; statement');
      END;

      CREATE PROCEDURE add_parent(IN p_id INT, IN p_name VARCHAR(20))
      COMMENT 'proc with ; inside'
      BEGIN
        DECLARE msg VARCHAR(50) DEFAULT 'a;b''c';
        INSERT INTO parent VALUES (p_id, p_name);
        SELECT msg, ';;' AS weird;
      END;
      CREATE FUNCTION double_it(x INT) RETURNS INT DETERMINISTIC RETURN x * 2;

      CREATE EVENT ev_cleanup ON SCHEDULE EVERY 1 DAY STARTS '2030-01-01 00:00:00' ON COMPLETION PRESERVE DISABLE
        DO DELETE FROM audit_log WHERE id < 0;
      CREATE EVENT ev_enabled ON SCHEDULE EVERY 1 HOUR STARTS '2030-01-01 00:00:00' DO INSERT INTO audit_log (what) VALUES ('event ran');
    `);
    await c.query('INSERT INTO all_bytes VALUES (1, ?, ?)', [
      Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
      'ünïcödé 😀 \u0000 nul',
    ]);
    // A row of ~6 MB: above the 1 MiB statement target and the large-binary threshold.
    await c.query('INSERT INTO long_row VALUES (1, ?, ?)', [
      Buffer.from(Array.from({ length: 3 << 20 }, (_, i) => (i * 7919) % 256)),
      'ü'.repeat(1 << 20),
    ]);
    if (bigRows > 0) {
      await c.query(`CREATE TABLE big_table (id INT PRIMARY KEY, n INT, s VARCHAR(20), d DATETIME) ENGINE=InnoDB`);
      await c.query(
        `INSERT INTO big_table SELECT seq, seq * 7 % 1000, CONCAT('r', seq), '2020-01-01' + INTERVAL seq SECOND FROM ${seqRows(bigRows)}`,
      );
    }
  } finally {
    await c.end();
  }
}

/** Base tables of a schema (for CHECKSUM TABLE comparisons). */
export async function baseTables(c: mysql.Connection, database: string): Promise<string[]> {
  const [rows] = await c.query(
    "SELECT TABLE_NAME AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME",
    [database],
  );
  return (rows as Array<{ n: string }>).map((r) => r.n);
}

export async function checksums(c: mysql.Connection, database: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const t of await baseTables(c, database)) {
    const [rows] = await c.query({
      sql: `CHECKSUM TABLE \`${database}\`.\`${t.replaceAll('`', '``')}\``,
      rowsAsArray: true,
      supportBigNumbers: true,
      bigNumberStrings: true,
    });
    out[t] = String((rows as unknown[][])[0]?.[1]);
  }
  return out;
}

/** Object definitions as the server shows them, for comparing a source and its restored copy. */
export async function objectDefinitions(c: mysql.Connection, database: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const q = async (sql: string, params: unknown[] = []) => (await c.query(sql, params))[0] as Array<Record<string, unknown>>;
  await c.query(`USE \`${database}\``);
  const mysqlEngine = testEngine() === 'mysql';
  for (const t of await baseTables(c, database)) {
    const [r] = await q(`SHOW CREATE TABLE \`${t.replaceAll('`', '``')}\``);
    const ddl = String(r?.['Create Table']);
    // MySQL 8 remembers that a column's collation was written out and then shows its charset too: a table
    // created from SHOW CREATE TABLE (by any restore, mysqldump's included) reads `CHARACTER SET utf8mb4
    // COLLATE utf8mb4_general_ci` where the source read `COLLATE utf8mb4_general_ci`. Same column.
    out[`table ${t}`] = mysqlEngine ? ddl.replace(/ CHARACTER SET (\w+) COLLATE (\1_\w+)/g, ' COLLATE $2') : ddl;
  }
  // MySQL keeps the `;` that ended a single-statement body sent in a multi-statement query (as this fixture
  // does), and no client sends it back (`mysql` and our restore end the statement there): same object.
  const body = (text: unknown) => (mysqlEngine ? String(text).replace(/;\s*$/, '') : String(text));
  for (const v of await q('SELECT TABLE_NAME AS n FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ? ORDER BY 1', [database])) {
    const [r] = await q(`SHOW CREATE VIEW \`${String(v.n)}\``);
    out[`view ${String(v.n)}`] = String(r?.['Create View']);
  }
  for (const t of await q(
    'SELECT TRIGGER_NAME AS n, ACTION_ORDER AS o, SQL_MODE AS m FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ? ORDER BY 1',
    [database],
  )) {
    const [r] = await q(`SHOW CREATE TRIGGER \`${String(t.n)}\``);
    out[`trigger ${String(t.n)}`] = `${body(r?.['SQL Original Statement'])} | order ${String(t.o)} | ${String(t.m)}`;
  }
  for (const p of await q(
    'SELECT ROUTINE_NAME AS n, ROUTINE_TYPE AS t, SQL_MODE AS m FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ? ORDER BY 1',
    [database],
  )) {
    const [r] = await q(`SHOW CREATE ${String(p.t)} \`${String(p.n)}\``);
    out[`${String(p.t)} ${String(p.n)}`] =
      `${body(r?.[p.t === 'PROCEDURE' ? 'Create Procedure' : 'Create Function'])} | ${String(p.m)}`;
  }
  for (const e of await q(
    'SELECT EVENT_NAME AS n, STATUS AS s FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ? ORDER BY 1',
    [database],
  )) {
    const [r] = await q(`SHOW CREATE EVENT \`${String(e.n)}\``);
    out[`event ${String(e.n)}`] = `${body(r?.['Create Event'])} | ${String(e.s)}`;
  }
  for (const s of await q(
    "SELECT TABLE_NAME AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'SEQUENCE'",
    [database],
  )) {
    const [r] = await q(`SHOW CREATE SEQUENCE \`${String(s.n)}\``);
    out[`sequence ${String(s.n)}`] = String(r?.['Create Table']);
  }
  return out;
}

/**
 * Restore a .sql.gz with the engine's plain client, as a person would: `gunzip < f | mariadb db` (or
 * MySQL's `mysql`). The password goes through a 0600 --defaults-extra-file, never argv.
 */
export async function restoreWithMariadbClient(file: string, database: string): Promise<void> {
  const info = mysqlInfo();
  const cnfDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bk-cnf-'));
  const cnf = path.join(cnfDir, 'client.cnf');
  fs.writeFileSync(
    cnf,
    `[client]\nhost=${info.host}\nport=${info.port}\nuser=${info.rootUser}\npassword=${info.rootPassword}\nprotocol=TCP\n`,
    { mode: 0o600 },
  );
  try {
    await new Promise<void>((resolve, reject) => {
      const gunzip = spawn('gunzip', ['-c', file], { stdio: ['ignore', 'pipe', 'pipe'] });
      const { command, args } = info.clients.mysql;
      // --defaults-extra-file must be the first option (after a loader's own arguments).
      const client = spawn(command, [...args, `--defaults-extra-file=${cnf}`, '--max-allowed-packet=64M', database], {
        stdio: ['pipe', 'ignore', 'pipe'],
      });
      (gunzip.stdout as Readable).pipe(client.stdin);
      let err = '';
      client.stderr.on('data', (d: Buffer) => {
        err += d.toString();
      });
      client.on('close', (code) =>
        code === 0
          ? resolve()
          : reject(new Error(`${path.basename(args.at(-1) ?? command)} exited ${code}: ${err.slice(0, 2000)}`)),
      );
    });
  } finally {
    fs.rmSync(cnfDir, { recursive: true, force: true });
  }
}
