import type { AuditEntry, AuditResult } from '../../../shared/contract/audit';
import type { AppDatabase } from '../../platform/store/AppDatabase';

const SCHEMA = [
  `CREATE TABLE audit_log (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, actor TEXT NOT NULL,
     action TEXT NOT NULL, profile_id TEXT, target TEXT, result TEXT NOT NULL, details TEXT);
   CREATE INDEX audit_at ON audit_log(at DESC);`,
  // v2: the door in its own column; rows are updated in place as an action moves on (requested → started → …).
  `ALTER TABLE audit_log ADD COLUMN door TEXT;
   ALTER TABLE audit_log ADD COLUMN updated_at TEXT;
   UPDATE audit_log SET updated_at = at;`,
];

export type { AuditEntry };

export type NewAuditEntry = Omit<AuditEntry, 'id' | 'at' | 'updatedAt' | 'door'> & { door?: string | null };

interface Row {
  id: number;
  at: string;
  updated_at: string | null;
  actor: string;
  door: string | null;
  action: string;
  profile_id: string | null;
  target: string | null;
  result: AuditResult;
  details: string | null;
}

const json = (details: unknown) => (details === undefined ? null : JSON.stringify(details));

/**
 * The audit log of destructive actions (restore, rollback, migrate, repair, prune, delete). Rows are never
 * deleted; `core/dispatch` writes one row per action and moves its result along (`settle`), so a reader sees
 * each action once with its outcome.
 */
export class AuditLog {
  constructor(private readonly store: AppDatabase) {
    store.ensureSchema('audit', SCHEMA);
  }

  /** A complete row in one go (actions of the app itself, e.g. cleaning up after a crash). */
  record(entry: NewAuditEntry): number {
    const now = new Date().toISOString();
    const info = this.store.db
      .prepare(
        'INSERT INTO audit_log (at, updated_at, actor, door, action, profile_id, target, result, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        now,
        now,
        entry.actor,
        entry.door ?? null,
        entry.action,
        entry.profileId,
        entry.target,
        entry.result,
        json(entry.details),
      );
    return Number(info.lastInsertRowid);
  }

  /**
   * Move an action's row on: new result, and `details` merged into what the row already holds (objects are
   * merged key by key, so `started` details survive the outcome's).
   */
  settle(id: number, result: AuditResult, details?: Record<string, unknown>): void {
    const row = this.store.db.prepare('SELECT details FROM audit_log WHERE id = ?').get(id) as
      | { details: string | null }
      | undefined;
    if (!row) return;
    const before: unknown = row.details === null ? null : JSON.parse(row.details);
    const merged =
      details === undefined
        ? before
        : before && typeof before === 'object' && !Array.isArray(before)
          ? { ...(before as Record<string, unknown>), ...details }
          : details;
    this.store.db
      .prepare('UPDATE audit_log SET result = ?, details = ?, updated_at = ? WHERE id = ?')
      .run(result, json(merged), new Date().toISOString(), id);
  }

  get(id: number): AuditEntry | null {
    const row = this.store.db.prepare('SELECT * FROM audit_log WHERE id = ?').get(id) as Row | undefined;
    return row ? toEntry(row) : null;
  }

  /** Distinct action names, alphabetical (the audit page's filter choices). */
  actions(): string[] {
    const rows = this.store.db.prepare('SELECT DISTINCT action FROM audit_log ORDER BY action').all() as Array<{
      action: string;
    }>;
    return rows.map((r) => r.action);
  }

  list(filter: { action?: string; profileId?: string; result?: AuditEntry['result']; limit?: number } = {}): AuditEntry[] {
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: filter.limit ?? 500 };
    if (filter.action) where.push('action = @action'), (params.action = filter.action);
    if (filter.profileId) where.push('profile_id = @profileId'), (params.profileId = filter.profileId);
    if (filter.result) where.push('result = @result'), (params.result = filter.result);
    const rows = this.store.db
      .prepare(`SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT @limit`)
      .all(params) as Row[];
    return rows.map(toEntry);
  }
}

function toEntry(r: Row): AuditEntry {
  return {
    id: r.id,
    at: r.at,
    updatedAt: r.updated_at ?? r.at,
    actor: r.actor,
    door: r.door,
    action: r.action,
    profileId: r.profile_id,
    target: r.target,
    result: r.result,
    details: r.details === null ? null : JSON.parse(r.details),
  };
}
