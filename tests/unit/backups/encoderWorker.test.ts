import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
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
    else parts.push(Buffer.from([0xfd, v.length & 0xff, (v.length >> 8) & 0xff, v.length >> 16]), v);
  }
  return Buffer.concat(parts);
}

async function encode(
  make: (o: Parameters<typeof inlineEncoder>[0]) => RowEncoder,
  plan: TablePlan,
  rows: Array<Array<Buffer | null>>,
  viaPacket: boolean,
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
  for (const r of rows) {
    if (viaPacket) {
      // Inside a bigger buffer, as mysql2 hands packets over; scribbled afterwards (the copy must be taken).
      const p = packet(r);
      const host = Buffer.concat([Buffer.from('xyz'), p, Buffer.from('!')]);
      enc.encodePacket(host, 3, 3 + p.length);
      host.fill(0x41);
    } else enc.encodeRow(r);
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
          const inline = await encode(inlineEncoder, plan, rows, viaPacket);
          const pooled = await encode((o) => pooledEncoder(pool, o), plan, rows, viaPacket);
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
      const inline = await encode(inlineEncoder, plan, rows, true);
      const pooled = await encode((o) => pooledEncoder(pool, o), plan, rows, true);
      expect(pooled.totals).toEqual({ rows: 4001, rawBytes: inline.totals.rawBytes });
      expect(pooled.blocks).toEqual(inline.blocks);
    } finally {
      await pool.close();
    }
  });
});
