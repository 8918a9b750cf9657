import http from 'node:http';
import type net from 'node:net';
import { WebSocketServer } from 'ws';
import { AppError } from '../../../core/AppError';
import type { CaptureStore } from './CaptureStore';
import { messageJson, summaryJson } from './mailpitJson';
import { partContent } from './parseCaptured';

const MAX_BODY_BYTES = 1024 * 1024;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function intParam(url: URL, name: string, fallback: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new HttpError(400, `${name} must be a non-negative integer`);
  return n;
}

async function readJsonBody(req: http.IncomingMessage): Promise<Record<string, unknown> | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'request body too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return null;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function idList(body: Record<string, unknown> | null): string[] | null {
  const ids = body?.IDs;
  if (!Array.isArray(ids) || ids.length === 0) return null;
  return ids.filter((x): x is string => typeof x === 'string');
}

/** Mailpit's RuntimeStats counters, since this capture started (like Mailpit's, they reset on restart). */
export interface CaptureCounters {
  SMTPAccepted: number;
  SMTPAcceptedSize: number;
  SMTPRejected: number;
  SMTPIgnored: number;
  MessagesDeleted: number;
}

export interface CaptureApiHooks {
  version: string;
  /** A change made through the API (delete, read), to broadcast on the events socket. */
  changed(event: { Type: string; Data?: unknown }): void;
}

/**
 * The subset of Mailpit's REST API v1 our viewer uses, plus `/api/events`, over the capture's store. Bound to
 * loopback. Like Mailpit it refuses requests from another browser origin, and it also refuses a Host header
 * that is not loopback, so a web page cannot read captured mail (reset tokens, initial passwords) through
 * DNS rebinding.
 */
export class CaptureHttpApi {
  readonly server: http.Server;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly started = Date.now();
  /** Counted by MailCapture (SMTP) and by the deletes below. */
  readonly counters: CaptureCounters = {
    SMTPAccepted: 0,
    SMTPAcceptedSize: 0,
    SMTPRejected: 0,
    SMTPIgnored: 0,
    MessagesDeleted: 0,
  };

