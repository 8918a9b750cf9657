import type { Duplex } from 'node:stream';
import { AppError } from '../../../core/AppError';
import { mapMysqlConnectError } from '../errors';

/** What the MySQL/MariaDB server says first, before any credential is sent. */
export interface MysqlGreeting {
  protocol: number;
  serverVersion: string;
  connectionId: number;
  /** CLIENT_SSL capability: the server can switch this connection to TLS. */
  tlsOffered: boolean;
}

const CLIENT_SSL = 0x0800;

/** Parse the initial handshake packet payload (protocol 10), or throw the error packet the server sent. */
export function parseGreeting(payload: Buffer): MysqlGreeting {
  const protocol = payload[0] ?? 0;
  if (protocol === 0xff) {
    const errno = payload.readUInt16LE(1);
    const text = payload
      .subarray(3)
      .toString('utf8')
      .replace(/^#[0-9A-Z]{5}/, '');
    throw Object.assign(new Error(text), { errno, sqlMessage: text, code: `ER_${errno}` });
  }
  if (protocol !== 10)
    throw new AppError('DB_QUERY_FAILED', `The server spoke MySQL protocol ${protocol}, not 10. Is this a MySQL/MariaDB port?`);
  const end = payload.indexOf(0, 1);
  if (end < 0 || payload.length < end + 1 + 4 + 8 + 1 + 2)
    throw new AppError('DB_QUERY_FAILED', 'The server greeting is truncated. Is this a MySQL/MariaDB port?');
  const serverVersion = payload.subarray(1, end).toString('utf8');
  let off = end + 1;
  const connectionId = payload.readUInt32LE(off);
  off += 4 + 8 + 1;
  const caps = payload.readUInt16LE(off);
  return { protocol, serverVersion: serverVersion.replace(/^5\.5\.5-/, ''), connectionId, tlsOffered: (caps & CLIENT_SSL) !== 0 };
}

/**
 * Read the server greeting from a fresh transport and push the bytes back (`unshift`) so mysql2 can
 * run the real handshake on the same connection: one connection, but the staged test can tell "the server
 * answered" apart from "the server refused the login", and learns whether TLS is on offer.
 */
export function readGreeting(
  stream: Duplex,
  target: { host: string; port: number; user: string; viaSsh: boolean },
  timeoutMs = 10_000,
): Promise<MysqlGreeting> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (fn: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      stream.removeListener('readable', onReadable);
      stream.removeListener('end', onEnd);
      stream.removeListener('close', onEnd);
      stream.removeListener('error', onError);
      fn();
    };
    const onReadable = () => {
      for (let chunk = stream.read() as Buffer | null; chunk !== null; chunk = stream.read() as Buffer | null) chunks.push(chunk);
      const buf = Buffer.concat(chunks);
      if (buf.length < 4) return;
      const len = buf.readUIntLE(0, 3);
      if (buf.length < 4 + len) return;
      finish(() => {
        stream.unshift(buf);
        try {
          resolve(parseGreeting(buf.subarray(4, 4 + len)));
        } catch (err) {
          reject(mapMysqlConnectError(err, target));
        }
      });
    };
    const onEnd = () =>
      finish(() =>
        reject(
          new AppError(
            target.viaSsh ? 'TUNNEL_FAILED' : 'HOST_UNREACHABLE',
            `The connection to ${target.host}:${target.port} closed before MySQL said hello. Is MySQL listening there?`,
          ),
        ),
      );
    const onError = (err: Error) => finish(() => reject(mapMysqlConnectError(err, target)));
    const timer = setTimeout(
      () =>
        finish(() =>
          reject(
            new AppError(
              'TIMEOUT',
              `No MySQL greeting from ${target.host}:${target.port} within ${timeoutMs / 1000} s. Is this a MySQL port?`,
            ),
          ),
        ),
      timeoutMs,
    );
    stream.on('readable', onReadable);
    stream.once('end', onEnd);
    stream.once('close', onEnd);
    stream.once('error', onError);
  });
}
