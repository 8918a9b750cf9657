import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checksumOf, compressText, decompressText, normalizeMigrationText } from '../../../src/main/features/migrations/checksum';
import { discoverMigrations, explainBadName, readMigration } from '../../../src/main/features/migrations/files';
import { planMigration } from '../../../src/main/features/migrations/plan';
import { bundledMigrationsDir } from '../../../src/main/platform/paths';

const dirs: string[] = [];
function folder(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mig-unit-'));
  dirs.push(dir);
  for (const [n, c] of Object.entries(files)) fs.writeFileSync(path.join(dir, n), c);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('checksum policy', () => {
  it('is stable across CRLF and a BOM, and changes on any other edit', () => {
    const lf = 'ALTER TABLE t ADD x INT;\n';
    expect(checksumOf(normalizeMigrationText(`\uFEFF${lf.replace('\n', '\r\n')}`))).toBe(checksumOf(normalizeMigrationText(lf)));
    expect(checksumOf(normalizeMigrationText(lf.replace('INT', 'INT '))).length).toBe(64);
    expect(checksumOf(normalizeMigrationText(lf.replace('INT', 'INT ')))).not.toBe(checksumOf(lf));
    expect(decompressText(compressText('héllo\n'))).toBe('héllo\n');
    expect(decompressText(null)).toBeNull();
  });
});

describe('discoverMigrations', () => {
  it('sorts by prefix, ignores non-SQL files, warns on gaps, rejects bad names and duplicate prefixes', async () => {
    const dir = folder({
      '002_b.sql': '',
      '000_a.sql': '',
      'README.md': '',
      '005_c.sql': '',
      '005_d.sql': '',
      'add-users.sql': '',
      '0007_long_prefix.sql': '',
      '008_CamelCase.sql': '',
    });
    const d = await discoverMigrations(dir);
    expect(d.files.map((f) => f.filename)).toEqual(['000_a.sql', '002_b.sql', '005_c.sql', '005_d.sql']);
    const codes = d.problems.map((p) => [p.code, p.severity, p.filename]);
    expect(codes).toEqual(
      expect.arrayContaining([
        ['MIGRATION_BAD_NAME', 'error', '0007_long_prefix.sql'],
        ['MIGRATION_BAD_NAME', 'error', '008_CamelCase.sql'],
        ['MIGRATION_BAD_NAME', 'error', 'add-users.sql'],
        ['DUPLICATE_PREFIX', 'error', '005_d.sql'],
        ['GAP', 'warning', '002_b.sql'],
        ['GAP', 'warning', '005_c.sql'],
      ]),
    );
    expect(d.problems.find((p) => p.filename === '002_b.sql')?.message).toContain('No file numbered 001');
    expect(d.problems.find((p) => p.filename === '005_c.sql')?.message).toContain('003–004');
  });

  it('explains each bad name with a suggestion', () => {
    expect(explainBadName('add-users.sql')).toContain('no numeric prefix');
    expect(explainBadName('12_Fix Stuff.sql')).toContain('e.g. 012_fix_stuff.sql');
    expect(explainBadName('001_Fix.sql')).toContain('lower-case letters');
    expect(explainBadName('001_fix.SQL')).toContain('lower-case .sql');
  });

  it('reports a missing folder and non-UTF-8 files clearly', async () => {
    await expect(discoverMigrations('/nonexistent/migrations')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const dir = folder({});
    fs.writeFileSync(path.join(dir, '001_latin1.sql'), Buffer.from([0x53, 0x45, 0x4c, 0xe9, 0x3b]));
    const d = await discoverMigrations(dir);
    await expect(readMigration(d.files[0] as (typeof d.files)[number])).rejects.toMatchObject({ code: 'PRECONDITION_FAILED' });
  });
});

/**
 * MariaDB-only syntax that MySQL 8 rejects (or, for routines, accepts only from 8.0.29), as a static check of
 * the bundled files: they must run on SysNDD's MySQL 8 as well as on MariaDB. Strings, quoted identifiers
 * and plain comments are blanked first, so prose like "no ADD COLUMN IF NOT EXISTS" in a comment is fine;
 * executable comments (`/*! … *\/`, `/*M! … *\/`) are kept.
 */
const MARIADB_ONLY: Array<[name: string, pattern: RegExp]> = [
  [
    'ADD/DROP/CHANGE/MODIFY … IF [NOT] EXISTS',
    /\b(?:ADD|DROP|CHANGE|MODIFY)\s+(?:(?:COLUMN|INDEX|KEY|CONSTRAINT|PARTITION|FOREIGN\s+KEY|PRIMARY\s+KEY|UNIQUE(?:\s+(?:INDEX|KEY))?)\s+)?IF\s+(?:NOT\s+)?EXISTS\b/i,
  ],
  ['CREATE INDEX IF NOT EXISTS', /\bCREATE\s+(?:UNIQUE\s+|FULLTEXT\s+|SPATIAL\s+)?INDEX\s+IF\s+NOT\s+EXISTS\b/i],
  ['CREATE VIEW IF NOT EXISTS', /\bVIEW\s+IF\s+NOT\s+EXISTS\b/i],
  ['ALTER TABLE IF EXISTS', /\bALTER\s+(?:ONLINE\s+|IGNORE\s+)*TABLE\s+IF\s+EXISTS\b/i],
  ['RENAME TABLE IF EXISTS', /\bRENAME\s+TABLE\s+IF\s+EXISTS\b/i],
  [
    'CREATE PROCEDURE/FUNCTION/TRIGGER IF NOT EXISTS (MySQL >= 8.0.29 only)',
    /\bCREATE\s+(?:DEFINER\s*=\s*\S+\s+)?(?:PROCEDURE|FUNCTION|TRIGGER)\s+IF\s+NOT\s+EXISTS\b/i,
  ],
  ['/*M! executable comment', /\/\*M!/],
  ['RETURNING', /\bRETURNING\b/i],
  ['SEQUENCE', /\bCREATE\s+(?:OR\s+REPLACE\s+)?SEQUENCE\b|\bNEXTVAL\s*\(|\bNEXT\s+VALUE\s+FOR\b/i],
  ['system versioning', /\bWITH\s+SYSTEM\s+VERSIONING\b|\bFOR\s+SYSTEM_TIME\b/i],
  ['SET STATEMENT … FOR', /\bSET\s+STATEMENT\b/i],
  ['EXECUTE IMMEDIATE', /\bEXECUTE\s+IMMEDIATE\b/i],
  ['ROWS EXAMINED', /\bROWS\s+EXAMINED\b/i],
  ['MariaDB-only engine', /\bENGINE\s*=?\s*(?:Aria|ColumnStore|Spider|CONNECT|S3|Mroonga|SEQUENCE|OQGRAPH)\b/i],
  ['INET4/INET6 type', /\bINET[46]\b/i],
];

function blankLiteralsAndComments(sql: string): string {
  return sql.replace(
    /'(?:[^'\\]|\\[\s\S]|'')*'|"(?:[^"\\]|\\[\s\S]|"")*"|`(?:[^`]|``)*`|--[ \t\r][^\n]*|--$|#[^\n]*|\/\*(?!!|M!)[\s\S]*?\*\//gm,
    (m) => (m.startsWith("'") || m.startsWith('"') ? "''" : m.startsWith('`') ? '`x`' : ' '),
  );
}

function mariaDbOnly(sql: string): string[] {
  const text = blankLiteralsAndComments(sql);
  const found = MARIADB_ONLY.filter(([, re]) => re.test(text)).map(([name]) => name);
  // MySQL has CREATE OR REPLACE only for views (CREATE OR REPLACE [ALGORITHM=…] [DEFINER=…] [SQL SECURITY …] VIEW).
  for (const m of text.matchAll(
    /\bCREATE\s+OR\s+REPLACE\s+((?:ALGORITHM\s*=\s*\w+\s+|DEFINER\s*=\s*\S+\s+|SQL\s+SECURITY\s+\w+\s+)*)(\w+)/gi,
  )) {
    if (m[2]?.toUpperCase() !== 'VIEW') found.push(`CREATE OR REPLACE ${m[2]?.toUpperCase()}`);
  }
  return found;
}

describe('the MariaDB-only syntax check', () => {
  it.each([
    ['ALTER TABLE t ADD COLUMN IF NOT EXISTS x INT', 'ADD/DROP/CHANGE/MODIFY … IF [NOT] EXISTS'],
    ['ALTER TABLE t ADD IF NOT EXISTS x INT', 'ADD/DROP/CHANGE/MODIFY … IF [NOT] EXISTS'],
    ['ALTER TABLE t DROP COLUMN IF EXISTS x', 'ADD/DROP/CHANGE/MODIFY … IF [NOT] EXISTS'],
    ['alter table t add index if not exists i (x)', 'ADD/DROP/CHANGE/MODIFY … IF [NOT] EXISTS'],
    ['ALTER TABLE t DROP INDEX IF EXISTS i', 'ADD/DROP/CHANGE/MODIFY … IF [NOT] EXISTS'],
    ['DROP INDEX IF EXISTS i ON t', 'ADD/DROP/CHANGE/MODIFY … IF [NOT] EXISTS'],
    ['ALTER TABLE t MODIFY COLUMN IF EXISTS x BIGINT', 'ADD/DROP/CHANGE/MODIFY … IF [NOT] EXISTS'],
    ['ALTER TABLE t DROP FOREIGN KEY IF EXISTS fk', 'ADD/DROP/CHANGE/MODIFY … IF [NOT] EXISTS'],
    ['CREATE UNIQUE INDEX IF NOT EXISTS i ON t (x)', 'CREATE INDEX IF NOT EXISTS'],
    ['CREATE VIEW IF NOT EXISTS v AS SELECT 1', 'CREATE VIEW IF NOT EXISTS'],
    ['ALTER TABLE IF EXISTS t ADD x INT', 'ALTER TABLE IF EXISTS'],
    ['RENAME TABLE IF EXISTS a TO b', 'RENAME TABLE IF EXISTS'],
    ['CREATE PROCEDURE IF NOT EXISTS p() SELECT 1', 'CREATE PROCEDURE/FUNCTION/TRIGGER IF NOT EXISTS (MySQL >= 8.0.29 only)'],
    ['CREATE OR REPLACE TABLE t (id INT)', 'CREATE OR REPLACE TABLE'],
    ['CREATE OR REPLACE DEFINER=`a`@`%` PROCEDURE p() SELECT 1', 'CREATE OR REPLACE PROCEDURE'],
    ['/*M!100400 SET sql_mode = DEFAULT */', '/*M! executable comment'],
    ['INSERT INTO t (x) VALUES (1) RETURNING id', 'RETURNING'],
    ['DELETE FROM t WHERE x = 1 RETURNING *', 'RETURNING'],
    ['CREATE SEQUENCE s START WITH 1', 'SEQUENCE'],
    ['SELECT NEXTVAL(s)', 'SEQUENCE'],
    ['CREATE TABLE h (x INT) WITH SYSTEM VERSIONING', 'system versioning'],
    ['SET STATEMENT max_statement_time = 1 FOR SELECT 1', 'SET STATEMENT … FOR'],
    ["EXECUTE IMMEDIATE 'SELECT 1'", 'EXECUTE IMMEDIATE'],
    ['SELECT * FROM t LIMIT ROWS EXAMINED 10', 'ROWS EXAMINED'],
    ['CREATE TABLE a (id INT) ENGINE=Aria', 'MariaDB-only engine'],
    ['CREATE TABLE a (ip INET6)', 'INET4/INET6 type'],
  ])('flags %s', (sql, name) => {
    expect(mariaDbOnly(sql)).toEqual([name]);
  });

  it.each([
    'CREATE TABLE IF NOT EXISTS t (id INT)',
    'DROP TABLE IF EXISTS t',
    'DROP PROCEDURE IF EXISTS migrate_002',
    'CREATE DATABASE IF NOT EXISTS d',
    "IF NOT EXISTS (SELECT 1 FROM information_schema.COLUMNS WHERE COLUMN_NAME = 'x') THEN ALTER TABLE t ADD COLUMN x INT NULL; END IF",
    'CREATE OR REPLACE VIEW v AS SELECT 1',
    'CREATE OR REPLACE ALGORITHM=MERGE SQL SECURITY INVOKER VIEW v AS SELECT 1',
    "SELECT 'ADD COLUMN IF NOT EXISTS; CREATE OR REPLACE TABLE' AS note",
    '-- ADD COLUMN IF NOT EXISTS is MariaDB-only\nSELECT 1',
    '# RETURNING\nSELECT 1',
    '/* CREATE OR REPLACE TABLE t */ SELECT 1',
    'SELECT `returning` FROM t',
    'CREATE FUNCTION f() RETURNS INT DETERMINISTIC RETURN 1',
    '/*!40101 SET NAMES utf8mb4 */',
    'SELECT UUID()',
  ])('accepts %s (valid on MySQL 8)', (sql) => {
    expect(mariaDbOnly(sql)).toEqual([]);
  });
});

describe('bundled migrations', () => {
  it('are 000, 002, 003 (001 intentionally absent), parse cleanly, and use no MariaDB-only syntax', async () => {
    const d = await discoverMigrations(bundledMigrationsDir());
    expect(d.files.map((f) => f.filename)).toEqual([
      '000_initialize_base_schema.sql',
      '002_add_genomic_annotations.sql',
      '003_fix_hgnc_column_schema.sql',
    ]);
    expect(d.problems.map((p) => [p.code, p.severity])).toEqual([['GAP', 'warning']]);
    for (const f of d.files) {
      const src = await readMigration(f);
      const plan = planMigration(src.text);
      expect(plan.error).toBeNull();
      expect(mariaDbOnly(src.text), f.filename).toEqual([]);
      for (const st of plan.statements) expect(mariaDbOnly(st.text), `${f.filename} #${st.index}`).toEqual([]);
      expect(plan.statements.length).toBeGreaterThan(0);
    }
    const p002 = planMigration((await readMigration(d.files[1] as (typeof d.files)[number])).text);
    expect(p002.statements.map((s) => s.class.verb)).toEqual([
      'DROP PROCEDURE',
      'CREATE PROCEDURE',
      'CALL migrate_002_add_genomic_annotations',
      'DROP PROCEDURE',
    ]);
    expect(p002.statements[2]?.class.behaviour).toBe('implicit-commit');
  });
});
