import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LONG_FRAME } from '../../../src/main/features/backups/engine/batchFrames';
import type { TablePlan } from '../../../src/main/features/backups/engine/columns';
import { createEncoderPool } from '../../../src/main/features/backups/engine/encoderWorker';
import type { ValueKind } from '../../../src/main/features/backups/engine/InsertEncoder';
import {
  BATCH_BYTES,
  inlineEncoder,
  pooledEncoder,
  type RowEncoder,
} from '../../../src/main/features/backups/engine/rowEncoders';
import type { WorkerPool } from '../../../src/main/platform/workers/WorkerPool';

/** A text-protocol row packet (length-coded values, NULL as 0xfb), built independently of the code under test. */
function packet(values: Array<Buffer | null>): Buffer {
  const parts: Buffer[] = [];
  for (const v of values) {
    if (v === null) parts.push(Buffer.from([0xfb]));
    else if (v.length < 0xfb) parts.push(Buffer.from([v.length]), v);
    else if (v.length < 1 << 16) parts.push(Buffer.from([0xfc, v.length & 0xff, v.length >> 8]), v);
    else if (v.length < 1 << 24) parts.push(Buffer.from([0xfd, v.length & 0xff, (v.length >> 8) & 0xff, v.length >> 16]), v);
    else {
      const n = Buffer.alloc(9);
      n[0] = 0xfe;
      n.writeBigUInt64LE(BigInt(v.length), 1);
      parts.push(n, v);
    }
  }
  return Buffer.concat(parts);
}

/**
 * Rows as mysql2 hands them over from the socket: each packet behind its wire header (3-byte length, sequence
 * id), back to back, the stream cut into chunks after the rows listed in `cuts`.
 */
function wireChunks(rows: Array<Array<Buffer | null>>, cuts: Set<number>): Array<{ chunk: Buffer; starts: number[] }> {
  const chunks: Array<{ chunk: Buffer; starts: number[] }> = [];
  let parts: Buffer[] = [];
  let starts: number[] = [];
  let at = 0;
  rows.forEach((r, i) => {
    const p = packet(r);
    const header = Buffer.from([p.length & 0xff, (p.length >> 8) & 0xff, p.length >> 16, i & 0xff]);
    parts.push(header, p);
    starts.push(at + 4);
    at += 4 + p.length;
    if (cuts.has(i) || i === rows.length - 1) {
      chunks.push({ chunk: Buffer.concat(parts), starts });
      parts = [];
      starts = [];
      at = 0;
    }
  });
  return chunks;
}

type Feed = 'values' | 'packets' | { cuts: Set<number> };

async function encode(
  make: (o: Parameters<typeof inlineEncoder>[0]) => RowEncoder,
  plan: TablePlan,
  rows: Array<Array<Buffer | null>>,
  feed: Feed,
) {
  const blocks: Array<{ text: string; rows: number }> = [];
  let failure: Error | null = null;
  const enc = make({
    plan,
    statementLimit: 2048,
    blockLimit: 8192,
    onBlock: (block, n) => {
      blocks.push({ text: block.toString('latin1'), rows: n });
      enc.recycle(block);
    },
    onHold: () => undefined,
    onError: (e) => {
      failure = e;
    },
  });
  if (typeof feed === 'object') {
    // A chunk is scribbled once the encoder was called with a packet of the next one: the contract lets it
    // keep the bytes until its next call, not longer.
    let previous: Buffer | null = null;
    for (const { chunk, starts } of wireChunks(rows, feed.cuts)) {
      for (const start of starts) {
        enc.encodePacket(chunk, start, start + chunk.readUIntLE(start - 4, 3));
        previous?.fill(0x41);
        previous = null;
      }
      previous = chunk;
    }
  } else {
    let previous: Buffer | null = null;
    for (const r of rows) {
      if (feed === 'packets') {
        // Inside a bigger buffer, as mysql2 hands packets over; scribbled after the next call.
        const p = packet(r);
        const host = Buffer.concat([Buffer.from('xyz'), p, Buffer.from('!')]);
        enc.encodePacket(host, 3, 3 + p.length);
        previous?.fill(0x41);
        previous = host;
      } else enc.encodeRow(r);
    }
  }
  const totals = await enc.finish();
  if (failure) throw failure;
  return { blocks, totals };
}

