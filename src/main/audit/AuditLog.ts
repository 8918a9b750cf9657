import type { AuditEntry } from '../../shared/contract/audit';
import type { AppDatabase } from '../store/AppDatabase';

const SCHEMA = [
  `CREATE TABLE audit_log (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, actor TEXT NOT NULL,
     action TEXT NOT NULL, profile_id TEXT, target TEXT, result TEXT NOT NULL, details TEXT);
   CREATE INDEX audit_at ON audit_log(at DESC);`,
];

export type { AuditEntry };

/** Append-only record of destructive actions (restore, rollback, migrate, repair, prune, delete). */
export class AuditLog {
  constructor(private readonly store: AppDatabase) {
    store.ensureSchema('audit', SCHEMA);
  }

  record(entry: Omit<AuditEntry, 'id' | 'at'>): number {
    const info = this.store.db
      .prepare('INSERT INTO audit_log (at, actor, action, profile_id, target, result, details) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(
        new Date().toISOString(),
        entry.actor,
        entry.action,
        entry.profileId,
        entry.target,
        entry.result,
        entry.details === undefined ? null : JSON.stringify(entry.details),
      );
    return Number(info.lastInsertRowid);
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
      .all(params) as Array<{
      id: number;
      at: string;
      actor: string;
      action: string;
      profile_id: string | null;
      target: string | null;
      result: AuditEntry['result'];
      details: string | null;
    }>;
    return rows.map((r) => ({
      id: r.id,
      at: r.at,
      actor: r.actor,
      action: r.action,
      profileId: r.profile_id,
      target: r.target,
      result: r.result,
      details: r.details === null ? null : JSON.parse(r.details),
    }));
  }
}
