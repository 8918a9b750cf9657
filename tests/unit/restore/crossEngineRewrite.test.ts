import { describe, expect, it } from 'vitest';
import { CollationMap, collationCandidates } from '../../../src/main/features/restore/crossEngine/collationMap';
import { rewriteForTarget } from '../../../src/main/features/restore/crossEngine/rewrite';
import { effectiveText, type LexOptions, tokenize } from '../../../src/main/platform/sql/lexer';

const MARIADB: LexOptions = { serverVersion: 101119, mariadb: true };
const MYSQL: LexOptions = { serverVersion: 90704, mariadb: false };
const MARIADB_COLLATIONS = [
  'utf8mb4_general_ci',
  'utf8mb4_bin',
  'utf8mb4_nopad_bin',
  'utf8mb4_unicode_520_ci',
  'utf8mb4_uca1400_ai_ci',
  'utf8mb4_uca1400_as_cs',
];
const MYSQL_COLLATIONS = [
  'utf8mb4_general_ci',
  'utf8mb4_bin',
  'utf8mb4_0900_ai_ci',
  'utf8mb4_0900_as_cs',
  'utf8mb4_0900_bin',
  'utf8mb4_unicode_520_ci',
];
const plan = (names: string[], plain: Record<string, string[]> = {}) => ({
  collations: new CollationMap(new Set(names)),
  plainColumns: new Map(Object.entries(plain).map(([t, c]) => [t, new Set(c)])),
});

describe('collation candidates', () => {
  it('maps MySQL 0900 to uca1400, then unicode_520', () => {
    expect(collationCandidates('utf8mb4_0900_ai_ci').slice(0, 2)).toEqual(['utf8mb4_uca1400_ai_ci', 'utf8mb4_unicode_520_ci']);
    expect(collationCandidates('utf8mb4_0900_bin')).toEqual(['utf8mb4_nopad_bin', 'utf8mb4_bin']);
    expect(new CollationMap(new Set(['utf8mb4_unicode_520_ci'])).map('utf8mb4_0900_ai_ci')).toBe('utf8mb4_unicode_520_ci');
  });
  it('maps MariaDB uca1400 and nopad back to MySQL', () => {
    const m = new CollationMap(new Set(MYSQL_COLLATIONS));
    expect(m.map('utf8mb4_uca1400_ai_ci')).toBe('utf8mb4_0900_ai_ci');
    expect(m.map('utf8mb4_uca1400_ai_cs')).toBe('utf8mb4_0900_as_cs');
    expect(m.map('utf8mb4_nopad_bin')).toBe('utf8mb4_0900_bin');
    expect(m.map('utf8mb4_general_ci')).toBeNull(); // the target has it: untouched
    expect(m.map('latin7_estonian_cs')).toBeNull(); // nothing known: left for the rehearsal to refuse
    expect(m.mappings()).toEqual([
      { from: 'utf8mb4_uca1400_ai_ci', to: 'utf8mb4_0900_ai_ci' },
      { from: 'utf8mb4_uca1400_ai_cs', to: 'utf8mb4_0900_as_cs' },
      { from: 'utf8mb4_nopad_bin', to: 'utf8mb4_0900_bin' },
    ]);
  });
});

