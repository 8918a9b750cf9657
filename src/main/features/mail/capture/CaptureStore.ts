import type { AppDatabase } from '../../../platform/store/AppDatabase';
import { searchToSql } from './captureSearch';
import type { CapturedMessage, StoredPart } from './parseCaptured';

const SCHEMA = [
  `CREATE TABLE mail_capture (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     id TEXT NOT NULL UNIQUE,
     message_id TEXT NOT NULL,
     created TEXT NOT NULL,
     read INTEGER NOT NULL DEFAULT 0,
     subject TEXT NOT NULL,
     from_json TEXT NOT NULL,
     to_json TEXT NOT NULL,
     cc_json TEXT NOT NULL,
     bcc_json TEXT NOT NULL,
     reply_to_json TEXT NOT NULL,
     return_path TEXT NOT NULL,
     date TEXT NOT NULL,
     username TEXT NOT NULL,
     tags_json TEXT NOT NULL,
     size INTEGER NOT NULL,
     snippet TEXT NOT NULL,
     attachments_json TEXT NOT NULL,
     headers_json TEXT NOT NULL,
     list_unsubscribe_json TEXT NOT NULL,
     text TEXT NOT NULL,
     html TEXT NOT NULL,
     search_text TEXT NOT NULL,
     raw BLOB NOT NULL
   );`,
];

/** A stored row (JSON columns still encoded). */
export interface CaptureRow {
  seq: number;
  id: string;
  message_id: string;
  created: string;
  read: number;
  subject: string;
  from_json: string;
  to_json: string;
  cc_json: string;
  bcc_json: string;
  reply_to_json: string;
  return_path: string;
  date: string;
  username: string;
  tags_json: string;
  size: number;
  snippet: string;
  attachments_json: string;
  headers_json: string;
  list_unsubscribe_json: string;
  text: string;
  html: string;
}

const SUMMARY_COLUMNS =
  'seq, id, message_id, created, read, subject, from_json, to_json, cc_json, bcc_json, reply_to_json, return_path, date, username, tags_json, size, snippet, attachments_json';
const FULL_COLUMNS = `${SUMMARY_COLUMNS}, headers_json, list_unsubscribe_json, text, html`;

export function partsOf(row: Pick<CaptureRow, 'attachments_json'>): StoredPart[] {
  return JSON.parse(row.attachments_json) as StoredPart[];
}

/**
 * Captured mail in the app's SQLite database (module `mail_capture`): one row per message with the parsed
 * fields the API serves and the raw source. Oldest messages are pruned beyond the configured maximum.
 */
export class CaptureStore {
  constructor(private readonly store: AppDatabase) {
    store.ensureSchema('mail_capture', SCHEMA);
  }

  private get db() {
    return this.store.db;
  }

