import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isGenerated, planTable, selectExpression, valueKind } from '../../../src/main/features/backups/engine/columns';
import {
  InsertEncoder,
  KIND_BINARY,
  KIND_NUMBER,
  KIND_TEMPORAL,
  KIND_TEXT,
  LARGE_BINARY_BYTES,
  type ValueKind,
} from '../../../src/main/features/backups/engine/InsertEncoder';
import { DataStatementSplitter } from '../../../src/main/features/backups/format/memberStatements';

/** A MySQL text-protocol row packet: each value length-coded, NULL as 0xfb. */
function packet(values: Array<Buffer | null>): Buffer {
  const parts: Buffer[] = [];
  for (const v of values) {
    if (v === null) parts.push(Buffer.from([0xfb]));
    else if (v.length < 0xfb) parts.push(Buffer.from([v.length]), v);
    else if (v.length < 1 << 16) parts.push(Buffer.from([0xfc, v.length & 0xff, v.length >> 8]), v);
    else if (v.length < 1 << 24) parts.push(Buffer.from([0xfd, v.length & 0xff, (v.length >> 8) & 0xff, v.length >> 16]), v);
    else {
      const len = Buffer.alloc(9);
      len[0] = 0xfe;
      len.writeUInt32LE(v.length, 1);
      parts.push(len, v);
    }
  }
  return Buffer.concat(parts);
}

function encodeAll(
  kinds: ValueKind[],
  rows: Array<Array<Buffer | null>>,
  viaPacket: boolean,
  limits = { statementLimit: 1 << 20, blockLimit: 8 << 20 },
) {
  const blocks: Buffer[] = [];
  const enc: InsertEncoder = new InsertEncoder({
    head: Buffer.from('INSERT INTO `t` (`a`) VALUES '),
    kinds,
    ...limits,
    // Copy, then hand the memory back at once: reuse must never leak old bytes into new blocks.
    onBlock: (b) => {
      blocks.push(Buffer.from(b));
      enc.recycle(b);
    },
  });
  for (const r of rows) {
    if (viaPacket) {
      // Surround the row with other bytes: the encoder must honour start/end.
      const p = Buffer.concat([Buffer.from('xx'), packet(r), Buffer.from('yy')]);
      enc.encodePacket(p, 2, p.length - 2);
    } else enc.encodeRow(r);
  }
  enc.finish();
  return { text: Buffer.concat(blocks), blocks, rows: enc.rows };
}

/** Reference reader for the literals the encoder writes: 'escaped', 0xHEX, FROM_BASE64('...'), NULL, numbers. */
function parseValues(tuple: Buffer): Array<Buffer | null> {
  const out: Array<Buffer | null> = [];
  let i = 0;
  const escapes: Record<string, number> = { '0': 0, n: 10, r: 13, Z: 26, "'": 39, '\\': 92 };
  while (i < tuple.length) {
    if (tuple.toString('latin1', i, i + 4) === 'NULL') {
      out.push(null);
      i += 4;
    } else if (tuple.toString('latin1', i, i + 2) === '0x') {
      let j = i + 2;
      while (j < tuple.length && tuple[j] !== 0x2c) j++;
      out.push(Buffer.from(tuple.toString('latin1', i + 2, j), 'hex'));
      i = j;
    } else if (tuple.toString('latin1', i, i + 13) === "FROM_BASE64('") {
      const end = tuple.indexOf("')", i);
      out.push(Buffer.from(tuple.toString('latin1', i + 13, end), 'base64'));
      i = end + 2;
    } else if (tuple[i] === 0x27) {
      i += 1;
      const bytes: number[] = [];
      while (tuple[i] !== 0x27) {
        if (tuple[i] === 0x5c) {
          const e = escapes[String.fromCharCode(tuple[i + 1] as number)];
          if (e === undefined) throw new Error('bad escape');
          bytes.push(e);
          i += 2;
        } else bytes.push(tuple[i++] as number);
      }
      i++;
      out.push(Buffer.from(bytes));
    } else {
      let j = i;
      while (j < tuple.length && tuple[j] !== 0x2c) j++;
      out.push(tuple.subarray(i, j));
      i = j;
    }
    if (tuple[i] === 0x2c) i++;
  }
  return out;
}

