import type net from 'node:net';
import tls from 'node:tls';
import { SmtpProtocolError } from './smtpFailure';

export interface SmtpReply {
  code: number;
  lines: string[];
  /** The reply as the server sent it, lines joined with newlines. */
  text: string;
}

const MAX_REPLY_BYTES = 64 * 1024;

/**
 * A minimal SMTP reply reader and command writer over one socket, for the staged diagnosis. It exists so
 * every phase (greeting, EHLO, STARTTLS, AUTH) can be timed and inspected on its own, which nodemailer's
 * all-in-one `verify()` does not allow. Errors are raised in nodemailer's shape (code, command, responseCode).
 */
export class SmtpLineClient {
  private buffer = '';
  private waiter: { resolve: (r: SmtpReply) => void; reject: (e: Error) => void; command: string } | null = null;
  private failure: Error | null = null;

  constructor(
    private socket: net.Socket,
    private readonly timeoutMs: number,
  ) {
    this.attach(socket);
  }

  get currentSocket(): net.Socket {
    return this.socket;
  }

  private readonly onData = (chunk: Buffer) => {
    this.buffer += chunk.toString('utf8');
    if (this.buffer.length > MAX_REPLY_BYTES) {
      this.fail(new SmtpProtocolError('The server sent an oversized reply.', 'EPROTOCOL', this.waiter?.command ?? 'CONN'));
      return;
    }
    this.drain();
  };
  private readonly onError = (err: NodeJS.ErrnoException) => {
    this.fail(
      new SmtpProtocolError(err.message, 'ESOCKET', this.waiter?.command ?? 'CONN', {
        errno: err.code ?? err.errno,
        syscall: err.syscall,
      }),
    );
  };
  private readonly onClose = () => {
    this.fail(new SmtpProtocolError('Connection closed unexpectedly', 'ECONNECTION', this.waiter?.command ?? 'CONN'));
  };

  private attach(socket: net.Socket): void {
    socket.on('data', this.onData);
    socket.on('error', this.onError);
    socket.on('close', this.onClose);
  }

  private detach(socket: net.Socket): void {
    socket.off('data', this.onData);
    socket.off('error', this.onError);
    socket.off('close', this.onClose);
  }

  private fail(err: Error): void {
    if (!this.failure) this.failure = err;
    const w = this.waiter;
    this.waiter = null;
    w?.reject(err);
  }

  /** Parse complete replies: `250-…` continues, `250 …` ends a reply. */
  private drain(): void {
    if (!this.waiter) return;
    const lines = this.buffer.split(/\r?\n/);
    const collected: string[] = [];
    for (let i = 0; i < lines.length - 1; i++) {
      const line = lines[i] as string;
      collected.push(line);
      const m = /^(\d{3})([ -])?/.exec(line);
      if (!m) {
        this.fail(new SmtpProtocolError(`Not an SMTP reply: "${line.slice(0, 80)}"`, 'EPROTOCOL', this.waiter.command));
        return;
      }
      if (m[2] !== '-') {
        this.buffer = lines.slice(i + 1).join('\r\n');
        const reply: SmtpReply = {
          code: Number(m[1]),
          lines: collected.map((l) => l.slice(4)),
          text: collected.join('\n'),
        };
        const w = this.waiter;
        this.waiter = null;
        w.resolve(reply);
        return;
      }
    }
  }

  /** Wait for the next complete reply (the greeting, or the answer to a command). */
  read(command: string, timeoutType = 'SOCKET_TIMEOUT'): Promise<SmtpReply> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<SmtpReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        const what = command === 'CONN' ? 'Greeting never received' : `No reply to ${command}`;
        reject(new SmtpProtocolError(`${what} within ${this.timeoutMs} ms`, 'ETIMEDOUT', command, { timeoutType }));
      }, this.timeoutMs);
      this.waiter = {
        command,
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.drain();
    });
  }

  /** Send a command line and wait for its reply. `shown` replaces the line in errors (AUTH payloads). */
  async command(line: string, shown = line.split(' ')[0] ?? line): Promise<SmtpReply> {
    if (this.failure) throw this.failure;
    this.socket.write(`${line}\r\n`);
    return this.read(shown);
  }

  /** Upgrade this connection to TLS (STARTTLS) and keep reading replies on the encrypted socket. */
  async upgrade(options: tls.ConnectionOptions): Promise<tls.TLSSocket> {
    const plain = this.socket;
    this.detach(plain);
    this.buffer = ''; // RFC 3207: forget anything received before the handshake.
    const secure = await connectTls({ ...options, socket: plain }, this.timeoutMs, 'STARTTLS');
    this.socket = secure;
    this.attach(secure);
    return secure;
  }

  close(): void {
    this.detach(this.socket);
    this.socket.on('error', () => {});
    this.socket.destroy();
  }
}

/**
 * The socket `open` makes, once it emits `ready` ('connect', 'secureConnect'). Rejects with `timedOut()`
 * after `timeoutMs`, or with `failed(err)` on a socket error (nodemailer's shapes); the socket is destroyed.
 */
export function socketReady<S extends net.Socket>(
  open: () => S,
  ready: 'connect' | 'secureConnect',
  timeoutMs: number,
  timedOut: () => Error,
  failed: (err: NodeJS.ErrnoException) => Error,
): Promise<S> {
  return new Promise((resolve, reject) => {
    const socket = open();
    const timer = setTimeout(() => {
      socket.destroy();
      reject(timedOut());
    }, timeoutMs);
    socket.once(ready, () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      reject(failed(err));
    });
  });
}

/** tls.connect as a promise, with a handshake timeout and errors in nodemailer's shape. */
export function connectTls(options: tls.ConnectionOptions, timeoutMs: number, command: string): Promise<tls.TLSSocket> {
  return socketReady(
    () => tls.connect(options),
    'secureConnect',
    timeoutMs,
    () =>
      new SmtpProtocolError(`TLS handshake timed out after ${timeoutMs} ms`, 'ETIMEDOUT', command, {
        timeoutType: 'UPGRADE_TIMEOUT',
      }),
    (err) =>
      new SmtpProtocolError(err.message, command === 'CONN' ? 'ESOCKET' : 'ETLS', command, {
        errno: err.code,
        syscall: err.syscall,
      }),
  );
}
