import WebSocket from 'ws';
import type { MailWatchState } from '../../../../shared/contract/events';
import { MailpitEvent } from '../../../../shared/contract/mailpit';

export interface EventEndpoint {
  url: string;
  authorization: string | null;
}

/** What the stream reports: `failed` means the last attempt did not connect (it keeps retrying). */
export interface StreamState {
  state: MailWatchState;
  detail: string | null;
}

/**
 * A live connection to Mailpit's `/api/events` websocket that reconnects with backoff while it is wanted.
 * The endpoint is resolved on every (re)connect, so a capture restarted on a new port is found again.
 */
export class MailpitEventStream {
  private socket: WebSocket | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private backoffMs = 250;
  private readonly openWaiters = new Set<() => void>();
  private current: StreamState = { state: 'connecting', detail: null };

  constructor(
    private readonly endpoint: () => EventEndpoint | null,
    private readonly onEvent: (event: MailpitEvent) => void,
    private readonly maxBackoffMs = 5_000,
    private readonly onState: (state: StreamState) => void = () => {},
  ) {}

  /** The websocket's real state (the viewer's "live" badge follows this, not the watch call). */
  get state(): StreamState {
    return this.current;
  }

  private report(state: MailWatchState, detail: string | null): void {
    if (this.current.state === state && this.current.detail === detail) return;
    this.current = { state, detail };
    this.onState(this.current);
  }

  get connected(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  start(): void {
    this.stopped = false;
    if (!this.socket && !this.timer) this.connect();
  }

  /** Resolves true once connected, false when the time runs out first. */
  waitOpen(timeoutMs: number): Promise<boolean> {
    if (this.connected) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.openWaiters.delete(done);
        resolve(this.connected);
      };
      const t = setTimeout(done, timeoutMs);
      this.openWaiters.add(done);
    });
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const s = this.socket;
    this.socket = null;
    if (s) {
      s.removeAllListeners();
      s.on('error', () => {});
      s.terminate();
    }
    for (const w of [...this.openWaiters]) w();
  }

  private connect(): void {
    this.timer = null;
    if (this.stopped) return;
    const ep = this.endpoint();
    if (!ep) {
      this.report('failed', 'The source is not available (capture stopped or no Mailpit URL).');
      this.retry();
      return;
    }
    const headers: Record<string, string> = {};
    if (ep.authorization) headers.authorization = ep.authorization;
    const socket = new WebSocket(ep.url, { headers, handshakeTimeout: 5_000 });
    this.socket = socket;
    // The reason of the last failed attempt, for the badge's tooltip ("connect ECONNREFUSED …").
    let lastError: string | null = null;
    socket.on('open', () => {
      this.backoffMs = 250;
      this.report('connected', null);
      for (const w of [...this.openWaiters]) w();
    });
    socket.on('message', (data) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(data.toString());
      } catch {
        return; // Not an event frame; Mailpit only sends JSON.
      }
      const event = MailpitEvent.safeParse(parsed);
      if (event.success) this.onEvent(event.data);
    });
    socket.on('error', (err) => {
      lastError = err.message; // 'close' follows and schedules the reconnect.
    });
    socket.on('close', () => {
      if (this.socket === socket) this.socket = null;
      if (this.stopped) return;
      // A live connection that dropped is "reconnecting" until the next attempt; an attempt that never
      // opened is "failed" (still retried with backoff), so an unreachable Mailpit never looks live.
      if (this.current.state === 'connected') this.report('reconnecting', lastError ?? 'The connection closed.');
      else this.report('failed', lastError ?? 'The connection closed before it opened.');
      this.retry();
    });
  }

  private retry(): void {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => this.connect(), this.backoffMs);
    this.timer.unref();
    this.backoffMs = Math.min(this.backoffMs * 2, this.maxBackoffMs);
  }
}
