import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SqlSplitError, SqlStatementSplitter, splitSqlStatements } from '../../../src/main/platform/sql/splitter';

// A generator that builds scripts together with the statements they must split into: statements are made of
// SQL fragments whose quoting is correct by construction; between statements go comments, blank lines,
// empty statements and DELIMITER changes. Quotes and comments deliberately contain every delimiter.

const TRICKY = [';', ';;', '//', '$$', '--', '-- ', '#', '/*', '*/', '"', '`', "'", '\n', 'DELIMITER //', ' ', 'x', 'é', '😀'];

const word = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,6}$/);
const number = fc.integer({ min: 0, max: 99999 }).map(String);

const singleQuoted = fc
  .array(fc.constantFrom(...TRICKY, "''", "\\'", '\\\\', '\\n'), { maxLength: 8 })
  .map((parts) => `'${parts.map((p) => (p === "'" ? "''" : p)).join('')}'`);
const doubleQuoted = fc
  .array(fc.constantFrom(...TRICKY, '""', '\\"', '\\\\'), { maxLength: 8 })
  .map((parts) => `"${parts.map((p) => (p === '"' ? '""' : p)).join('')}"`);
const backticked = fc
  .array(fc.constantFrom(...TRICKY.filter((t) => t !== '\n'), '``'), { minLength: 1, maxLength: 6 })
  .map((parts) => `\`${parts.map((p) => (p === '`' ? '``' : p)).join('')}\``);
const blockComment = fc
  .array(fc.constantFrom(...TRICKY.filter((t) => t !== '*/' && t !== '/*')), { maxLength: 6 })
  .map((parts) => `/* ${parts.join('')} */`);
const lineComment = fc
  .tuple(fc.constantFrom('-- ', '#', '--\t'), fc.array(fc.constantFrom(...TRICKY.filter((t) => t !== '\n')), { maxLength: 6 }))
  .map(([start, parts]) => `${start}${parts.join('')}\n`);
const minusMinus = fc.constantFrom('5--2', '1 --1', 'a-b', '-1');

const simpleContent = fc.oneof(
  word,
  number,
  singleQuoted,
  doubleQuoted,
  backticked,
  minusMinus,
  fc.constantFrom('(', ')', ',', '=', '*', '.'),
);
const executable = fc
  .tuple(fc.constantFrom('/*!40101 ', '/*!50003 ', '/*M!100100 '), fc.array(simpleContent, { minLength: 1, maxLength: 3 }))
  .map(([open, parts]) => `${open}${parts.join(' ')} */`);

interface Generated {
  script: string;
  expected: string[];
}

function statementFor(delimiter: string) {
  const inner = fc.oneof(
    { weight: 6, arbitrary: simpleContent },
    { weight: 1, arbitrary: executable },
    { weight: 1, arbitrary: blockComment },
    { weight: 1, arbitrary: lineComment },
  );
  // A bare `;` is ordinary text once the delimiter is something else.
  const withSemicolon = delimiter === ';' ? inner : fc.oneof(inner, fc.constant(';'));
  return fc
    .tuple(
      fc.oneof(simpleContent, executable),
      fc.array(fc.tuple(fc.constantFrom(' ', '\n', '\t', '  \n'), withSemicolon), { maxLength: 6 }),
    )
    .map(([first, rest]) => {
      let text = first;
      for (const [sep, part] of rest) text += sep + part;
      return text;
    });
}

const noise = fc.oneof(
  fc.constantFrom('\n', ' ', '\n\n', '\r\n'),
  lineComment,
  blockComment.map((c) => `${c}\n`),
);

const generated: fc.Arbitrary<Generated> = fc
  .array(
    fc.tuple(
      fc.constantFrom(';', ';', '//', '$$', ';;'),
      fc.array(fc.tuple(fc.array(noise, { maxLength: 2 }), fc.boolean()), { minLength: 1, maxLength: 4 }),
    ),
    { minLength: 1, maxLength: 3 },
  )
  .chain((blocks) =>
    fc.tuple(
      ...blocks.map(([delimiter, items]) =>
        fc.tuple(
          fc.constant(delimiter),
          fc.tuple(...items.map(([n, empty]) => fc.tuple(fc.constant(n), fc.constant(empty), statementFor(delimiter)))),
        ),
      ),
    ),
  )
  .map((blocks) => {
    let script = '';
    const expected: string[] = [];
    let current = ';';
    for (const [delimiter, items] of blocks) {
      if (delimiter !== current) {
        script += `DELIMITER ${delimiter}\n`;
        current = delimiter;
      }
      for (const [noiseParts, emptyStatement, text] of items) {
        script += noiseParts.join('');
        if (emptyStatement) script += `${delimiter}\n`;
        // A separator before the delimiter keeps a trailing `;` fragment from merging into `;;`.
        script += `${text} ${delimiter}`;
        expected.push(text.trimEnd());
      }
      script += '\n';
    }
    return { script, expected };
  });

function splitInChunks(text: string, cuts: number[]) {
  const splitter = new SqlStatementSplitter();
  const out = [];
  let at = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    const to = Math.min(text.length, cut);
    if (to > at) {
      out.push(...splitter.push(text.slice(at, to)));
      at = to;
    }
  }
  out.push(...splitter.push(text.slice(at)));
  out.push(...splitter.end());
  return out;
}

describe('splitter properties', () => {
  it('splits generated scripts into exactly the statements they were built from', () => {
    fc.assert(
      fc.property(generated, ({ script, expected }) => {
        expect(splitSqlStatements(script).map((s) => s.text)).toEqual(expected);
      }),
      { numRuns: 400 },
    );
  });

  it('gives the same result however the input is cut into chunks', () => {
    fc.assert(
      fc.property(generated, fc.array(fc.nat({ max: 400 }), { maxLength: 12 }), ({ script }, cuts) => {
        expect(splitInChunks(script, cuts)).toEqual(splitSqlStatements(script));
      }),
      { numRuns: 300 },
    );
  });

  it('on arbitrary SQL-ish noise: never crashes, offsets slice back to the text, lines match, chunking is invisible', () => {
    const alphabet = fc.constantFrom(
      ';',
      "'",
      '"',
      '`',
      '\\',
      '-',
      '#',
      '/',
      '*',
      '!',
      'M',
      '\n',
      '\r',
      ' ',
      'a',
      'D',
      'delimiter ',
      'DELIMITER //\n',
      '//',
      '$',
    );
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 80 }).map((a) => a.join('')),
        fc.array(fc.nat({ max: 120 }), { maxLength: 6 }),
        (text, cuts) => {
          let whole: ReturnType<typeof splitSqlStatements>;
          try {
            whole = splitSqlStatements(text);
          } catch (err) {
            expect(err).toBeInstanceOf(SqlSplitError);
            return;
          }
          for (const st of whole) {
            expect(st.text.length).toBeGreaterThan(0);
            expect(st.text).toBe(st.text.trim());
            expect(text.slice(st.startOffset, st.endOffset)).toBe(st.text);
            expect(st.startLine).toBe(text.slice(0, st.startOffset).split('\n').length);
            expect(st.endLine).toBe(st.startLine + (st.text.match(/\n/g)?.length ?? 0));
          }
          expect(splitInChunks(text, cuts)).toEqual(whole);
        },
      ),
      { numRuns: 1500 },
    );
  });
});
