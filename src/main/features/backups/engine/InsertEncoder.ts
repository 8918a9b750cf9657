/**
 * Turns rows into multi-row `INSERT INTO ... VALUES (...),(...);` text, byte for byte, without creating a
 * JavaScript value per field.
 *
 * Why bytes: the text protocol already sends every value as the text MySQL itself would print (numbers,
 * dates) or as raw bytes in the connection charset (utf8mb4 strings, binary). Copying those bytes into the
 * output buffer — escaping only `\0 \n \r \x1a ' \` in strings and hex-encoding binary — is ~2x cheaper than
 * decoding into JS strings/Buffers and re-encoding (measured: docs/backups.md, "Engine design").
 *
 * Output framing (relied on by the scratch restore and documented in docs/backup-format.md): each row is on
 * its own line, a raw newline never occurs inside a value, every statement ends with `);\n`, and the text is
 * valid UTF-8 (strings arrive as utf8mb4 from the server; binary is hex or base64).
 * Statements stay below `statementLimit` bytes unless one row alone is bigger; blocks (→ gzip members) hold
 * whole statements and are handed over once they pass `blockLimit` bytes.
 */

/** How a column's text-protocol bytes become SQL. */
export const KIND_NUMBER = 0; // integers, DECIMAL, DOUBLE, FLOAT read as DOUBLE, YEAR: copied verbatim
export const KIND_TEXT = 1; // strings in utf8mb4, ENUM, SET, JSON: quoted and escaped
export const KIND_BINARY = 2; // BINARY/VARBINARY/BLOB/BIT/geometry: 0x hex (large values as FROM_BASE64('...'))
export const KIND_TEMPORAL = 3; // DATE/TIME/DATETIME/TIMESTAMP: quoted, never contain characters to escape
export type ValueKind = typeof KIND_NUMBER | typeof KIND_TEXT | typeof KIND_BINARY | typeof KIND_TEMPORAL;

/**
 * Binary values above this size are written as FROM_BASE64('...') (1.33x) instead of hex (2x), so one large
 * value stays further below max_allowed_packet. Raw escaped bytes (1x) would make the file invalid UTF-8,
 * which every driver that sends SQL as text would mangle: the whole file stays ASCII/UTF-8 instead.
 */
export const LARGE_BINARY_BYTES = 1 << 20;

export interface EncoderOptions {
  /** `INSERT INTO `t` (`a`,`b`) VALUES ` — the statement head, ending with a space. */
  head: Buffer;
  kinds: readonly ValueKind[];
  statementLimit: number;
  blockLimit: number;
  /** Receives a finished block; the encoder never touches that buffer again. */
  onBlock: (block: Buffer, rows: number) => void;
  /** The first output buffer (at least `encoderBufferBytes(blockLimit)`); default: allocated. */
  output?: Buffer;
  /** Written buffers kept for reuse (`adopt`); default 2. */
  maxSpare?: number;
}

/** The size of the encoder's output buffer: a block plus room for the row that ends it. */
export function encoderBufferBytes(blockLimit: number): number {
  return blockLimit + (blockLimit >> 3) + 65536;
}

/**
 * The encoder is built from three self-contained parts — the byte tables, the value writer and the class —
 * that use nothing but JavaScript and Node globals, so the very same code runs on the main thread and in the
 * encoder worker, whose source is built from their text (encoderWorker.ts: a bundled build has no separate
 * worker file to load). Keep each part free of imports and of module-level names: what one part needs from
 * another arrives as an argument.
 */
export interface InsertEncoderParts {
  sqlByteTables: typeof sqlByteTables;
  sqlValueWriter: typeof sqlValueWriter;
  InsertEncoderBase: typeof InsertEncoderBase;
}

/** Writes one non-NULL value `src[p..e)` of `kind` as SQL into `o` at `pos`; returns the new position. */
export type WriteValue = (kind: number, src: Buffer, p: number, e: number, o: Buffer, pos: number) => number;

/** The encoder class for one value writer: `new InsertEncoder(options)` (parts: see InsertEncoderParts). */
export function insertEncoderRuntime(largeBinaryBytes: number, parts: InsertEncoderParts) {
  const writeValue = parts.sqlValueWriter(largeBinaryBytes, parts.sqlByteTables());
  class InsertEncoder extends parts.InsertEncoderBase {
    constructor(options: EncoderOptions) {
      super(options, writeValue);
    }
  }
  return { InsertEncoder };
}