/** Rows of all INSERT statements in `text`, via the statement framing the restore relies on. */
function decode(text: Buffer): Array<Array<Buffer | null>> {
  const rows: Array<Array<Buffer | null>> = [];
  // Feed the splitter in small uneven chunks so statement ends straddle chunk boundaries.
  const splitter = new DataStatementSplitter();
  const statements: string[] = [];
  const small = text.length < 200_000;
  for (let i = 0, step = 1; i < text.length; i += step, step = small ? (step % 97) + 1 : 65_536)
    statements.push(...splitter.push(text.subarray(i, i + step)));
  splitter.end();
  for (const s of statements) {
    const st = Buffer.from(s, 'utf8');
    const body = st.subarray(st.indexOf(' VALUES ') + 8);
    // Rows are `(...)` separated by `,\n`; no raw newline occurs inside a value.
    for (const line of body.toString('latin1').split(',\n')) rows.push(parseValues(Buffer.from(line.slice(1, -1), 'latin1')));
  }
  return rows;
}

/** Short values and values of up to 1,200 bytes. */
const bytesArb = fc.oneof(
  fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
  fc.uint8Array({ minLength: 500, maxLength: 1200 }).map((a) => Buffer.from(a)),
);
/** Server strings arrive as utf8mb4, so text is valid UTF-8; rich in characters that need escaping. */
const textArb = fc
  .array(
    fc.oneof(
      fc.constantFrom('\0', '\n', '\r', '\x1a', "'", '\\', ';\n', '),\n(', '😀'),
      fc.string({ unit: 'binary', maxLength: 6 }),
      // Long runs with nothing to escape.
      fc.integer({ min: 60, max: 300 }).map((n) => 'clean run é '.repeat(n).slice(0, n)),
    ),
    { maxLength: 40 },
  )
  .map((parts) => Buffer.from(parts.join(''), 'utf8'));

