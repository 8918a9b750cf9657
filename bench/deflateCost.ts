/**
 * What compression alone costs for a backup (bench/backup.ts): every data member of the file is inflated and
 * deflated again, at the backup's level, as the engine does it (one member of ≤ 4 MiB of SQL at a time,
 * zlib as bundled with Node). Only the deflate is timed, on this thread, with nothing else running: the CPU
 * any tool writing this gzip output at this level pays, whatever encodes the rows.
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import { readManifest } from '../src/main/features/backups/format/BackupFileReader';

export interface DeflateCost {
  rawBytes: number;
  cpuMs: number;
}

export async function deflateCost(file: string, level: number): Promise<DeflateCost> {
  const manifest = await readManifest(file);
  const fd = fs.openSync(file, 'r');
  let rawBytes = 0;
  let cpuMs = 0;
  try {
    for (const m of manifest.members) {
      if (m.kind !== 'table-data') continue;
      const gz = Buffer.alloc(m.length);
      fs.readSync(fd, gz, 0, m.length, m.offset);
      const sql = zlib.gunzipSync(gz);
      rawBytes += sql.length;
      const from = process.cpuUsage();
      zlib.gzipSync(sql, { level });
      const used = process.cpuUsage(from);
      cpuMs += (used.user + used.system) / 1000;
    }
  } finally {
    fs.closeSync(fd);
  }
  return { rawBytes, cpuMs };
}