const KINDS: ValueKind[] = [0, 1, 2, 3, 1];
const plan: TablePlan = {
  select: 'SELECT * FROM `t`',
  head: Buffer.from('INSERT INTO `t` (`a`,`b`,`c`,`d`,`e`) VALUES ', 'utf8'),
  kinds: KINDS,
  columns: ['a', 'b', 'c', 'd', 'e'],
};
const value = fc.oneof(
  fc.constant(null),
  fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)),
  fc.string({ maxLength: 60 }).map((s) => Buffer.from(s, 'utf8')),
);
const row = fc.array(value, { minLength: 5, maxLength: 5 });

describe('encoder worker: the same bytes as encoding on the main thread', () => {
  it('random rows, packets and value arrays, small blocks: identical blocks, row counts and totals', async () => {
    const pool: WorkerPool = createEncoderPool(1);
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(row, { maxLength: 300 }), fc.boolean(), async (rows, viaPacket) => {
          const feed: Feed = viaPacket ? 'packets' : 'values';
          const inline = await encode(inlineEncoder, plan, rows, feed);
          const pooled = await encode((o) => pooledEncoder(pool, o), plan, rows, feed);
          expect(pooled).toEqual(inline);
        }),
        { numRuns: 60 },
      );
    } finally {
      await pool.close();
    }
  });

  it('a row larger than a batch and rows spanning many batches', async () => {
    const pool = createEncoderPool(2);
    try {
      const big = Buffer.alloc(BATCH_BYTES + 1000, 0x27); // all quotes: every byte escaped
      const rows: Array<Array<Buffer | null>> = [];
      for (let i = 0; i < 4000; i++) rows.push([Buffer.from(String(i)), Buffer.from(`r${i}\n`), null, null, null]);
      rows.splice(1234, 0, [Buffer.from('1'), big, Buffer.from([0, 1, 255]), Buffer.from('2020-01-01'), null]);
      for (const feed of ['packets', { cuts: new Set([10, 1233, 1234, 3000]) }] as const) {
        const inline = await encode(inlineEncoder, plan, rows, feed);
        const pooled = await encode((o) => pooledEncoder(pool, o), plan, rows, feed);
        expect(pooled.totals).toEqual({ rows: 4001, rawBytes: inline.totals.rawBytes });
        expect(pooled.blocks).toEqual(inline.blocks);
      }
    } finally {
      await pool.close();
    }
  });

  it('back-to-back wire packets of socket chunks (copied a run at a time): identical blocks, any cut', async () => {
    const pool = createEncoderPool(1);
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(row, { maxLength: 300 }), fc.array(fc.nat(300), { maxLength: 20 }), async (rows, cuts) => {
          const inline = await encode(inlineEncoder, plan, rows, 'values');
          const pooled = await encode((o) => pooledEncoder(pool, o), plan, rows, { cuts: new Set(cuts) });
          expect(pooled).toEqual(inline);
        }),
        { numRuns: 60 },
      );
      // Runs across many batches: 20,000 rows in 3 chunks.
      const many: Array<Array<Buffer | null>> = [];
      for (let i = 0; i < 20_000; i++) many.push([Buffer.from(String(i)), Buffer.from(`it's row ${i}`), null, null, null]);
      const inline = await encode(inlineEncoder, plan, many, 'values');
      const pooled = await encode((o) => pooledEncoder(pool, o), plan, many, { cuts: new Set([7000, 14000]) });
      expect(pooled).toEqual(inline);
    } finally {
      await pool.close();
    }
  });

  it('a row of 16 MiB or more (no single wire packet holds it) travels in a long frame', async () => {
    const pool = createEncoderPool(1);
    try {
      const huge = Buffer.alloc(LONG_FRAME + 10, 0x61);
      const rows: Array<Array<Buffer | null>> = [[Buffer.from('1'), Buffer.from('a'), null, null, null]];
      rows.push([Buffer.from('2'), huge, null, null, null], [Buffer.from('3'), Buffer.from('c'), null, null, null]);
      const big = { ...plan };
      const run = async (make: (o: Parameters<typeof inlineEncoder>[0]) => RowEncoder) => {
        const out = await encode(make, big, rows, 'packets');
        return { totals: out.totals, text: out.blocks.map((b) => b.text).join('') };
      };
      const inline = await run(inlineEncoder);
      const pooled = await run((o) => pooledEncoder(pool, o));
      expect(pooled.totals).toEqual({ rows: 3, rawBytes: inline.totals.rawBytes });
      expect(pooled.text.length).toBeGreaterThan(LONG_FRAME);
      expect(pooled.text).toBe(inline.text);
    } finally {
      await pool.close();
    }
  });
});
