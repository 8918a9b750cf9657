import { hasHeadroom, STATEMENT_HEADROOM } from '../../../platform/sql/dumpStatement';
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
  readonly config: unknown;
  readonly constructor: {
    createQuery(sql: string, values: undefined, cb: (err: unknown, result: unknown) => void, config: unknown): QueryCommand;
  };
  query(command: QueryCommand): unknown;
  writePacket(packet: CorePacket): void;
}

/**
 * Runs a statement given as the file's bytes, sent as one COM_QUERY exactly as they are, and resolves with
 * what `query()` would (the OK packet's ResultSetHeader). A dump's rows are most of a restore's bytes:
 * making a latin1 string of each statement for `query()`, and mysql2 encoding it back into a packet, cost a
 * copy each way and (the strings being hundreds of KB) a full garbage collection every few MB (issue 16).
 *
 * mysql2 has no public call for a query given as bytes, so its own Query command runs unchanged (sequence
 * ids, OK/error parsing, timeouts, the connection's command queue) for an empty text, and only the packet
 * that command writes is swapped for ours in that one write. Like the SSH ack nudge this leans on mysql2 3.x
 * internals; tests/integration/restore (every dump load on both engines) and tests/integration/restore/
 * queryBytes.test.ts fail if they change.
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
      const write = connection.writePacket;
      const restore = () => {
        if (own) connection.writePacket = write;
        else delete (connection as Partial<CoreConnection>).writePacket;
      };
      connection.writePacket = (p: CorePacket) => {
        restore();
        // The command's packet for the empty text is its header: COM_QUERY, and on MySQL 8 with query
        // attributes the parameter counts (mysql2 decides which); the statement's bytes follow it.
        p.buffer = packetOf(p.buffer.subarray(p.start, p.end), sql);
        p.start = 0;
        p.end = p.buffer.length;
        write.call(connection, p);
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
 * The header followed by the statement: written into the free bytes the splitter left before a statement
 * it assembled (dumpStatement.ts), else a copy. A dump's ~1 MB INSERTs span two 1 MB reads, so most
 * statements have that room and go out without a second copy of their bytes.
 */
function packetOf(header: Buffer, sql: Buffer): Buffer {
  if (header.length > STATEMENT_HEADROOM || !hasHeadroom(sql)) return Buffer.concat([header, sql]);
  const packet = Buffer.from(sql.buffer, sql.byteOffset - header.length, header.length + sql.length);
  header.copy(packet, 0);
  return packet;
}