  insert(m: CapturedMessage): void {
    const searchText = [m.subject, m.from.Name, m.from.Address, ...m.to.map((a) => `${a.Name} ${a.Address}`), m.text || m.snippet]
      .join('\n')
      .toLowerCase();
    this.db
      .prepare(
        `INSERT INTO mail_capture (id, message_id, created, read, subject, from_json, to_json, cc_json, bcc_json, reply_to_json,
           return_path, date, username, tags_json, size, snippet, attachments_json, headers_json, list_unsubscribe_json, text, html,
           search_text, raw)
         VALUES (?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        m.id,
        m.messageId,
        m.created,
        m.subject,
        JSON.stringify(m.from),
        JSON.stringify(m.to),
        JSON.stringify(m.cc),
        JSON.stringify(m.bcc),
        JSON.stringify(m.replyTo),
        m.returnPath,
        m.date,
        m.username,
        JSON.stringify(m.tags),
        m.size,
        m.snippet,
        JSON.stringify(m.parts),
        JSON.stringify(m.headers),
        JSON.stringify(m.listUnsubscribe),
        m.text,
        m.html,
        searchText,
        m.raw,
      );
  }

  /** Delete the oldest messages beyond `max`; returns how many went. */
  prune(max: number): number {
    const info = this.db
      .prepare('DELETE FROM mail_capture WHERE seq NOT IN (SELECT seq FROM mail_capture ORDER BY seq DESC LIMIT ?)')
      .run(max);
    return info.changes;
  }

  counts(): { total: number; unread: number } {
    const r = this.db.prepare('SELECT count(*) AS total, coalesce(sum(read = 0), 0) AS unread FROM mail_capture').get() as {
      total: number;
      unread: number;
    };
    return { total: r.total, unread: r.unread };
  }

  /** Bytes the capture's table and its indexes take in the app database (Mailpit's `DatabaseSize`). */
  sizeBytes(): number {
    try {
      const r = this.db
        .prepare(
          `SELECT coalesce(sum(pgsize), 0) AS bytes FROM dbstat
           WHERE name IN (SELECT name FROM sqlite_master WHERE tbl_name = 'mail_capture')`,
        )
        .get() as { bytes: number };
      return r.bytes;
    } catch {
      // An SQLite built without the dbstat table: the stored raw sources are most of it.
      const r = this.db.prepare('SELECT coalesce(sum(length(raw)), 0) AS bytes FROM mail_capture').get() as { bytes: number };
      return r.bytes;
    }
  }

  allTags(): string[] {
    const rows = this.db
      .prepare('SELECT DISTINCT json_each.value AS tag FROM mail_capture, json_each(mail_capture.tags_json) ORDER BY tag')
      .all() as Array<{ tag: string }>;
    return rows.map((r) => r.tag);
  }

  /** Newest first, optionally filtered by a Mailpit search string. */
  page(args: { query?: string; start: number; limit: number }): { rows: CaptureRow[]; count: number; unread: number } {
    const filter = args.query?.trim() ? searchToSql(args.query) : { where: '1 = 1', params: [] };
    const totals = this.db
      .prepare(`SELECT count(*) AS count, coalesce(sum(read = 0), 0) AS unread FROM mail_capture WHERE ${filter.where}`)
      .get(...filter.params) as { count: number; unread: number };
    const rows = this.db
      .prepare(`SELECT ${SUMMARY_COLUMNS}, '' AS headers_json, '' AS list_unsubscribe_json, '' AS text, '' AS html
                FROM mail_capture WHERE ${filter.where} ORDER BY seq DESC LIMIT ? OFFSET ?`)
      .all(...filter.params, args.limit, args.start) as CaptureRow[];
    return { rows, count: totals.count, unread: totals.unread };
  }

  /** Ids matching a search (for delete-by-search and read-by-search). */
  idsMatching(query: string): string[] {
    const filter = searchToSql(query);
    const rows = this.db.prepare(`SELECT id FROM mail_capture WHERE ${filter.where}`).all(...filter.params) as Array<{
      id: string;
    }>;
    return rows.map((r) => r.id);
  }

  /** One message by id, or the newest for "latest". */
  get(id: string): CaptureRow | null {
    const row =
      id === 'latest'
        ? this.db.prepare(`SELECT ${FULL_COLUMNS} FROM mail_capture ORDER BY seq DESC LIMIT 1`).get()
        : this.db.prepare(`SELECT ${FULL_COLUMNS} FROM mail_capture WHERE id = ?`).get(id);
    return (row as CaptureRow | undefined) ?? null;
  }

  raw(id: string): Buffer | null {
    const row = this.db.prepare('SELECT raw FROM mail_capture WHERE id = ?').get(id) as { raw: Buffer } | undefined;
    return row?.raw ?? null;
  }

  /** Returns the ids whose read flag actually changed. */
  setRead(ids: readonly string[], read: boolean): string[] {
    const changed: string[] = [];
    const stmt = this.db.prepare('UPDATE mail_capture SET read = ? WHERE id = ? AND read <> ?');
    this.db.transaction(() => {
      for (const id of ids) if (stmt.run(read ? 1 : 0, id, read ? 1 : 0).changes) changed.push(id);
    })();
    return changed;
  }

  /** Returns the ids that existed and were deleted. */
  delete(ids: readonly string[]): string[] {
    const deleted: string[] = [];
    const stmt = this.db.prepare('DELETE FROM mail_capture WHERE id = ?');
    this.db.transaction(() => {
      for (const id of ids) if (stmt.run(id).changes) deleted.push(id);
    })();
    return deleted;
  }

  deleteAll(): number {
    return this.db.prepare('DELETE FROM mail_capture').run().changes;
  }
}