/** Escape, hex and base64 lookup tables (built once per thread). */
export function sqlByteTables() {
  const NEEDS_ESCAPE = new Uint8Array(256);
  const ESCAPE_CHAR = new Uint8Array(256);
  for (const [byte, ch] of [
    [0x00, '0'],
    [0x0a, 'n'],
    [0x0d, 'r'],
    [0x1a, 'Z'],
    [0x27, "'"],
    [0x5c, '\\'],
  ] as const) {
    NEEDS_ESCAPE[byte] = 1;
    ESCAPE_CHAR[byte] = ch.charCodeAt(0);
  }
  /** Two ASCII hex digits per byte value, low byte first (little-endian pairs for one 16-bit read). */
  const HEX_PAIRS = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    const s = i.toString(16).padStart(2, '0');
    HEX_PAIRS[i] = s.charCodeAt(0) | (s.charCodeAt(1) << 8);
  }
  const BASE64_OPEN = Buffer.from("FROM_BASE64('", 'latin1');
  return { NEEDS_ESCAPE, ESCAPE_CHAR, HEX_PAIRS, BASE64_OPEN };
}

/**
 * The value writer: large binary values (above `largeBinaryBytes`) become FROM_BASE64('...'), smaller ones
 * 0x hex; text is escaped; numbers and temporals are copied.
 */
export function sqlValueWriter(largeBinaryBytes: number, tables: ReturnType<typeof sqlByteTables>): WriteValue {
  // Value kinds (KIND_* above; literals here because this function may not see module scope).
  const NUMBER = 0;
  const TEXT = 1;
  const TEMPORAL = 3;
  const { NEEDS_ESCAPE, ESCAPE_CHAR, HEX_PAIRS, BASE64_OPEN } = tables;

  /**
   * Write one non-NULL value `src[p..e)` as SQL into `o` at `pos`; returns the new position. One small
   * function per kind (text first: the common case) keeps each loop monomorphic for the JIT (~10% faster
   * than one function holding every loop).
   */
  function writeValue(kind: number, src: Buffer, p: number, e: number, o: Buffer, pos: number): number {
    if (kind === TEXT) {
      o[pos++] = 0x27;
      pos = writeEscaped(src, p, e, o, pos);
      o[pos++] = 0x27;
      return pos;
    }
    if (kind === NUMBER) return copyBytes(src, p, e, o, pos);
    if (kind === TEMPORAL) {
      o[pos++] = 0x27;
      pos = copyBytes(src, p, e, o, pos);
      o[pos++] = 0x27;
      return pos;
    }
    return writeBinary(src, p, e, o, pos);
  }

  /** Values are short (numbers, dates): a byte loop beats Buffer.copy's call overhead. */
  function copyBytes(src: Buffer, p: number, e: number, o: Buffer, pos: number): number {
    while (p < e) o[pos++] = src[p++] as number;
    return pos;
  }

  function writeBinary(src: Buffer, p: number, e: number, o: Buffer, pos: number): number {
    const len = e - p;
    if (len === 0) {
      o[pos++] = 0x27;
      o[pos++] = 0x27;
      return pos;
    }
    if (len > largeBinaryBytes) {
      pos += BASE64_OPEN.copy(o, pos);
      pos += o.write(src.toString('base64', p, e), pos, 'latin1');
      o[pos++] = 0x27;
      o[pos++] = 0x29;
      return pos;
    }
    o[pos++] = 0x30; // 0x
    o[pos++] = 0x78;
    for (; p < e; p++) {
      const pair = HEX_PAIRS[src[p] as number] as number;
      o[pos++] = pair & 0xff;
      o[pos++] = pair >> 8;
    }
    return pos;
  }

  function writeEscaped(src: Buffer, p: number, e: number, o: Buffer, pos: number): number {
    for (; p < e; p++) {
      const c = src[p] as number;
      if (c <= 0x5c && NEEDS_ESCAPE[c] === 1) {
        o[pos++] = 0x5c;
        o[pos++] = ESCAPE_CHAR[c] as number;
      } else {
        o[pos++] = c;
      }
    }
    return pos;
  }

  return writeValue;
}

/** Rows → INSERT statements → blocks; `writeValue` writes each value (see sqlValueWriter). */
export class InsertEncoderBase {
  private out: Buffer;
  private pos = 0;
  /** Start of the open statement in `out`, or -1 when none is open. */
  private stmtStart = -1;
  private blockRows = 0;
  private readonly kinds: Uint8Array;
  private readonly head: Buffer;
  /** Output buffers whose blocks were written: reused instead of allocating ~9 MB per block (less GC). */
  private readonly spare: Buffer[] = [];
  private readonly owners = new WeakMap<Buffer, Buffer>();
  rows = 0;
  rawBytes = 0;

  constructor(
    private readonly options: EncoderOptions,
    private readonly writeValue: WriteValue,
  ) {
    this.kinds = Uint8Array.from(options.kinds);
    this.head = options.head;
    // encoderBufferBytes(), inlined: this class may not see module scope.
    this.out = options.output ?? Buffer.allocUnsafe(options.blockLimit + (options.blockLimit >> 3) + 65536);
  }

