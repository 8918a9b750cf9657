import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { sourceFiles } from './sourceFiles';

/**
 * Issue 13: no function in src/main over ~150 lines, so a reader follows named phases instead of scrolling.
 * Measured on the syntax tree (declarations, methods, arrows, function expressions), from the first line of
 * the function to its last. A function that must grow past the limit is split; the limit is not raised.
 */

const ROOT = path.resolve(__dirname, '../..');
const MAX_LINES = 150;

interface LongFunction {
  where: string;
  name: string;
  lines: number;
}

/** Every function-like node with a body longer than `limit` lines in `file`. */
function longFunctions(file: string, text: string, limit: number): LongFunction[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: LongFunction[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = last - first + 1;
      const name = node.name && ts.isIdentifier(node.name) ? node.name.text : '(anonymous)';
      if (lines > limit)
        found.push({ where: `${path.isAbsolute(file) ? path.relative(ROOT, file) : file}:${first + 1}`, name, lines });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('function length', () => {
  it('measures: a synthetic 151-line function is found, a 150-line one is not', () => {
    const body = (n: number) => `function f${n}() {\n${'  x++;\n'.repeat(n - 2)}}\n`;
    expect(longFunctions('a.ts', body(151), MAX_LINES)).toEqual([{ where: 'a.ts:1', name: 'f151', lines: 151 }]);
    expect(longFunctions('a.ts', body(150), MAX_LINES)).toEqual([]);
    const arrow = `const g = () => {\n${'  x++;\n'.repeat(160)}};\n`;
    expect(longFunctions('b.ts', arrow, MAX_LINES)).toHaveLength(1);
  });

  it(`no function in src/main is over ${MAX_LINES} lines`, () => {
    const files = sourceFiles(path.join(ROOT, 'src/main'));
    expect(files.length).toBeGreaterThan(100);
    const long = files.flatMap((f) => longFunctions(f, fs.readFileSync(f, 'utf8'), MAX_LINES));
    expect(long).toEqual([]);
  });
});
