import type { z } from 'zod';
import { MailHeaders, MailMessage, MessagesSummary } from '../../../../shared/contract/mailpit';
import { AppError } from '../../../core/AppError';

/** Refuse an id list that Mailpit would read as "every message". */
export function assertSelectedIds(ids: readonly string[], action: string): void {
  if (!Array.isArray(ids) || ids.length === 0) {
    throw new AppError(
      'INVALID_ARGUMENT',
      `Refusing to ${action}: no message ids were given, and Mailpit applies an empty list to ALL messages.`,
    );
  }
  if (ids.some((id) => typeof id !== 'string' || id.trim() === '')) {
    throw new AppError('INVALID_ARGUMENT', `Refusing to ${action}: the id list contains an empty id.`);
  }
}

/**
 * Client for Mailpit's REST API v1, used from the main process only: Mailpit answers 403 to browser requests
 * from another origin, and requests without an Origin header (Node's fetch) pass. The built-in capture serves
 * the same API, so this client is the one code path for both. Responses are checked against the contract's
 * schemas so a wrong URL (another web app) fails clearly instead of feeding odd data to the viewer.
 */
export class MailpitClient {
  private readonly base: URL;
  private readonly authorization: string | null;

  constructor(
    baseUrl: string,
    private readonly timeoutMs = 10_000,
  ) {
    let url: URL;
    try {
      url = new URL(baseUrl);
    } catch {
      throw new AppError('INVALID_ARGUMENT', `Not a Mailpit URL: ${baseUrl}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new AppError('INVALID_ARGUMENT', `Mailpit URL must be http(s): ${baseUrl}`);
    // fetch refuses credentials inside URLs; Mailpit's --ui-auth-file expects HTTP basic auth.
    this.authorization = url.username
      ? `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`
      : null;
    url.username = '';
    url.password = '';
    url.search = '';
    url.hash = '';
    if (!url.pathname.endsWith('/')) url.pathname += '/';
    this.base = url;
  }

  /** Base URL without credentials (for messages and event sources). */
  get url(): string {
    return this.base.toString();
  }

  /** The websocket URL of `/api/events` under the same web root. */
  get eventsUrl(): string {
    const u = new URL('api/events', this.base);
    u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
    return u.toString();
  }

  get authHeader(): string | null {
    return this.authorization;
  }

  list(args: { start?: number; limit?: number } = {}): Promise<MessagesSummary> {
    return this.json('api/v1/messages', MessagesSummary, { query: { start: args.start ?? 0, limit: args.limit ?? 50 } });
  }

  search(args: { query: string; start?: number; limit?: number; tz?: string }): Promise<MessagesSummary> {
    const query: Record<string, string | number> = { query: args.query, start: args.start ?? 0, limit: args.limit ?? 50 };
    if (args.tz) query.tz = args.tz;
    return this.json('api/v1/search', MessagesSummary, { query });
  }

  /** Note: Mailpit marks a message read when it is fetched this way. */
  message(id: string): Promise<MailMessage> {
    return this.json(`api/v1/message/${encodeURIComponent(id)}`, MailMessage);
  }

  headers(id: string): Promise<MailHeaders> {
    return this.json(`api/v1/message/${encodeURIComponent(id)}/headers`, MailHeaders);
  }

  async raw(id: string): Promise<string> {
    const res = await this.request(`api/v1/message/${encodeURIComponent(id)}/raw`);
    return res.text();
  }

  async part(id: string, partId: string): Promise<{ contentType: string; data: Buffer }> {
    const res = await this.request(`api/v1/message/${encodeURIComponent(id)}/part/${encodeURIComponent(partId)}`);
    return {
      contentType: res.headers.get('content-type') ?? 'application/octet-stream',
      data: Buffer.from(await res.arrayBuffer()),
    };
  }

  /** Delete exactly these messages. An empty list is refused here: Mailpit would delete everything. */
  async deleteMessages(ids: readonly string[]): Promise<void> {
    assertSelectedIds(ids, 'delete');
    await this.request('api/v1/messages', { method: 'DELETE', body: { IDs: ids } });
  }

  /** Mark exactly these messages read or unread (an empty list would mean all, so it is refused). */
  async setRead(ids: readonly string[], read: boolean): Promise<void> {
    assertSelectedIds(ids, read ? 'mark messages read' : 'mark messages unread');
    await this.request('api/v1/messages', { method: 'PUT', body: { IDs: ids, Read: read } });
  }

  private async json<S extends z.ZodType>(
    path: string,
    schema: S,
    options: { query?: Record<string, string | number> } = {},
  ): Promise<z.output<S>> {
    const res = await this.request(path, options);
    let body: unknown;
    try {
      body = await res.json();
    } catch {
      throw new AppError('MAILPIT_UNREACHABLE', `${this.url} did not answer with JSON at ${path}: is this a Mailpit API URL?`);
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      throw new AppError(
        'MAILPIT_UNREACHABLE',
        `${this.url} answered ${path} with an unexpected shape: is this a Mailpit API URL?`,
        {
          issues: parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`),
        },
      );
    }
    return parsed.data;
  }

  private async request(
    path: string,
    options: { method?: string; query?: Record<string, string | number>; body?: unknown } = {},
  ): Promise<Response> {
    const url = new URL(path, this.base);
    for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { accept: 'application/json, text/plain;q=0.9, */*;q=0.1' };
    if (this.authorization) headers.authorization = this.authorization;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(url, {
        method: options.method ?? 'GET',
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: 'error',
      });
    } catch (err) {
      throw this.unreachable(err);
    }
    if (res.ok) return res;
    const text = (await res.text().catch(() => '')).trim().slice(0, 500);
    if (res.status === 404) throw new AppError('NOT_FOUND', text && text !== '404 page not found' ? text : `Not found: ${path}`);
    if (res.status === 400) throw new AppError('INVALID_ARGUMENT', `Mailpit refused the request: ${text || 'bad request'}`);
    if (res.status === 401) {
      throw new AppError(
        'MAILPIT_UNREACHABLE',
        `${this.url} requires a login (HTTP 401): include user:password in the Mailpit URL.`,
      );
    }
    if (res.status === 403) {
      throw new AppError('MAILPIT_UNREACHABLE', `${this.url} refused the request (HTTP 403): ${text || 'forbidden'}.`);
    }
    throw new AppError('MAILPIT_UNREACHABLE', `${this.url} answered HTTP ${res.status}: ${text}`);
  }

  private unreachable(err: unknown): AppError {
    const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
    if (e.name === 'TimeoutError' || e.name === 'AbortError') {
      return new AppError('MAILPIT_UNREACHABLE', `${this.url} did not answer within ${this.timeoutMs} ms.`);
    }
    const code = e.cause?.code ?? '';
    const why =
      code === 'ECONNREFUSED'
        ? 'nothing listens there — is Mailpit (or the capture) running?'
        : (e.cause?.message ?? e.message ?? String(err));
    return new AppError('MAILPIT_UNREACHABLE', `Cannot reach the Mailpit API at ${this.url}: ${why}`, { cause: code || null });
  }
}