  /** Make room for `need` more bytes (a row can be larger than a block). */
  private reserve(need: number): void {
    if (this.pos + need <= this.out.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.out.length * 2, this.pos + need + 65536));
    this.out.copy(grown, 0, 0, this.pos);
    this.out = grown;
  }

  private openRow(): void {
    const o = this.out;
    if (this.stmtStart < 0) {
      this.stmtStart = this.pos;
      this.pos += this.head.copy(o, this.pos);
      o[this.pos++] = 0x28; // (
    } else {
      o[this.pos++] = 0x2c; // ,
      o[this.pos++] = 0x0a; // \n
      o[this.pos++] = 0x28;
    }
  }

  private closeRow(): void {
    this.out[this.pos++] = 0x29; // )
    this.rows++;
    this.blockRows++;
    if (this.pos - this.stmtStart >= this.options.statementLimit) {
      this.endStatement();
      if (this.pos >= this.options.blockLimit) this.emitBlock();
    }
  }

  private endStatement(): void {
    if (this.stmtStart < 0) return;
    this.out[this.pos++] = 0x3b; // ;
    this.out[this.pos++] = 0x0a;
    this.stmtStart = -1;
  }

  private emitBlock(): void {
    if (this.pos === 0) return;
    const block = this.out.subarray(0, this.pos);
    this.owners.set(block, this.out);
    const rows = this.blockRows;
    this.rawBytes += this.pos;
    this.out = this.spare.pop() ?? Buffer.allocUnsafe(this.out.length);
    this.pos = 0;
    this.blockRows = 0;
    this.options.onBlock(block, rows);
  }

  /**
   * One text-protocol row packet: `buf[start..end)` holds the length-coded values in column order.
   * The hot path of a backup; kept free of allocations.
   */
  encodePacket(buf: Buffer, start: number, end: number): void {
    const kinds = this.kinds;
    const writeValue = this.writeValue;
    const n = kinds.length;
    // Worst case: every byte escaped or hex-encoded (2x), plus quotes, commas and NULLs.
    this.reserve((end - start) * 2 + n * 12 + this.head.length + 8);
    this.openRow();
    const o = this.out;
    let pos = this.pos;
    let p = start;
    for (let i = 0; i < n; i++) {
      if (i > 0) o[pos++] = 0x2c;
      let len = buf[p++] as number;
      if (len === 0xfb) {
        o[pos++] = 0x4e; // NULL
        o[pos++] = 0x55;
        o[pos++] = 0x4c;
        o[pos++] = 0x4c;
        continue;
      }
      if (len >= 0xfc) {
        if (len === 0xfc) {
          len = (buf[p] as number) | ((buf[p + 1] as number) << 8);
          p += 2;
        } else if (len === 0xfd) {
          len = (buf[p] as number) | ((buf[p + 1] as number) << 8) | ((buf[p + 2] as number) << 16);
          p += 3;
        } else {
          len = buf.readUInt32LE(p) + buf.readUInt32LE(p + 4) * 4294967296;
          p += 8;
        }
      }
      pos = writeValue(kinds[i] as number, buf, p, p + len, o, pos);
      p += len;
    }
    if (p !== end) throw new Error(`row packet has ${end - p} unexpected trailing bytes (column count mismatch)`);
    this.pos = pos;
    this.closeRow();
  }

  /** Fallback when rows arrive as arrays of Buffers (driver internals changed): same output. */
  encodeRow(values: ReadonlyArray<Buffer | null>): void {
    const kinds = this.kinds;
    const writeValue = this.writeValue;
    let need = kinds.length * 12 + this.head.length + 8;
    for (const v of values) if (v) need += v.length * 2;
    this.reserve(need);
    this.openRow();
    const o = this.out;
    let pos = this.pos;
    for (let i = 0; i < kinds.length; i++) {
      if (i > 0) o[pos++] = 0x2c;
      const v = values[i];
      if (v === null || v === undefined) {
        pos += o.write('NULL', pos, 'latin1');
        continue;
      }
      pos = writeValue(kinds[i] as number, v, 0, v.length, o, pos);
    }
    this.pos = pos;
    this.closeRow();
  }

  /** A block handed to `onBlock` is no longer needed (compressed and written): reuse its memory. */
  recycle(block: Buffer): void {
    const full = this.owners.get(block);
    if (full) this.adopt(full);
  }

  /** Reuse `full` (a whole output buffer whose block is written) for a later block, if it is big enough. */
  adopt(full: Buffer): void {
    if (this.spare.length < (this.options.maxSpare ?? 2) && full.length >= this.out.length) this.spare.push(full);
  }

  /** End the open statement and hand over the last block. */
  finish(): void {
    this.endStatement();
    this.emitBlock();
  }
}

const parts: InsertEncoderParts = { sqlByteTables, sqlValueWriter, InsertEncoderBase };
/** The main thread's encoder class (the worker builds its own from the same source). */
export const InsertEncoder = insertEncoderRuntime(LARGE_BINARY_BYTES, parts).InsertEncoder;
export type InsertEncoder = InstanceType<typeof InsertEncoder>;
