import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DumpClassifier } from '../../../src/main/platform/sql/dumpClassifier';
import { DumpSplitter, type SplitStatement } from '../../../src/main/platform/sql/dumpSplitter';
import { LexRefusal, lexSql } from '../../../src/main/platform/sql/lexer';
import { SIDE_EFFECTS, WordScan } from '../../../src/main/platform/sql/sideEffects';

// The splitter's body scan says whether a statement's code (outside string literals) holds a side-effect
// word; a Clean statement is sent as bytes without the regular-expression search, so Clean must never be
// said of a statement whose tokens call one of those functions, however the file is cut into chunks.

function split(text: string, chunk: number, noBackslashEscapes = false): SplitStatement[] {
  const buf = Buffer.from(text, 'utf8');
  const sp = new DumpSplitter();
  if (noBackslashEscapes) sp.setBackslashEscapes(false);
  const out: SplitStatement[] = [];
  for (let i = 0; i < buf.length; i += chunk) sp.push(buf.subarray(i, i + chunk), (s) => out.push(s));
  sp.end((s) => out.push(s));
  return out;
}

const WORDS = ['SLEEP', 'sleep', 'SeLeCt', 'BENCHMARK', 'get_lock', 'LOAD_FILE', 'RELEASE_ALL_LOCKS', 'MASTER_GTID_WAIT'];

/** What the server would call: a word token (not a string, not a quoted name) on the list. */
function callsSideEffect(sql: string): boolean {
  try {
    for (const t of lexSql(sql, { serverVersion: 101100, mariadb: true }))
      if (t.kind === 'word' && SIDE_EFFECTS.test(t.value)) return true;
    return false;
  } catch (err) {
    if (err instanceof LexRefusal) return true; // refused by the text path anyway
    throw err;
  }
}

describe('side-effect word scan', () => {
  const classifier = () => new DumpClassifier({ serverVersion: 101100 });

  it('judges a plain INSERT on bytes exactly as the text path does', () => {
    for (const sql of [
      "INSERT INTO `gene` VALUES (1,'SLEEP(5) in a string',0xABCDEF,NULL,-1.5e3)",
      'INSERT INTO `gène` VALUES\n(1,\'select * from x\'),\n(2,"BENCHMARK")',
      'INSERT INTO `t` VALUES(1)',
      // Our own backups' form: the columns named.
      "INSERT INTO `t` (`a`,`b c`,`é`) VALUES (1,'x',2),\n(3,'y',4)",
    ]) {
      const [s] = split(`${sql};\n`, 1 << 16);
      expect(s?.words).toBe(WordScan.Clean);
      const bytes = classifier().classifyPlainInsert(s as SplitStatement);
      const text = classifier().classify((s as SplitStatement).sql.toString('latin1'));
      expect(bytes).not.toBeNull();
      expect(bytes).toEqual(text);
    }
  });

  it('finds the words in code, in any case and across any chunking', () => {
    for (const word of WORDS)
      for (const chunk of [1, 2, 3, 5, 64]) {
        const [s] = split(`INSERT INTO \`t\` VALUES (1,${word}(2)),(3,'x');`, chunk);
        expect(s?.words, `${word} / ${chunk}`).toBe(WordScan.Found);
        expect(classifier().classifyPlainInsert(s as SplitStatement)).toBeNull();
      }
    expect(split("INSERT INTO `t` VALUES ((SELECT 1),'x');", 4)[0]?.words).toBe(WordScan.Found);
    // The server calls a built-in by its quoted name too; a column list is read the same way.
    expect(split('INSERT INTO `t` VALUES (`SLEEP`(1));', 64)[0]?.words).toBe(WordScan.Found);
    expect(split('INSERT INTO `t` (`a`,`Select`) VALUES (1,2);', 64)[0]?.words).toBe(WordScan.Found);
    // A column list the byte path does not read (spaces) goes to the text path, with the same answer.
    const [spaced] = split('INSERT INTO `t` (`a`, `b`) VALUES (1,2);', 64);
    expect(spaced?.words).toBe(WordScan.Clean);
    expect(classifier().classifyPlainInsert(spaced as SplitStatement)).toBeNull();
  });

  it('leaves to the text path what the scan cannot see whole', () => {
    const unknown = [
      'INSERT INTO `t` VALUES (1,/*!50000 SLEEP(1)*/);',
      'INSERT INTO `t` VALUES (1,/*M!100100 2*/);',
      `INSERT INTO \`t\` (\`${'x'.repeat(300)}\`) VALUES (1);`,
    ];
    for (const sql of unknown) expect(split(sql, 3)[0]?.words, sql).toBe(WordScan.Unknown);
    // Without backslash escapes, '\' ends a string the scan would have read on.
    expect(split("INSERT INTO `t` VALUES ('a\\', SLEEP(1), '');", 64, true)[0]?.words).toBe(WordScan.Unknown);
    // Under ANSI_QUOTES a double-quoted text is a name: the classifier does not take the byte path.
    const c = classifier();
    const [set, insert] = split('SET sql_mode = \'ANSI_QUOTES\';\nINSERT INTO `t` VALUES ("SLEEP"(1));', 64);
    c.classify((set as SplitStatement).sql.toString('latin1'));
    expect(c.classifyPlainInsert(insert as SplitStatement)).toBeNull();
  });

  it('never calls Clean a statement that calls one of the functions, and says the same for every chunking', () => {
    const piece = fc.oneof(
      fc.constantFrom(...WORDS, 'NULL', '0xABCDEF', '1e5', '-2', '_binary', 'x', 'SLEEPY', '1SLEEP', 'A_SLEEP'),
      fc.constantFrom(...WORDS).map((w) => `'${w}'`),
      fc.constantFrom(...WORDS).map((w) => `"a\\"${w}"`),
      fc.constantFrom(...WORDS).map((w) => `/* ${w} */`),
      fc.constantFrom(...WORDS).map((w) => `-- ${w}\n`),
      fc.constantFrom(...WORDS).map((w) => `#${w}\n`),
      fc.constantFrom(...WORDS).map((w) => `/*!50000 ${w} */`),
      fc.constantFrom(...WORDS).map((w) => `\`${w}\``),
      fc.constantFrom('(', ')', ',', ' ', '\n', '.', '+'),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), fc.integer({ min: 1, max: 9 }), (pieces, chunk) => {
        const sql = `INSERT INTO \`t\` VALUES (${pieces.join('')})`;
        const whole = split(`${sql};`, 1 << 16);
        const cut = split(`${sql};`, chunk);
        expect(cut.map((s) => s.words)).toEqual(whole.map((s) => s.words));
        for (const s of whole) {
          const text = s.sql.toString('utf8');
          if (s.words === WordScan.Clean) expect(callsSideEffect(text), text).toBe(false);
          if (s.words === WordScan.Found) expect(SIDE_EFFECTS.test(text), text).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
