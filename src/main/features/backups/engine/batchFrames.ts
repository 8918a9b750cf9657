/**
 * How row packets travel to the encoder worker (rowEncoders.ts → encoderWorker.ts): a batch frames each
 * packet as the MySQL wire does, so back-to-back packets of a socket chunk can be copied with their headers
 * as they are — one copy per run instead of one per row (a copy per row was ~20% of the main thread's CPU
 * in bench/backup.ts). A frame is a 3-byte little-endian payload length, then one byte the worker ignores
 * (the wire's sequence id). A payload of LONG_FRAME bytes or more cannot be one wire packet (mysql2
 * reassembles it): its frame is ff ff ff 00 and a 4-byte little-endian length.
 */
export const FRAME_HEADER = 4;
export const LONG_FRAME = 0xffffff;

/** `buf[start - 4..start)` is a wire header whose length is the packet's: the frame is already there. */
function framedOnTheWire(buf: Buffer, start: number, size: number): boolean {
  return start >= FRAME_HEADER && size < LONG_FRAME && buf.readUIntLE(start - FRAME_HEADER, 3) === size;
}

/** Bytes a frame of a `size`-byte packet takes in a batch. */
export function frameBytes(size: number): number {
  return (size < LONG_FRAME ? FRAME_HEADER : FRAME_HEADER + 4) + size;
}

/** Writes the frame of `buf[start..end)` at `at`, header and copy; returns the position after it. */
export function writeFrame(batch: Buffer, at: number, buf: Buffer, start: number, end: number): number {
  const size = end - start;
  const long = size >= LONG_FRAME;
  const length = long ? LONG_FRAME : size;
  batch[at] = length & 0xff;
  batch[at + 1] = (length >> 8) & 0xff;
  batch[at + 2] = length >> 16;
  batch[at + 3] = 0;
  let p = at + FRAME_HEADER;
  if (long) p = batch.writeUInt32LE(size, p);
  return p + buf.copy(batch, p, start, end);
}

/**
 * Packets lying back to back with their wire headers in one buffer, `buf[from..to)`, not copied yet: they go
 * to the batch at `at` in one call. The caller keeps the batch's fill position and flushes before it sends
 * or moves to another batch.
 */
export class PacketRun {
  private buf: Buffer | null = null;
  private from = 0;
  private to = 0;
  private at = 0;

  /** Takes in `buf[start..end)` if it directly follows the run in the same buffer, its wire header in place. */
  extend(buf: Buffer, start: number, end: number): boolean {
    if (buf !== this.buf || start - FRAME_HEADER !== this.to || !framedOnTheWire(buf, start, end - start)) return false;
    this.to = end;
    return true;
  }

  /** Starts a run at batch position `at` with `buf[start..end)`, if its wire header is in place. */
  begin(buf: Buffer, start: number, end: number, at: number): boolean {
    if (!framedOnTheWire(buf, start, end - start)) return false;
    this.buf = buf;
    this.from = start - FRAME_HEADER;
    this.to = end;
    this.at = at;
    return true;
  }

  /** Copies the run into `batch` (the one it was begun in) and forgets it. */
  flushInto(batch: Buffer): void {
    if (!this.buf) return;
    this.buf.copy(batch, this.at, this.from, this.to);
    this.buf = null;
  }
}