  constructor(
    private readonly store: CaptureStore,
    private readonly hooks: CaptureApiHooks,
  ) {
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        const status =
          err instanceof HttpError ? err.status : err instanceof AppError && err.code === 'INVALID_ARGUMENT' ? 400 : 500;
        const message = err instanceof Error ? err.message : String(err);
        if (!res.headersSent) res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(message);
      });
    });
    this.server.on('upgrade', (req, socket: net.Socket, head) => {
      const url = new URL(req.url ?? '/', 'http://capture.invalid');
      if (url.pathname !== '/api/events' || !this.allowed(req)) {
        socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, req));
    });
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException) => reject(err);
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        resolve((this.server.address() as net.AddressInfo).port);
      });
    });
  }

  broadcast(event: { Type: string; Data?: unknown }): void {
    const frame = JSON.stringify(event);
    for (const client of this.wss.clients) if (client.readyState === client.OPEN) client.send(frame);
  }

  stats(): { Total: number; Unread: number; Version: string } {
    const c = this.store.counts();
    return { Total: c.total, Unread: c.unread, Version: this.hooks.version };
  }

  async close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Loopback Host only (DNS rebinding), and no foreign Origin (like Mailpit without --api-cors). */
  private allowed(req: http.IncomingMessage): boolean {
    const host = (req.headers.host ?? '').toLowerCase();
    const hostName = host.replace(/:\d+$/, '');
    if (!['127.0.0.1', 'localhost', '[::1]'].includes(hostName)) return false;
    const origin = req.headers.origin;
    if (origin) {
      try {
        if (new URL(origin).host.toLowerCase() !== host) return false;
      } catch {
        return false;
      }
    }
    return true;
  }

  private send(res: http.ServerResponse, status: number, body: unknown, type = 'application/json'): void {
    const payload = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    res.writeHead(status, { 'content-type': type, 'content-length': payload.length, 'cache-control': 'no-store' });
    res.end(payload);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (!this.allowed(req)) throw new HttpError(403, 'Forbidden: cross-origin or non-loopback request');
    const url = new URL(req.url ?? '/', 'http://capture.invalid');
    const method = req.method ?? 'GET';
    const path = url.pathname;
    const ok = () => this.send(res, 200, 'ok', 'text/plain; charset=utf-8');

    if (path === '/livez' || path === '/readyz') return ok();
    if (path === '/api/v1/messages' || path === '/api/v1/search') {
      const query = path === '/api/v1/search' ? (url.searchParams.get('query') ?? '') : undefined;
      if (path === '/api/v1/search' && method !== 'DELETE' && method !== 'GET') throw new HttpError(405, 'method not allowed');
      if (method === 'GET')
        return this.send(res, 200, this.summary(query, intParam(url, 'start', 0), intParam(url, 'limit', 50)));
      if (method === 'DELETE') {
        // Mailpit semantics, kept for compatibility: DELETE /messages without IDs empties the mailbox.
        // Our client never sends that (see MailpitClient.assertSelectedIds).
        const ids = path === '/api/v1/search' ? this.store.idsMatching(query ?? '') : idList(await readJsonBody(req));
        if (ids === null) {
          this.counters.MessagesDeleted += this.store.deleteAll();
          this.hooks.changed({ Type: 'truncate' });
        } else {
          const deleted = this.store.delete(ids);
          this.counters.MessagesDeleted += deleted.length;
          for (const id of deleted) this.hooks.changed({ Type: 'delete', Data: { ID: id } });
        }
        this.hooks.changed({ Type: 'stats', Data: this.stats() });
        return ok();
      }
      if (method === 'PUT' && path === '/api/v1/messages') {
        const body = await readJsonBody(req);
        const read = body?.Read === true;
        const search = typeof body?.Search === 'string' ? body.Search : '';
        const ids = idList(body) ?? (search ? this.store.idsMatching(search) : this.store.idsMatching(''));
        for (const id of this.store.setRead(ids, read)) this.hooks.changed({ Type: 'update', Data: { ID: id, Read: read } });
        this.hooks.changed({ Type: 'stats', Data: this.stats() });
        return ok();
      }
      throw new HttpError(405, 'method not allowed');
    }
    if (method !== 'GET') throw new HttpError(405, 'method not allowed');
    if (path === '/api/v1/info') return this.send(res, 200, this.info());
    if (path === '/api/v1/webui') {
      return this.send(res, 200, {
        Label: 'SysNDD Admin capture',
        MessageRelay: {
          Enabled: false,
          SMTPServer: '',
          AllowedRecipients: '',
          BlockedRecipients: '',
          OverrideFrom: '',
          ReturnPath: '',
          PreserveMessageIDs: false,
        },
        SpamAssassin: false,
        ChaosEnabled: false,
        DuplicatesIgnored: false,
        HideDeleteAllButton: true,
      });
    }
    const m = /^\/api\/v1\/message\/([^/]+)(?:\/(headers|raw|part\/([^/]+)))?$/.exec(path);
    if (m) return this.message(res, decodeURIComponent(m[1] as string), m[2], m[3] ? decodeURIComponent(m[3]) : undefined);
    throw new HttpError(404, '404 page not found');
  }

  private summary(query: string | undefined, start: number, limit: number) {
    const page = this.store.page({ query, start, limit });
    const totals = this.store.counts();
    return {
      total: totals.total,
      unread: totals.unread,
      messages_count: page.count,
      messages_unread: page.unread,
      start,
      tags: this.store.allTags(),
      messages: page.rows.map(summaryJson),
    };
  }

  private info() {
    const c = this.store.counts();
    const tags: Record<string, number> = {};
    for (const t of this.store.allTags()) tags[t] = this.store.idsMatching(`tag:"${t}"`).length;
    return {
      Version: this.hooks.version,
      LatestVersion: '',
      Database: 'sysndd-admin.sqlite (mail_capture)',
      DatabaseSize: this.store.sizeBytes(),
      Messages: c.total,
      Unread: c.unread,
      Tags: tags,
      RuntimeStats: {
        Memory: process.memoryUsage().rss,
        ...this.counters,
        Uptime: Math.round((Date.now() - this.started) / 1000),
      },
    };
  }

  private async message(
    res: http.ServerResponse,
    id: string,
    sub: string | undefined,
    partId: string | undefined,
  ): Promise<void> {
    const row = this.store.get(id);
    if (!row) throw new HttpError(404, `Message not found: ${id}`);
    if (!sub) {
      // Like Mailpit, opening a message marks it read.
      if (this.store.setRead([row.id], true).length) {
        this.hooks.changed({ Type: 'update', Data: { ID: row.id, Read: true } });
        this.hooks.changed({ Type: 'stats', Data: this.stats() });
      }
      return this.send(res, 200, messageJson(row));
    }
    if (sub === 'headers') return this.send(res, 200, JSON.parse(row.headers_json));
    const raw = this.store.raw(row.id);
    if (!raw) throw new HttpError(404, `Message not found: ${id}`);
    if (sub === 'raw') return this.send(res, 200, raw, 'text/plain; charset=utf-8');
    const part = await partContent(raw, partId ?? '');
    if (!part) throw new HttpError(404, `Part not found: ${partId}`);
    return this.send(res, 200, part.content, part.contentType);
  }
}
