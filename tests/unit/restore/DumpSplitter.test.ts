import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DumpSplitter, type SplitStatement } from '../../../src/main/platform/sql/dumpSplitter';

function split(
  input: Buffer | string,
  chunkSizes: number[] = [1 << 20],
): { stmts: SplitStatement[]; tail: SplitStatement | null; completed: boolean } {
  const buf = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const sp = new DumpSplitter();
  const stmts: SplitStatement[] = [];
  let pos = 0;
  let k = 0;
  while (pos < buf.length) {
    const size = Math.max(1, chunkSizes[k++ % chunkSizes.length] as number);
    sp.push(buf.subarray(pos, pos + size), (s) => stmts.push(s));
    pos += size;
  }
  const tail = sp.end((s) => stmts.push(s));
  return { stmts, tail, completed: sp.sawDumpCompleted };
}

const texts = (r: { stmts: SplitStatement[] }) => r.stmts.map((s) => s.sql.toString('utf8'));

const MARIADB_DUMP_SAMPLE = `/*M!999999\\- enable the sandbox mode */ 
-- MariaDB dump 10.19  Distrib 10.11.19-MariaDB
--
-- Host: 127.0.0.1    Database: rtest
/*!40101 SET NAMES utf8mb4 */;
/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;

--
-- Table structure for table \`t\`
--

DROP TABLE IF EXISTS \`t\`;
CREATE TABLE \`t\` (
  \`id\` int(11) NOT NULL,
  \`v\` varchar(20) DEFAULT NULL,
  PRIMARY KEY (\`id\`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
LOCK TABLES \`t\` WRITE;
INSERT INTO \`t\` VALUES
(1,'a;b',0x00FF),
(2,'b;\\'x -- not a comment',NULL),
(3,'it''s # fine',NULL);
UNLOCK TABLES;
DELIMITER ;;
/*!50003 CREATE*/ /*!50017 DEFINER=\`root\`@\`127.0.0.1\`*/ /*!50003 trigger trg before insert on t for each row begin set new.v=upper(new.v); set new.id = new.id; end
*/;;
DELIMITER ;
CREATE DEFINER=\`root\`@\`%\` PROCEDURE \`p\`()
begin select 1; end;
-- Dump completed on 2026-11-25  6:29:37
`;

