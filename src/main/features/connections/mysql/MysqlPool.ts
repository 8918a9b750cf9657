import { AppError } from '../../../core/AppError';
import { coreStream, destroyQuietly, type MysqlConnection } from './mysqlConnect';

interface Slot {
  conn: MysqlConnection;
  /** Tunnel generation the connection was opened on; a reconnected tunnel makes older ones useless. */
  generation: number;
  lastUsed: number;
  broken: boolean;
}

interface Waiter {
  resolve: (conn: MysqlConnection) => void;
  reject: (err: unknown) => void;
  timer: NodeJS.Timeout;
}

export interface PoolOptions {
  label: string;
  max: number;
  acquireTimeoutMs: number;
  /** Idle connections older than this are pinged before reuse (servers drop idle ones: wait_timeout). */
  validateAfterMs: number;
  open: () => Promise<{ conn: MysqlConnection; generation: number }>;
  currentGeneration: () => number;
}

/**
 * A small MySQL connection pool of our own rather than mysql2's: connections here are opened
 * asynchronously over SSH channels (mysql2's pool wants a synchronous stream factory), must be thrown away
 * when the tunnel under them reconnects, and the UI wants exact figures (total, active, idle, queued).
 */
export class MysqlPool {
  private readonly idle: Slot[] = [];
  private readonly active = new Map<MysqlConnection, Slot>();
  private opening = 0;
  private readonly waiters: Waiter[] = [];
  private closed = false;

  constructor(private readonly o: PoolOptions) {}

  stats(): { max: number; total: number; active: number; idle: number; queued: number } {
    return {
      max: this.o.max,
      total: this.idle.length + this.active.size + this.opening,
      active: this.active.size + this.opening,
      idle: this.idle.length,
      queued: this.waiters.length,
    };
  }

  async acquire(): Promise<MysqlConnection> {
    if (this.closed) throw new AppError('CANCELLED', `The connection pool of ${this.o.label} is closed.`);
    const reused = await this.takeIdle();
    if (reused) return reused;
    if (this.idle.length + this.active.size + this.opening < this.o.max) return this.openNew();
    return new Promise<MysqlConnection>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(
            new AppError(
              'TIMEOUT',
              `All ${this.o.max} MySQL connections of ${this.o.label} stayed busy for ${this.o.acquireTimeoutMs / 1000} s.`,
            ),
          );
        }, this.o.acquireTimeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  /** Give a connection back; `reuse=false` (or a broken or outdated one) closes it instead. */
  release(conn: MysqlConnection, reuse = true): void {
    const slot = this.active.get(conn);
    if (!slot) return;
    this.active.delete(conn);
    slot.lastUsed = Date.now();
    if (!reuse || slot.broken || this.closed || slot.generation !== this.o.currentGeneration()) {
      destroyQuietly(conn);
      this.serveWaiters();
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter) {
      clearTimeout(waiter.timer);
      this.active.set(conn, slot);
      waiter.resolve(conn);
      return;
    }
    this.idle.push(slot);
  }

  /** Drop idle connections (after a tunnel drop they are dead anyway); active ones go when released. */
  drainIdle(): void {
    for (const slot of this.idle.splice(0)) destroyQuietly(slot.conn);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.waiters.splice(0)) {
      clearTimeout(w.timer);
      w.reject(new AppError('CANCELLED', `The connection pool of ${this.o.label} was closed.`));
    }
    const all = [...this.idle.splice(0), ...this.active.values()];
    this.active.clear();
    await Promise.all(
      all.map(async (slot) => {
        if (slot.broken) return destroyQuietly(slot.conn);
        await Promise.race([slot.conn.end().catch(() => {}), new Promise((r) => setTimeout(r, 1000).unref())]);
        destroyQuietly(slot.conn);
      }),
    );
  }

  private async takeIdle(): Promise<MysqlConnection | null> {
    const generation = this.o.currentGeneration();
    for (let slot = this.idle.pop(); slot; slot = this.idle.pop()) {
      if (slot.broken || slot.generation !== generation) {
        destroyQuietly(slot.conn);
        continue;
      }
      this.active.set(slot.conn, slot);
      if (Date.now() - slot.lastUsed > this.o.validateAfterMs) {
        try {
          await withTimeout(slot.conn.ping(), 5000);
        } catch {
          this.active.delete(slot.conn);
          destroyQuietly(slot.conn);
          continue;
        }
      }
      return slot.conn;
    }
    return null;
  }

  private async openNew(): Promise<MysqlConnection> {
    this.opening++;
    let opened: { conn: MysqlConnection; generation: number };
    try {
      opened = await this.o.open();
    } catch (err) {
      this.opening--;
      this.serveWaiters();
      throw err;
    }
    this.opening--;
    const slot: Slot = { conn: opened.conn, generation: opened.generation, lastUsed: Date.now(), broken: false };
    const markBroken = () => {
      slot.broken = true;
      const i = this.idle.indexOf(slot);
      if (i >= 0) {
        this.idle.splice(i, 1);
        destroyQuietly(slot.conn);
      }
    };
    opened.conn.on('error', markBroken);
    coreStream(opened.conn)?.once('close', markBroken);
    if (this.closed) {
      destroyQuietly(opened.conn);
      throw new AppError('CANCELLED', `The connection pool of ${this.o.label} was closed.`);
    }
    this.active.set(opened.conn, slot);
    return opened.conn;
  }

  /** Capacity came free: open a connection for the longest waiter. */
  private serveWaiters(): void {
    if (this.closed || this.waiters.length === 0) return;
    if (this.idle.length + this.active.size + this.opening >= this.o.max) return;
    const waiter = this.waiters.shift() as Waiter;
    clearTimeout(waiter.timer);
    this.acquire().then(waiter.resolve, waiter.reject);
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('timeout')), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}
