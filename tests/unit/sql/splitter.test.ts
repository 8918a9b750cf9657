import { describe, expect, it } from 'vitest';
import {
  SqlSplitError,
  SqlStatementSplitter,
  splitSqlScript,
  splitSqlStatements,
  splitSqlStream,
} from '../../../src/main/platform/sql/splitter';

const texts = (sql: string) => splitSqlStatements(sql).map((s) => s.text);

describe('splitSqlStatements: explicit cases', () => {
  it('splits on semicolons and trims', () => {
    expect(texts('SELECT 1;\n  SELECT 2 ;\nSELECT 3')).toEqual(['SELECT 1', 'SELECT 2', 'SELECT 3']);
  });

  it('keeps ; inside single, double and backtick quotes, with backslash and doubled-quote escapes', () => {
    expect(texts("INSERT INTO t VALUES ('a;b', 'it''s; x', 'c\\'; d');SELECT 2")).toEqual([
      "INSERT INTO t VALUES ('a;b', 'it''s; x', 'c\\'; d')",
      'SELECT 2',
    ]);
    expect(texts('SELECT "x;y", "q\\"; z" FROM `we;ird``name`; SELECT 2')).toEqual([
      'SELECT "x;y", "q\\"; z" FROM `we;ird``name`',
      'SELECT 2',
    ]);
  });

  it('treats backslash as a literal with backslashEscapes: false (NO_BACKSLASH_ESCAPES)', () => {
    expect(splitSqlStatements("SELECT 'a\\'; SELECT 2", { backslashEscapes: false }).map((s) => s.text)).toEqual([
      "SELECT 'a\\'",
      'SELECT 2',
    ]);
  });

  it('ignores ; inside --, # and /* */ comments and drops comment-only stretches', () => {
    const sql = [
      '-- header; with semicolon',
      '# hash comment; too',
      'SELECT 1; -- trailing; comment',
      '/* block; comment',
      '   spanning lines; */',
      'SELECT /* inline; */ 2;',
      '-- the end; nothing more',
      '',
    ].join('\n');
    expect(texts(sql)).toEqual(['SELECT 1', 'SELECT /* inline; */ 2']);
  });

  it('reads -- without a following space as two minus signs, like MySQL', () => {
    expect(texts('SELECT 5--2;\nSELECT 3;')).toEqual(['SELECT 5--2', 'SELECT 3']);
    expect(texts('SELECT 1 --\n;SELECT 2')).toEqual(['SELECT 1 --', 'SELECT 2']);
  });

  it('parses /*! */ and /*M! */ conditional comments as SQL (mysqldump headers)', () => {
    const sql =
      "/*!40101 SET NAMES utf8mb4 */;\n/*M!100616 SET NOTE_VERBOSITY=@@NOTE_VERBOSITY, NOTE_VERBOSITY=0 */;\n/*!50003 SET @x = ';' */;";
    expect(texts(sql)).toEqual([
      '/*!40101 SET NAMES utf8mb4 */',
      '/*M!100616 SET NOTE_VERBOSITY=@@NOTE_VERBOSITY, NOTE_VERBOSITY=0 */',
      "/*!50003 SET @x = ';' */",
    ]);
  });

  it('switches delimiters with DELIMITER // and back, keeping procedure bodies whole', () => {
    const sql = [
      'DELIMITER //',
      'CREATE PROCEDURE IF NOT EXISTS migrate_002()',
      'BEGIN',
      "  IF NOT EXISTS (SELECT 1 FROM information_schema.COLUMNS WHERE COLUMN_NAME = 'x') THEN",
      '    ALTER TABLE t ADD COLUMN x INT;',
      '  END IF;',
      'END //',
      'CALL migrate_002() //',
      'DROP PROCEDURE IF EXISTS migrate_002 //',
      'DELIMITER ;',
      'SELECT 1;',
    ].join('\n');
    const out = splitSqlStatements(sql);
    expect(out.map((s) => s.text)).toEqual([
      [
        'CREATE PROCEDURE IF NOT EXISTS migrate_002()',
        'BEGIN',
        "  IF NOT EXISTS (SELECT 1 FROM information_schema.COLUMNS WHERE COLUMN_NAME = 'x') THEN",
        '    ALTER TABLE t ADD COLUMN x INT;',
        '  END IF;',
        'END',
      ].join('\n'),
      'CALL migrate_002()',
      'DROP PROCEDURE IF EXISTS migrate_002',
      'SELECT 1',
    ]);
    expect(out.map((s) => [s.startLine, s.endLine, s.delimiter])).toEqual([
      [2, 7, '//'],
      [8, 8, '//'],
      [9, 9, '//'],
      [11, 11, ';'],
    ]);
  });

  it('handles mysqldump trigger blocks with DELIMITER ;; and conditional comments', () => {
    const sql = [
      '/*!50003 SET @saved_cs_client = @@character_set_client */ ;',
      'DELIMITER ;;',
      "/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER trg BEFORE INSERT ON t FOR EACH ROW BEGIN SET NEW.a = ';'; SET NEW.b = 2; END */;;",
      'DELIMITER ;',
      '/*!50003 SET character_set_client = @saved_cs_client */ ;',
    ].join('\n');
    const out = texts(sql);
    expect(out).toHaveLength(3);
    expect(out[1]).toContain("SET NEW.a = ';'; SET NEW.b = 2; END */");
  });

  it('accepts DELIMITER $$ and lower-case delimiter commands, quoted values too', () => {
    expect(texts('delimiter $$\nCREATE FUNCTION f() RETURNS INT RETURN 1$$\ndelimiter ";"\nSELECT f();')).toEqual([
      'CREATE FUNCTION f() RETURNS INT RETURN 1',
      'SELECT f()',
    ]);
  });

  it('reports an empty or backslash DELIMITER with its line', () => {
    expect(() => splitSqlStatements('SELECT 1;\nDELIMITER   \nSELECT 2;')).toThrow(SqlSplitError);
    expect(() => splitSqlStatements('SELECT 1;\nDELIMITER   \nSELECT 2;')).toThrow(/line 2/);
    expect(() => splitSqlStatements('DELIMITER \\\\\n')).toThrow(/backslash/);
  });

  it('gives offsets that slice the input back to the statement text, and line numbers', () => {
    const sql = '\uFEFF-- c\n\nSELECT 1;\r\nINSERT INTO t VALUES (1)\r\n;\n  /* x */ UPDATE t SET a = 2';
    const out = splitSqlStatements(sql);
    for (const st of out) expect(sql.slice(st.startOffset, st.endOffset)).toBe(st.text);
    expect(out.map((s) => s.startLine)).toEqual([3, 4, 6]);
    expect(out[2]?.delimiter).toBeNull();
  });

  it('reports an unterminated string or comment at the end', () => {
    expect(splitSqlScript("SELECT 1;\nSELECT 'abc;").unterminated).toEqual({ kind: 'single-quote', line: 2 });
    expect(splitSqlScript('SELECT 1;\n/* open').unterminated).toEqual({ kind: 'comment', line: 2 });
    expect(splitSqlScript('SELECT `x').unterminated?.kind).toBe('backtick');
    expect(splitSqlScript('SELECT 1;').unterminated).toBeNull();
  });

  it('returns nothing for empty or comment-only input', () => {
    expect(texts('')).toEqual([]);
    expect(texts('  \n-- only\n# comments\n/* here */\n;;\n')).toEqual([]);
  });
});