describe('DumpSplitter', () => {
  it('splits a mariadb-dump file like the mysql client does', () => {
    const r = split(MARIADB_DUMP_SAMPLE);
    const t = texts(r);
    expect(t[0]).toBe(
      '/*M!999999\\- enable the sandbox mode */ \n-- MariaDB dump 10.19  Distrib 10.11.19-MariaDB\n--\n-- Host: 127.0.0.1    Database: rtest\n/*!40101 SET NAMES utf8mb4 */',
    );
    expect(t[1]).toBe('/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */');
    expect(t[2]).toBe('DROP TABLE IF EXISTS `t`');
    expect(t[3]?.startsWith('CREATE TABLE `t` (')).toBe(true);
    expect(t[4]).toBe('LOCK TABLES `t` WRITE');
    expect(t[5]).toBe("INSERT INTO `t` VALUES\n(1,'a;b',0x00FF),\n(2,'b;\\'x -- not a comment',NULL),\n(3,'it''s # fine',NULL)");
    expect(r.stmts[5]?.topLevelParens).toBe(3);
    expect(t[6]).toBe('UNLOCK TABLES');
    expect(t[7]).toContain('trigger trg before insert');
    expect(t[7]).toContain('set new.id = new.id; end\n*/');
    expect(r.stmts[7]?.delimiter).toBe(';;');
    expect(t[8]).toBe('CREATE DEFINER=`root`@`%` PROCEDURE `p`()\nbegin select 1');
    expect(t[9]).toBe('end');
    expect(t).toHaveLength(10);
    expect(r.tail).toBeNull();
    expect(r.completed).toBe(true);
  });

  it('gives the same statements for every chunking of the input (property)', () => {
    const whole = texts(split(MARIADB_DUMP_SAMPLE));
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 20 }), (sizes) => {
        expect(texts(split(MARIADB_DUMP_SAMPLE, sizes))).toEqual(whole);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps arbitrary binary bytes inside string literals intact', () => {
    const payload = Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x3b, 0x0a, 0xc3, 0x28]);
    const escaped = Buffer.concat([Buffer.from("INSERT INTO b VALUES ('"), payload, Buffer.from("','\\'');\nSELECT 1;")]);
    const r = split(escaped, [3, 5, 7]);
    expect(r.stmts).toHaveLength(2);
    expect(r.stmts[0]?.sql.subarray(23, 23 + payload.length).equals(payload)).toBe(true);
    expect(r.stmts[1]?.sql.toString()).toBe('SELECT 1');
  });

  it('reports an unterminated last statement (a truncated file)', () => {
    const r = split("INSERT INTO t VALUES (1);\nINSERT INTO t VALUES (2,'abc");
    expect(r.stmts).toHaveLength(1);
    expect(r.tail?.sql.toString()).toBe("INSERT INTO t VALUES (2,'abc");
    expect(r.completed).toBe(false);
  });

  it('treats comments and whitespace after the last statement as no statement', () => {
    const r = split('SELECT 1;\n-- trailing comment\n/* block */\n  \n');
    expect(texts(r)).toEqual(['SELECT 1']);
    expect(r.tail).toBeNull();
  });

  it('handles multi-character delimiters split across chunks and DELIMITER in any case', () => {
    const sql = 'delimiter $$\nCREATE PROCEDURE a() BEGIN SELECT 1; SELECT 2; END$$\nDelimiter ;\nSELECT 3;';
    for (const sizes of [[1], [2], [3], [1000]]) {
      expect(texts(split(sql, sizes))).toEqual(['CREATE PROCEDURE a() BEGIN SELECT 1; SELECT 2; END', 'SELECT 3']);
    }
  });

  it('does not split inside backticks, double quotes or block comments', () => {
    const sql = 'CREATE TABLE `a;b` (x int) COMMENT "c;d" /* e;f */;\n# g;h\nSELECT 2;';
    expect(texts(split(sql, [2]))).toEqual(['CREATE TABLE `a;b` (x int) COMMENT "c;d" /* e;f */', 'SELECT 2']);
  });

  it('ends a statement at a delimiter inside an executable comment, like the mysql client', () => {
    const sql = "/*!50003 CREATE*/ /*!50003 TRIGGER t BEFORE INSERT ON x FOR EACH ROW SET @a = ';' */;\nSELECT 1;";
    expect(texts(split(sql, [3]))).toEqual([
      "/*!50003 CREATE*/ /*!50003 TRIGGER t BEFORE INSERT ON x FOR EACH ROW SET @a = ';' */",
      'SELECT 1',
    ]);
  });

  it('only treats "--" followed by whitespace as a comment, like MySQL', () => {
    expect(texts(split('SELECT 1--1;\nSELECT 2;'))).toEqual(['SELECT 1--1', 'SELECT 2']);
  });

  it('can follow NO_BACKSLASH_ESCAPES', () => {
    const sp = new DumpSplitter();
    const out: string[] = [];
    sp.push(Buffer.from("SET sql_mode='NO_BACKSLASH_ESCAPES';\nINSERT INTO t VALUES ('a\\');\nSELECT 1;"), (s) => {
      const text = s.sql.toString();
      out.push(text);
      if (text.includes('NO_BACKSLASH_ESCAPES')) sp.setBackslashEscapes(false);
    });
    sp.end((s) => out.push(s.sql.toString()));
    expect(out).toEqual(["SET sql_mode='NO_BACKSLASH_ESCAPES'", "INSERT INTO t VALUES ('a\\')", 'SELECT 1']);
  });

  it('reports the stream offset of each statement', () => {
    const sql = '  SELECT 1;\n\n-- c\nSELECT 22;';
    const r = split(sql, [4]);
    expect(r.stmts.map((s) => s.offset)).toEqual([2, sql.indexOf('SELECT 22')]);
  });
});
