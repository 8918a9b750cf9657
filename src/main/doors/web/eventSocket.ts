import type { WebSocket } from 'ws';
import type { AppEvent } from '../../../shared/contract/events';
import type { EventBus } from '../../core/EventBus';

/** Live progress is coalesced per job to this interval; terminal states and other events go at once. */
const COALESCE_MS = 100;
/** A client this far behind is cut off; it reconnects and resyncs instead of growing our memory. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
const PING_EVERY_MS = 30_000;

/**
 * Fans `app.events` out to the browser's WebSockets. A job may report progress thousands of times a
 * second; the UI needs ~10 updates a second, so running-job snapshots are merged per job and flushed on
 * a short timer (always before any other event, so order is kept where it matters).
 */
export class EventSocketHub {
  private readonly clients = new Set<WebSocket>();
  private readonly pendingJobs = new Map<string, AppEvent>();
  private flushTimer: NodeJS.Timeout | null = null;
  private readonly unsubscribe: () => void;
  private readonly pinger: NodeJS.Timeout;
  private readonly alive = new WeakSet<WebSocket>();

  constructor(events: EventBus) {
    this.unsubscribe = events.subscribe((event) => this.onEvent(event));
    this.pinger = setInterval(() => this.ping(), PING_EVERY_MS);
    this.pinger.unref();
  }

  add(ws: WebSocket): void {
    this.clients.add(ws);
    this.alive.add(ws);
    ws.on('pong', () => this.alive.add(ws));
    ws.on('close', () => this.clients.delete(ws));
    ws.on('error', () => ws.terminate());
    // The browser never sends us anything meaningful; ignore messages instead of parsing them.
  }

  get size(): number {
    return this.clients.size;
  }

  private onEvent(event: AppEvent): void {
    if (this.clients.size === 0) return;
    if (event.type === 'job.updated' && (event.job.state === 'running' || event.job.state === 'queued')) {
      this.pendingJobs.set(event.job.id, event);
      this.flushTimer ??= setTimeout(() => this.flush(), COALESCE_MS);
      return;
    }
    if (event.type === 'job.updated') this.pendingJobs.delete(event.job.id);
    this.flush();
    this.send(event);
  }

  private flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    const batch = [...this.pendingJobs.values()];
    this.pendingJobs.clear();
    for (const event of batch) this.send(event);
  }

  private send(event: AppEvent): void {
    const text = JSON.stringify(event);
    for (const ws of this.clients) {
      if (ws.readyState !== ws.OPEN) continue;
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
        ws.terminate();
        continue;
      }
      ws.send(text);
    }
  }

  private ping(): void {
    for (const ws of this.clients) {
      if (!this.alive.has(ws)) {
        ws.terminate();
        continue;
      }
      this.alive.delete(ws);
      ws.ping();
    }
  }

  close(): void {
    this.unsubscribe();
    clearInterval(this.pinger);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    for (const ws of this.clients) ws.close(1001, 'server shutting down');
    this.clients.clear();
  }
}
