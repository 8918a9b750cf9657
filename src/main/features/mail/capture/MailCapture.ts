import type net from 'node:net';
import type { SMTPServer, SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import type { CaptureStatus } from '../../../../shared/contract/mail';
import { AppError } from '../../../core/AppError';
import type { AppDatabase } from '../../../platform/store/AppDatabase';
import { APP_VERSION } from '../../../platform/version';
import { CaptureHttpApi } from './CaptureHttpApi';
import { CaptureStore } from './CaptureStore';
import { summaryJson } from './mailpitJson';
import { parseCaptured } from './parseCaptured';

export interface CaptureOptions {
  smtpPort: number;
  httpPort: number;
  maxMessageBytes: number;
  maxMessages: number;
}

const HOST = '127.0.0.1';

class SmtpReplyError extends Error {
  constructor(
    message: string,
    readonly responseCode: number,
  ) {
    super(message);
  }
}

/**
 * The built-in mail capture for machines without Mailpit: an SMTP sink (smtp-server) that parses each message
 * (mailparser) into the app database, and a loopback HTTP server speaking the Mailpit API subset our viewer
 * uses. Plain SMTP on loopback only: no AUTH and no STARTTLS (smtp-server's built-in certificate is expired,
 * and nothing leaves this computer). Messages over the size limit are refused with 552.
 */
export class MailCapture {
  readonly store: CaptureStore;
  private smtp: SMTPServer | null = null;
  private api: CaptureHttpApi | null = null;
  private state: { smtpPort: number; httpPort: number; startedAt: string; options: CaptureOptions } | null = null;
  private readonly listeners = new Set<(id: string) => void>();

  constructor(db: AppDatabase) {
    this.store = new CaptureStore(db);
  }

  /** Called with the id of every message the sink stores. */
  onCaptured(listener: (id: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get url(): string | null {
    return this.state ? `http://${HOST}:${this.state.httpPort}/` : null;
  }

  status(): CaptureStatus {
    const s = this.state;
    return {
      running: s !== null,
      host: HOST,
      smtpPort: s?.smtpPort ?? null,
      httpPort: s?.httpPort ?? null,
      url: this.url,
      maxMessageBytes: s?.options.maxMessageBytes ?? 25 * 1024 * 1024,
      maxMessages: s?.options.maxMessages ?? 500,
      stored: this.store.counts().total,
      startedAt: s?.startedAt ?? null,
    };
  }

  async start(options: CaptureOptions): Promise<CaptureStatus> {
    if (this.state)
      throw new AppError('CONFLICT', `The capture is already running (SMTP ${HOST}:${this.state.smtpPort}); stop it first.`);
    const api = new CaptureHttpApi(this.store, {
      version: `sysndd-admin-capture/${APP_VERSION}`,
      changed: (e) => api.broadcast(e),
    });
    const smtp = await this.createSmtpServer(options, api);
    try {
      const smtpPort = await listen(smtp, options.smtpPort, 'SMTP');
      const httpPort = await api.listen(options.httpPort, HOST).catch((err: NodeJS.ErrnoException) => {
        throw portError(err, options.httpPort, 'HTTP API');
      });
      this.smtp = smtp;
      this.api = api;
      this.state = { smtpPort, httpPort, startedAt: new Date().toISOString(), options };
      return this.status();
    } catch (err) {
      await closeSmtp(smtp);
      await api.close().catch(() => {});
      throw err;
    }
  }

  async stop(): Promise<CaptureStatus> {
    const smtp = this.smtp;
    const api = this.api;
    this.smtp = null;
    this.api = null;
    this.state = null;
    if (smtp) await closeSmtp(smtp);
    if (api) await api.close();
    return this.status();
  }

  private async createSmtpServer(options: CaptureOptions, api: CaptureHttpApi): Promise<SMTPServer> {
    const { SMTPServer } = await import('smtp-server');
    const server = new SMTPServer({
      name: 'sysndd-admin-capture',
      banner: 'SysNDD Admin mail capture',
      disabledCommands: ['AUTH', 'STARTTLS'],
      authOptional: true,
      size: options.maxMessageBytes,
      disableReverseLookup: true,
      logger: false,
      socketTimeout: 60_000,
      closeTimeout: 1_000,
      onData: (stream, session, callback) => this.receive(stream, session, options, api, callback),
    });
    // smtp-server re-emits client socket errors (resets, timeouts); they concern one client, not the sink.
    server.on('error', () => {});
    return server;
  }

  private receive(
    stream: SMTPServerDataStream,
    session: SMTPServerSession,
    options: CaptureOptions,
    api: CaptureHttpApi,
    callback: (err?: Error | null, message?: string) => void,
  ): void {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Keep reading to the end of DATA (the protocol requires it) but stop buffering once over the limit.
      if (size <= options.maxMessageBytes) chunks.push(chunk);
    });
    stream.on('end', () => {
      if (stream.sizeExceeded || size > options.maxMessageBytes) {
        api.counters.SMTPRejected += 1;
        callback(new SmtpReplyError(`Message exceeds the capture's size limit of ${options.maxMessageBytes} bytes`, 552));
        return;
      }
      this.ingest(Buffer.concat(chunks), session, options, api).then(
        (id) => {
          api.counters.SMTPAccepted += 1;
          api.counters.SMTPAcceptedSize += size;
          callback(null, `Ok: queued as ${id}`);
        },
        (err: unknown) => {
          api.counters.SMTPRejected += 1;
          callback(new SmtpReplyError(`Could not store the message: ${err instanceof Error ? err.message : String(err)}`, 451));
        },
      );
    });
  }

  private async ingest(raw: Buffer, session: SMTPServerSession, options: CaptureOptions, api: CaptureHttpApi): Promise<string> {
    const envelope = {
      mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
      rcptTo: session.envelope.rcptTo.map((r) => r.address),
      username: typeof session.user === 'string' ? session.user : '',
    };
    const message = await parseCaptured(raw, envelope);
    this.store.insert(message);
    const pruned = this.store.prune(options.maxMessages);
    api.counters.MessagesDeleted += pruned; // pruned messages are deleted messages too
    const row = this.store.get(message.id);
    if (row) api.broadcast({ Type: 'new', Data: summaryJson(row) });
    if (pruned) api.broadcast({ Type: 'prune' });
    api.broadcast({ Type: 'stats', Data: api.stats() });
    for (const l of this.listeners) l(message.id);
    return message.id;
  }
}

function portError(err: NodeJS.ErrnoException, port: number, what: string): AppError {
  if (err.code === 'EADDRINUSE') {
    return new AppError(
      'CONFLICT',
      `Port ${port} for the capture's ${what} is in use (is Mailpit running?). Choose another port or use that Mailpit.`,
    );
  }
  if (err.code === 'EACCES')
    return new AppError('PRECONDITION_FAILED', `Not allowed to listen on port ${port} for the capture's ${what}.`);
  return new AppError('INTERNAL', `The capture's ${what} could not listen on port ${port}: ${err.message}`);
}

function listen(server: SMTPServer, port: number, what: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => reject(portError(err, port, what));
    server.server.once('error', onError);
    server.listen(port, HOST, () => {
      server.server.off('error', onError);
      resolve((server.server.address() as net.AddressInfo).port);
    });
  });
}

function closeSmtp(server: SMTPServer): Promise<void> {
  return new Promise((resolve) => {
    if (!server.server.listening) return resolve();
    server.close(() => resolve());
  });
}