describe('InsertEncoder', () => {
  it('round-trips any UTF-8 text and any bytes as binary, NULLs included, packet and array paths alike', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.option(textArb), fc.option(bytesArb)), { minLength: 1, maxLength: 30 }), (pairs) => {
        const rows = pairs.map(([a, b]) => [a, b]);
        const viaPacket = encodeAll([KIND_TEXT, KIND_BINARY], rows, true);
        const viaRow = encodeAll([KIND_TEXT, KIND_BINARY], rows, false);
        expect(viaPacket.text.equals(viaRow.text)).toBe(true);
        expect(decode(viaPacket.text)).toEqual(rows.map((r) => r.map((v) => (v === null ? null : Buffer.from(v)))));
      }),
      { numRuns: 200 },
    );
  });

  it('writes numbers and dates verbatim, strings escaped, empty binary as an empty string', () => {
    const { text } = encodeAll(
      [KIND_NUMBER, KIND_TEMPORAL, KIND_TEXT, KIND_BINARY, KIND_BINARY],
      [
        [
          Buffer.from('-12.50'),
          Buffer.from('2026-01-02 03:04:05.123456'),
          Buffer.from("it's\\\n\0\r\x1a;--"),
          Buffer.from([0, 255]),
          Buffer.alloc(0),
        ],
      ],
      true,
    );
    expect(text.toString('latin1')).toBe(
      "INSERT INTO `t` (`a`) VALUES (-12.50,'2026-01-02 03:04:05.123456','it\\'s\\\\\\n\\0\\r\\Z;--',0x00ff,'');\n",
    );
  });

  it('uses every length-code width (1, 2, 3 and 8 bytes) and writes large binary as base64, not doubled', () => {
    const sizes = [250, 251, 70_000, LARGE_BINARY_BYTES + 5];
    const rows = sizes.map((n) => [Buffer.alloc(n, 0x41), Buffer.alloc(n, 0x27)]);
    const { text } = encodeAll([KIND_TEXT, KIND_BINARY], rows, true);
    const back = decode(text);
    // Buffer.equals: deep-equality of megabyte buffers element by element would dominate the test's time.
    expect(back.length).toBe(rows.length);
    for (const [i, r] of back.entries()) for (const [j, v] of r.entries()) expect(v?.equals(rows[i]?.[j] as Buffer)).toBe(true);
    expect(text.includes("FROM_BASE64('")).toBe(true);
    expect(text.toString('utf8').includes('\ufffd')).toBe(false);
    // 8-byte length code (0xfe) for a 16 MiB + 3 value.
    const big = Buffer.alloc((1 << 24) + 3, 0x61);
    const out = encodeAll([KIND_TEXT], [[big]], true).text;
    expect(out.length).toBe("INSERT INTO `t` (`a`) VALUES ('');\n".length + big.length);
    expect(out.subarray(31, 31 + big.length).equals(big)).toBe(true);
  });

  it('keeps statements under the limit, whole statements per block, one row per line', () => {
    const rows = Array.from({ length: 2000 }, (_, i) => [Buffer.from(String(i)), Buffer.from(`value ${i} with ' and \n`)]);
    const { blocks, rows: n } = encodeAll([KIND_NUMBER, KIND_TEXT], rows, true, { statementLimit: 4096, blockLimit: 16_384 });
    expect(n).toBe(2000);
    expect(blocks.length).toBeGreaterThan(2);
    for (const b of blocks) {
      const s = b.toString('latin1');
      expect(s.endsWith(');\n')).toBe(true);
      for (const st of s.split(';\nINSERT')) expect(st.length).toBeLessThan(4096 + 200);
      for (const line of s.split('\n').filter(Boolean)) expect(line.startsWith('INSERT') || line.startsWith('(')).toBe(true);
    }
    expect(decode(Buffer.concat(blocks))).toEqual(rows);
  });

  it('refuses a packet with trailing bytes (column count mismatch)', () => {
    const enc = new InsertEncoder({
      head: Buffer.from('I '),
      kinds: [KIND_NUMBER],
      statementLimit: 100,
      blockLimit: 1000,
      onBlock: () => {},
    });
    const p = packet([Buffer.from('1'), Buffer.from('2')]);
    expect(() => enc.encodePacket(p, 0, p.length)).toThrow(/trailing bytes/);
  });
});

describe('column plans', () => {
  const col = (name: string, dataType: string, extra = '', charset: string | null = null) => ({ name, dataType, extra, charset });

  it('classifies types and reads FLOAT at full precision', () => {
    expect(valueKind(col('a', 'bigint'))).toBe(KIND_NUMBER);
    expect(valueKind(col('a', 'point'))).toBe(KIND_BINARY);
    expect(valueKind(col('a', 'bit'))).toBe(KIND_BINARY);
    expect(valueKind(col('a', 'varchar', '', 'binary'))).toBe(KIND_BINARY);
    expect(valueKind(col('a', 'json'))).toBe(KIND_TEXT);
    expect(valueKind(col('a', 'timestamp'))).toBe(KIND_TEMPORAL);
    expect(selectExpression(col('f', 'float'), true)).toBe('CAST(`f` AS DOUBLE)');
    expect(selectExpression(col('f', 'float'), false)).toBe('(`f` + 0e0)');
  });

  it('leaves generated columns out of SELECT and INSERT, but keeps expression defaults and invisible columns', () => {
    expect(isGenerated(col('g', 'int', 'VIRTUAL GENERATED'))).toBe(true);
    expect(isGenerated(col('g', 'int', 'STORED GENERATED'))).toBe(true);
    expect(isGenerated(col('d', 'datetime', 'DEFAULT_GENERATED'))).toBe(false);
    const plan = planTable(
      'we`ird',
      [col('id', 'int'), col('g', 'int', 'VIRTUAL GENERATED'), col('h', 'int', 'INVISIBLE')],
      true,
    );
    expect(plan.select).toBe('SELECT `id`, `h` FROM `we``ird`');
    expect(plan.head.toString()).toBe('INSERT INTO `we``ird` (`id`,`h`) VALUES ');
  });
});
