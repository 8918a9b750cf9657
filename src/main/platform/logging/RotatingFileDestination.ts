import fs from 'node:fs';
import path from 'node:path';

export interface RotatingFileOptions {
  /** Rotate when the file would grow past this many bytes. */
  maxBytes?: number;
  /** Rotated files kept next to the live one (`.1` newest … `.N` oldest). */
  keep?: number;
}

/**
 * A pino destination that appends each line synchronously and rotates by size. Opening per write (with
 * O_APPEND) keeps no descriptor to leak or close and lets the Electron app, the CLI and `serve` share one
 * log file: each line lands whole, and whichever writer finds the file over the cap rotates it (an
 * oversized file left by an earlier run is rotated on the first write). Log volume is small (job
 * lifecycle, warnings), so an open and a stat per line do not matter.
 */
export class RotatingFileDestination {
  readonly maxBytes: number;
  readonly keep: number;

  constructor(
    readonly file: string,
    options: RotatingFileOptions = {},
  ) {
    this.maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
    this.keep = Math.max(1, options.keep ?? 3);
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  }

  write(line: string): void {
    const bytes = Buffer.byteLength(line);
    let fd = fs.openSync(this.file, 'a', 0o600);
    try {
      // The size is read on every write (not tracked) because other processes append to the same file.
      const size = fs.fstatSync(fd).size;
      if (size > 0 && size + bytes > this.maxBytes) {
        fs.closeSync(fd);
        this.rotate();
        fd = fs.openSync(this.file, 'a', 0o600);
      }
      fs.writeSync(fd, line);
    } finally {
      fs.closeSync(fd);
    }
  }

  /** sysndd-admin.log → .1 → .2 …; the oldest beyond `keep` is dropped. */
  rotate(): void {
    for (let i = this.keep - 1; i >= 1; i--) renameIfExists(`${this.file}.${i}`, `${this.file}.${i + 1}`);
    renameIfExists(this.file, `${this.file}.1`);
  }
}

function renameIfExists(from: string, to: string): void {
  try {
    fs.renameSync(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