describe('streaming', () => {
  it('gives the same statements for any chunking, including splits inside quotes, comments and delimiters', () => {
    const sql = [
      'INSERT INTO t VALUES (\'line1\nline2; still string\', "x\\";");',
      '-- comment; here',
      'DELIMITER //',
      'CREATE PROCEDURE p() BEGIN SELECT 1; END //',
      'DELIMITER ;',
      '/*!40101 SET x = 1 */; SELECT 5--2; SELECT 3 -- c',
      ';',
    ].join('\n');
    const whole = splitSqlStatements(sql);
    for (let size = 1; size <= 9; size++) {
      const splitter = new SqlStatementSplitter();
      const got = [];
      for (let i = 0; i < sql.length; i += size) got.push(...splitter.push(sql.slice(i, i + size)));
      got.push(...splitter.end());
      expect(got).toEqual(whole);
    }
  });

  it('splitSqlStream decodes UTF-8 chunks cut inside multi-byte characters', async () => {
    const sql = "INSERT INTO t VALUES ('Grüße; 😀');\nSELECT 'ö';";
    const bytes = Buffer.from(sql, 'utf8');
    async function* chunks() {
      for (let i = 0; i < bytes.length; i += 3) yield bytes.subarray(i, i + 3);
    }
    const got = [];
    for await (const st of splitSqlStream(chunks())) got.push(st.text);
    expect(got).toEqual(["INSERT INTO t VALUES ('Grüße; 😀')", "SELECT 'ö'"]);
  });

  it('keeps memory bounded: consumed text is dropped from the buffer', () => {
    const splitter = new SqlStatementSplitter();
    let count = 0;
    for (let i = 0; i < 2000; i++) count += splitter.push(`INSERT INTO t VALUES (${i}, 'padding padding padding');\n`).length;
    count += splitter.end().length;
    expect(count).toBe(2000);
    const internal = splitter as unknown as { buf: string };
    expect(internal.buf.length).toBe(0);
  });

  it('refuses push after end', () => {
    const splitter = new SqlStatementSplitter();
    splitter.end();
    expect(() => splitter.push('SELECT 1')).toThrow(/after end/);
  });
});
