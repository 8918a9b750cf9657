import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CopySource, copyAndVerify, partialPathOf } from '../../../src/main/features/backups/copy/copyVerify';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-copy-verify-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const quiet = { log: () => undefined };

function bufferSource(name: string, bytes: Buffer): CopySource {
  return { name, location: 'local', size: bytes.length, open: () => Readable.from([bytes]) };
}

describe('copyAndVerify (no server: plain and gzip dumps; our format is covered by the integration test)', () => {
  it('a gzip dump is copied, inflated to its end and renamed into place; no partial remains', async () => {
    const bytes = zlib.gzipSync('CREATE TABLE t (a int);\n-- Dump completed on 2026-01-01\n');
    const target = path.join(dir, 'copy.sql.gz');
    const saved = await copyAndVerify(bufferSource('x.sql.gz', bytes), target, {
      signal: new AbortController().signal,
      onProgress: () => undefined,
      ...quiet,
    });
    expect(saved).toMatchObject({ path: target, size: bytes.length, check: 'gzip', members: 0 });
    expect(fs.readdirSync(dir)).toEqual(['copy.sql.gz']);
  });

  it('a gzip dump cut short fails BACKUP_INCOMPLETE and leaves nothing', async () => {
    const whole = zlib.gzipSync(`CREATE TABLE t (a int);\n${'INSERT INTO t VALUES (1);\n'.repeat(2000)}`);
    const target = path.join(dir, 'cut.sql.gz');
    const run = copyAndVerify(bufferSource('cut.sql.gz', whole.subarray(0, whole.length - 40)), target, {
      signal: new AbortController().signal,
      onProgress: () => undefined,
      ...quiet,
    });
    await expect(run).rejects.toMatchObject({ code: 'BACKUP_INCOMPLETE', details: { copyDeleted: true, target } });
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('a source that ends before its announced size fails BACKUP_INCOMPLETE and leaves nothing', async () => {
    const src: CopySource = {
      name: 'short.sql',
      location: 'local',
      size: 100,
      open: () => Readable.from([Buffer.alloc(60, 65)]),
    };
    await expect(
      copyAndVerify(src, path.join(dir, 'short.sql'), {
        signal: new AbortController().signal,
        onProgress: () => undefined,
        ...quiet,
      }),
    ).rejects.toMatchObject({ code: 'BACKUP_INCOMPLETE' });
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('cancelled mid-copy: CANCELLED, the partial is removed and the target never appears', async () => {
    const controller = new AbortController();
    let sent = 0;
    // A source that keeps producing until the copy is cancelled (a slow SFTP read, say).
    const endless = new Readable({
      read() {
        sent += 1;
        this.push(Buffer.alloc(64 * 1024, 66));
      },
    });
    const src: CopySource = { name: 'slow.sql', location: 'remote', size: 1 << 40, open: () => endless };
    const target = path.join(dir, 'slow.sql');
    const run = copyAndVerify(src, target, {
      signal: controller.signal,
      // Cancel once the partial file exists and has bytes: the copy is genuinely under way.
      onProgress: (done) => {
        if (done > 256 * 1024 && fs.existsSync(partialPathOf(target))) controller.abort();
      },
      ...quiet,
    });
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(sent).toBeGreaterThan(4);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