describe('rewriteForTarget', () => {
  it('rewrites COLLATE tokens of a mysqldump CREATE TABLE, not look-alike names or strings', () => {
    const sql =
      "CREATE TABLE `utf8mb4_0900_ai_ci` (\n  `a` varchar(10) COLLATE utf8mb4_0900_ai_ci DEFAULT 'utf8mb4_0900_ai_ci',\n  `b` text COLLATE=`utf8mb4_0900_bin`\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci";
    expect(rewriteForTarget(sql, MARIADB, plan(MARIADB_COLLATIONS))).toBe(
      "CREATE TABLE `utf8mb4_0900_ai_ci` (\n  `a` varchar(10) COLLATE utf8mb4_uca1400_ai_ci DEFAULT 'utf8mb4_0900_ai_ci',\n  `b` text COLLATE=`utf8mb4_nopad_bin`\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_ai_ci",
    );
  });
  it('rewrites session collations and executable comments the target runs, not those it skips', () => {
    const p = plan(MARIADB_COLLATIONS);
    expect(rewriteForTarget('/*!50003 SET collation_connection  = utf8mb4_0900_ai_ci */', MARIADB, p)).toBe(
      '/*!50003 SET collation_connection  = utf8mb4_uca1400_ai_ci */',
    );
    expect(rewriteForTarget("SET @@SESSION.collation_connection = 'utf8mb4_0900_ai_ci'", MARIADB, p)).toBe(
      "SET @@SESSION.collation_connection = 'utf8mb4_uca1400_ai_ci'",
    );
    // MariaDB skips MySQL 8 version comments: nothing inside them is rewritten (nor run).
    const db =
      "CREATE DATABASE `d` /*!40100 DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_ai_ci */ /*!80016 DEFAULT ENCRYPTION='N' */";
    expect(rewriteForTarget(db, MARIADB, p)).toBe(db.replace('COLLATE utf8mb4_0900_ai_ci', 'COLLATE utf8mb4_uca1400_ai_ci'));
    const mysqlOnly = '/*!80023 SET collation_connection = utf8mb4_0900_ai_ci */';
    expect(rewriteForTarget(mysqlOnly, MARIADB, p)).toBe(mysqlOnly);
  });
  it('maps MariaDB collations for MySQL and ignores /*M! comments there', () => {
    const sql =
      'CREATE TABLE `t` (`a` char(3) COLLATE utf8mb4_uca1400_ai_ci /*M!100301 COMMENT "x" */) COLLATE=utf8mb4_uca1400_as_cs';
    expect(rewriteForTarget(sql, MYSQL, plan(MYSQL_COLLATIONS))).toBe(
      'CREATE TABLE `t` (`a` char(3) COLLATE utf8mb4_0900_ai_ci /*M!100301 COMMENT "x" */) COLLATE=utf8mb4_0900_as_cs',
    );
  });
  it('leaves rows alone without lexing them', () => {
    const row = "INSERT INTO `t` VALUES ('x' COLLATE utf8mb4_0900_ai_ci)";
    expect(rewriteForTarget(row, MARIADB, plan(MARIADB_COLLATIONS))).toBe(row);
  });
  it('makes only the chosen generated columns plain and nullable', () => {
    const sql =
      'CREATE TABLE `g` (\n  `u` varchar(36) NOT NULL,\n  `b` binary(16) GENERATED ALWAYS AS (uuid_to_bin(`u`)) STORED NOT NULL,\n  `c` int GENERATED ALWAYS AS ((1 + 1)) VIRTUAL,\n  PRIMARY KEY (`u`)\n)';
    const out = rewriteForTarget(sql, MARIADB, plan(MARIADB_COLLATIONS, { g: ['b'] }));
    expect(out).toBe(
      'CREATE TABLE `g` (\n  `u` varchar(36) NOT NULL,\n  `b` binary(16)  NULL,\n  `c` int GENERATED ALWAYS AS ((1 + 1)) VIRTUAL,\n  PRIMARY KEY (`u`)\n)',
    );
    expect(rewriteForTarget(sql, MARIADB, plan(MARIADB_COLLATIONS, { other: ['b'] }))).toBe(sql);
  });
});

describe("executable comments across engines (the lexer's version rules)", () => {
  it('MariaDB skips /*!80016 DEFAULT ENCRYPTION and runs /*M!', () => {
    const sql = "CREATE DATABASE d /*!80016 DEFAULT ENCRYPTION='N' */ /*M!100100 CHARACTER SET utf8mb4 */";
    const words = (o: LexOptions) => tokenize(sql, o).map((t) => t.value.toUpperCase());
    expect(words(MARIADB)).not.toContain('ENCRYPTION');
    expect(words(MARIADB)).toContain('CHARACTER');
    expect(words(MYSQL)).toContain('ENCRYPTION');
    expect(words(MYSQL)).not.toContain('CHARACTER');
    expect(effectiveText(sql, MARIADB)).not.toMatch(/ENCRYPTION/);
    expect(effectiveText(sql, MYSQL)).not.toMatch(/CHARACTER/);
  });
  it('MySQL 8.0 skips a comment for 8.0.23 only when older', () => {
    const sql = '/*!80023 INVISIBLE */';
    expect(tokenize(sql, { serverVersion: 80022, mariadb: false })).toEqual([]);
    expect(tokenize(sql, { serverVersion: 80036, mariadb: false }).map((t) => t.value)).toEqual(['INVISIBLE']);
  });
});
