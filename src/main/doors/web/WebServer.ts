import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { App } from '../../app/App';
import { AppError } from '../../core/AppError';
import { type CallContext, dispatch } from '../../core/dispatch';
import { SAVE_PATH_PREFIX, serveSaveTicket } from '../../features/backups/remote/saveTickets';
import { EventSocketHub } from './eventSocket';
import { bearerToken, checkHost, checkOrigin, checkToken, firstFailure, type GuardVerdict, socketToken } from './requestGuard';
import { setSecurityHeaders } from './securityHeaders';
import { serveStatic } from './staticFiles';

export interface WebServerOptions {
  app: App;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Only loopback is supported: the token is the sole credential and travels in clear over HTTP. */
  host?: '127.0.0.1';
  /** The built renderer (out/renderer). */
  rendererDir: string;
  /** Largest accepted request body (default 1 MiB); operation arguments are small JSON. */
  maxBodyBytes?: number;
  /** Fixed token (tests); default 32 random bytes, hex. */
  token?: string;
}

export interface RunningWebServer {
  readonly port: number;
  readonly token: string;
  /** `http://127.0.0.1:PORT/` */
  readonly origin: string;
  /** What to open: `http://127.0.0.1:PORT/#token=…` (the fragment never reaches the server or logs). */
  readonly url: string;
  /** Connected event sockets (for tests and status output). */
  socketCount(): number;
  close(): Promise<void>;
}

const CALL_PREFIX = '/api/call/';
const EVENTS_PATH = '/api/events';
const BROWSER_CONTEXT: CallContext = { door: 'browser', actor: 'browser' };

class HttpRefusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

function refuse(res: ServerResponse, verdict: Exclude<GuardVerdict, { ok: true }>): void {
  sendJson(res, verdict.status, { error: verdict.status === 401 ? 'unauthorized' : 'forbidden', message: verdict.message });
}

/**
 * Reads the whole body. An oversized one is read to the end and discarded (up to a hard cap) before the
 * 413 goes out: closing a socket with unread input makes TCP send a reset, and the client would see
 * ECONNRESET instead of our answer.
 */
function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const hardCap = Math.max(limit * 16, 16 * 1024 * 1024);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = Number(req.headers['content-length'] ?? '0') > limit;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
      else if (size > hardCap) req.destroy();
    });
    req.on('end', () => {
      if (tooLarge) reject(new HttpRefusal(413, `Request body too large (limit ${limit} bytes).`));
      else resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

/**
 * The loopback browser door: serves the built renderer and carries the contract over HTTP (calls) and a
 * WebSocket (events). Every call goes through the same `dispatch` as IPC and the CLI.
 */
export async function startWebServer(options: WebServerOptions): Promise<RunningWebServer> {
  const { app, rendererDir } = options;
  const host = options.host ?? '127.0.0.1';
  if (host !== '127.0.0.1') throw new AppError('INVALID_ARGUMENT', 'The web door only listens on 127.0.0.1.');
  if (!fs.existsSync(rendererDir)) {
    throw new AppError(
      'PRECONDITION_FAILED',
      `The renderer is not built (${rendererDir} is missing): run \`npm run build\` first.`,
    );
  }
  const token = options.token ?? randomBytes(32).toString('hex');
  const maxBody = options.maxBodyBytes ?? 1024 * 1024;
  const hub = new EventSocketHub(app.events);
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 64 * 1024,
    // Select our protocol name; never echo the `token.…` entry back (it would show up in devtools/logs).
    handleProtocols: (protocols) => (protocols.has('sysndd-admin') ? 'sysndd-admin' : false),
  });
  let port = 0;

  async function handleCall(req: IncomingMessage, res: ServerResponse, name: string): Promise<void> {
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      sendJson(res, 405, { error: 'method_not_allowed', message: 'Use POST for /api/call/<operation>.' });
      return;
    }
    // Requiring JSON also means a cross-site form or "simple" request can never reach a handler.
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json') {
      sendJson(res, 415, { error: 'unsupported_media_type', message: 'Send the arguments as application/json.' });
      return;
    }
    const text = await readBody(req, maxBody);
    let args: unknown = {};
    if (text.trim() !== '') {
      try {
        args = JSON.parse(text);
      } catch (err) {
        sendJson(res, 400, {
          ok: false,
          code: 'INVALID_ARGUMENT',
          message: `The request body is not valid JSON: ${err instanceof Error ? err.message : String(err)}`,
        });
        return;
      }
    }
    sendJson(res, 200, await dispatch(app.handlers, name, args, BROWSER_CONTEXT));
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    setSecurityHeaders(res, port);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const hostAndOrigin = firstFailure(
      () => checkHost(req.headers, port),
      () => checkOrigin(req.headers, port),
    );
    if (!hostAndOrigin.ok) return refuse(res, hostAndOrigin);
    // "Save as…": a single-use ticket from the token-checked backups.saveTicket call (a navigation has no token).
    if (url.pathname.startsWith(SAVE_PATH_PREFIX) && req.method === 'GET')
      return serveSaveTicket(url.pathname, res, (id) => app.connections.openSftp(id));
    if (url.pathname.startsWith('/api/')) {
      const auth = checkToken(bearerToken(req.headers), token);
      if (!auth.ok) return refuse(res, auth);
      if (!url.pathname.startsWith(CALL_PREFIX)) {
        sendJson(res, 404, { error: 'not_found', message: `No API route ${url.pathname}.` });
        return;
      }
      let name: string;
      try {
        name = decodeURIComponent(url.pathname.slice(CALL_PREFIX.length));
      } catch {
        name = url.pathname.slice(CALL_PREFIX.length);
      }
      return handleCall(req, res, name);
    }
    // Static files need no token (the token lives in the URL fragment, which browsers never send), but
    // Host and Origin were checked above so a rebinding page cannot even read the bundle through us.
    serveStatic(rendererDir, req, res, url.pathname);
  }

  function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const verdict =
      url.pathname !== EVENTS_PATH
        ? ({ ok: false, status: 403, message: 'Unknown WebSocket path.' } as const)
        : firstFailure(
            () => checkHost(req.headers, port),
            () => checkOrigin(req.headers, port),
            () => checkToken(socketToken(req.headers, url), token),
          );
    if (!verdict.ok) {
      const reason = verdict.status === 401 ? 'Unauthorized' : 'Forbidden';
      socket.end(`HTTP/1.1 ${verdict.status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => hub.add(ws));
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) return res.destroy();
      if (err instanceof HttpRefusal) {
        sendJson(res, err.status, { ok: false, code: 'INVALID_ARGUMENT', message: err.message });
        return;
      }
      sendJson(res, 500, { ok: false, code: 'INTERNAL', message: 'Unexpected server error.' });
    });
  });
  server.headersTimeout = 20_000;
  server.requestTimeout = 0; // jobs.wait may legitimately hold a request for minutes.
  server.on('upgrade', upgrade);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new AppError('INTERNAL', 'The web server has no TCP address.');
  port = address.port;
  const origin = `http://127.0.0.1:${port}/`;

  let closed: Promise<void> | null = null;
  return {
    port,
    token,
    origin,
    url: `${origin}#token=${token}`,
    socketCount: () => hub.size,
    close() {
      closed ??= (async () => {
        hub.close();
        wss.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      })();
      return closed;
    },
  };
}

/** `WebServer.start(...)`: the name the rest of the code base uses for the browser door. */
export const WebServer = { start: startWebServer } as const;
