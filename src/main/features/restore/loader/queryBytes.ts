import type { DbConnection } from '../connect';

/** The parts of mysql2's callback connection, Query command and packet this module touches. */
interface CorePacket {
  buffer: Buffer;
  start: number;
  end: number;
}
interface QueryCommand {
  start(packet: unknown, connection: CoreConnection): unknown;
}
interface CoreConnection {
  readonly config: { compress?: boolean };
  readonly constructor: {
    createQuery(sql: string, values: undefined, cb: (err: unknown, result: unknown) => void, config: unknown): QueryCommand;
  };
  sequenceId: number;
  query(command: QueryCommand): unknown;
  writePacket(packet: CorePacket): void;
  write(buffer: Buffer): void;
  _bumpSequenceId(packets: number): void;
}

/** The protocol's longest packet payload; a longer statement is sent in parts by mysql2's own writer. */
const MAX_PAYLOAD = 0xffffff;

/**
 * Runs a statement given as the file's bytes, sent as one COM_QUERY exactly as they are, and resolves with
 * what `query()` would (the OK packet's ResultSetHeader). A dump's rows are most of a restore's bytes:
 * making a latin1 string of each statement for `query()`, and mysql2 encoding it back into a packet, cost a
 * copy each way and (the strings being hundreds of KB) a full garbage collection every few MB (issue 16).
 *
 * mysql2 has no public call for a query given as bytes, so its own Query command runs unchanged (sequence
 * ids, OK/error parsing, timeouts, the connection's command queue) for an empty text, and only the one
 * packet that command writes is replaced: its header (COM_QUERY, and on MySQL 8 with query attributes the
 * parameter counts — mysql2 decides which) goes out with the statement's length, then the statement's own
 * buffer, so its bytes are never copied. Like the SSH ack nudge this leans on mysql2 3.x internals
 * (`writePacket`, `sequenceId`, `write`); tests/integration/restore (every dump load on both engines) and
 * tests/integration/restore/queryBytes.test.ts fail if they change.
 */
export function queryBytes(conn: DbConnection, sql: Buffer): Promise<unknown> {
  const core = (conn as unknown as { connection: CoreConnection }).connection;
  return new Promise((resolve, reject) => {
    const command = core.constructor.createQuery(
      '',
      undefined,
      (err, result) => (err ? reject(err) : resolve(result)),
      core.config,
    );
    const start = command.start;
    command.start = function (this: QueryCommand, first: unknown, connection: CoreConnection): unknown {
      const own = Object.hasOwn(connection, 'writePacket');
      const writePacket = connection.writePacket;
      const restore = () => {
        if (own) connection.writePacket = writePacket;
        else delete (connection as Partial<CoreConnection>).writePacket;
      };
      connection.writePacket = (p: CorePacket) => {
        restore();
        sendWithHeader(connection, writePacket, p, sql);
      };
      try {
        return start.call(this, first, connection);
      } finally {
        restore();
      }
    };
    core.query(command);
  });
}

/**
 * `p` is mysql2's packet for the empty text: 4 bytes of length and sequence id, then the command header.
 * Sent as that header with the statement's length, then the statement; a statement over one packet's
 * payload, or a compressed connection, goes through mysql2's writer as one copied packet instead.
 */
function sendWithHeader(connection: CoreConnection, writePacket: (p: CorePacket) => void, p: CorePacket, sql: Buffer): void {
  const header = Buffer.from(p.buffer.subarray(p.start, p.end));
  const payload = header.length - 4 + sql.length;
  if (payload >= MAX_PAYLOAD || connection.config.compress) {
    p.buffer = Buffer.concat([header, sql]);
    p.start = 0;
    p.end = p.buffer.length;
    writePacket.call(connection, p);
    return;
  }
  header.writeUIntLE(payload, 0, 3);
  header[3] = connection.sequenceId;
  connection._bumpSequenceId(1);
  connection.write(header);
  connection.write(sql);
}
