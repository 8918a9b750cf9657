import fs from 'node:fs';
import path from 'node:path';
import type { RowDataPacket } from 'mysql2/promise';
import type { DiffCounts, DiffKind, DiffRow, DiffSummary } from '../../../../shared/contract/backupDiff';
import type { JobSnapshot } from '../../../../shared/contract/jobs';
import { AppError } from '../../../core/AppError';
import type { JobRunner } from '../../../platform/jobs/JobRunner';
import type { ConnectionManager } from '../../connections/ConnectionManager';
import type { ProfileService } from '../../profiles/ProfileService';
import { closeQuietly, type DbConnection, openControl, q, rows } from '../../restore/connect';
import {
  diffCounts,
  diffPage,
  keysWhere,
  putBackSql,
  selectionWhere,
  type TableShape,
  tableShape,
  tupleSelect,
  upsertParts,
} from './compareSql';
import { loadTableCopy } from './loadTableCopy';

type Row = RowDataPacket & Record<string, unknown>;
type Key = (string | null)[];
interface Session extends DiffSummary {
  shape: TableShape;
}

/** Rows per INSERT in an export; keys per statement when an explicit selection is given. */
const BATCH = 1000;
const RETURNED_ROWS_MAX = 10_000;
const VALUE_CHARS_MAX = 2000;

/** What BackupDiffService uses of the other services; the App passes them in (it builds one diff service). */
export interface BackupDiffServiceDeps {
  readonly jobs: JobRunner;
  readonly profiles: ProfileService;
  readonly connections: ConnectionManager;
}

/**
 * `backup diff`: one table of a backup against the live table, by primary key (docs/backups.md, "Compare a
 * table with a backup"). The backup's table is loaded into a scratch schema (loadTableCopy), the server
 * compares (compareSql), and the selected rows are exported or put back without passing through this process.
 */
export class BackupDiffService {
  private readonly sessions = new Map<string, Session>();

  /** `app`: the collaborators the App passes in (BackupDiffServiceDeps), not the App itself. */
  constructor(private readonly app: BackupDiffServiceDeps) {}

  start(args: { profileId: string; file: string; table: string }): JobSnapshot {
    const profile = this.app.profiles.get(args.profileId);
    const database = profile.mysql.database;
    if (!database) throw new AppError('INVALID_ARGUMENT', `Profile ${profile.name} names no database to compare with.`);
    return this.app.jobs.start({
      kind: 'backup.diff',
      title: `Compare ${database}.${args.table} with ${path.basename(args.file)}`,
      profileId: profile.id,
      run: async (ctx) => {
        const control = await openControl(this.app, profile.id, null);
        try {
          const started = Date.now();
          ctx.progress({ stage: `loading ${args.table} from the backup`, done: 0, total: null, unit: 'bytes' });
          const copy = await loadTableCopy({
            app: this.app,
            profileId: profile.id,
            control,
            file: args.file,
            database,
            table: args.table,
            signal: ctx.signal,
            onProgress: (done, total) =>
              ctx.progress({ stage: `loading ${args.table} from the backup`, done, total, unit: 'bytes' }),
            log: (level, message) => ctx.log(level, message),
          });
          for (const w of copy.warnings) ctx.log('warn', w);
          const loadMs = Date.now() - started;
          ctx.progress({ stage: 'comparing by primary key', done: 0, total: null, unit: 'steps' });
          try {
            const shape = await tableShape(control, database, copy.schema, args.table);
            const counts = await diffCounts(control, shape);
            const session: Session = {
              diffId: ctx.id,
              profileId: profile.id,
              file: args.file,
              database,
              table: args.table,
              scratchSchema: copy.schema,
              primaryKey: shape.primaryKey,
              columns: shape.columns,
              notCompared: shape.notCompared,
              counts,
              loadMs,
              compareMs: Date.now() - started - loadMs,
              shape,
            };
            this.sessions.set(ctx.id, session);
            ctx.log(
              'info',
              `${args.table}: ${counts.removed} removed, ${counts.changed} changed, ${counts.added} added since the backup (scratch copy ${copy.schema}).`,
            );
            return this.get(ctx.id);
          } catch (err) {
            await control.query(`DROP DATABASE IF EXISTS ${q(copy.schema)}`).catch(() => undefined);
            throw err;
          }
        } finally {
          await closeQuietly(control);
        }
      },
    });
  }

  get(diffId: string): DiffSummary {
    const { shape: _s, ...summary } = this.session(diffId);
    return summary;
  }

  async rows(
    diffId: string,
    kind: DiffKind,
    after: Key | undefined,
    limit: number,
  ): Promise<{ rows: DiffRow[]; next: Key | null }> {
    const s = this.session(diffId);
    return this.withControl(s, async (conn) => {
      const page = await diffPage(conn, s.shape, kind, after, limit);
      const out = page.map((p) => {
        const from = (p.backup ?? p.live) as Row;
        return {
          key: s.primaryKey.map((c) => shown(from[c])),
          backup: p.backup && texts(p.backup),
          live: p.live && texts(p.live),
        };
      });
      return { rows: out, next: out.length === limit ? ((out.at(-1) as DiffRow).key ?? null) : null };
    });
  }

  /** The selected backup rows as `INSERT … ON DUPLICATE KEY UPDATE` batches, streamed from the server. */
  async export(diffId: string, sel: { kinds: ('removed' | 'changed')[]; keys?: Key[]; file?: string }) {
    const s = this.session(diffId);
    return this.withControl(s, async (conn) => {
      const { head, tail } = upsertParts(s.shape, null);
      const chunks: string[] = [];
      const out = sel.file ? fs.createWriteStream(sel.file, { mode: 0o600 }) : null;
      let bytes = 0;
      const write = async (text: string) => {
        bytes += Buffer.byteLength(text);
        if (!out) return void chunks.push(text);
        if (!out.write(text)) await new Promise<void>((r) => out.once('drain', () => r()));
      };
      await write(
        `-- ${sel.kinds.join(' and ')} rows of ${s.database}.${s.table} from ${path.basename(s.file)} (sysndd-admin backup diff)\n`,
      );
      let n = 0;
      let batch: string[] = [];
      const flush = async () => {
        if (batch.length) await write(`${head}\n${batch.join(',\n')}\n${tail};\n`);
        batch = [];
      };
      for (const part of this.selections(s, sel)) {
        // Keyset pages of BATCH rows: constant memory whatever the selection.
        let after: unknown[] | null = null;
        for (;;) {
          const sql = tupleSelect(s.shape, part.where, after !== null, BATCH);
          const page = await rows<Row>(conn, sql, [...part.params, ...(after ?? [])]);
          for (const row of page) {
            if (!out && ++n > RETURNED_ROWS_MAX)
              throw new AppError('INVALID_ARGUMENT', `More than ${RETURNED_ROWS_MAX} rows: export them into a file.`);
            if (out) n++;
            batch.push(String(row.t));
          }
          await flush();
          if (page.length < BATCH) break;
          const last = page.at(-1) as Row;
          after = s.primaryKey.map((_, k) => last[`k${k}`]);
        }
      }
      await flush();
      if (out) await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
      return { rows: n, bytes, file: sel.file ?? null, sql: out ? null : chunks.join('') };
    });
  }

  /** Write the selected backup rows back into the live table, in one transaction, inside the server. */
  async putBack(diffId: string, sel: { kinds: ('removed' | 'changed')[]; keys?: Key[] }) {
    const s = this.session(diffId);
    return this.withControl(s, async (conn) => {
      let selected = 0;
      let affected = 0;
      await conn.query('START TRANSACTION');
      try {
        for (const part of this.selections(s, sel)) {
          const c = await rows<Row>(
            conn,
            `SELECT COUNT(*) AS n FROM ${q(s.scratchSchema)}.${q(s.table)} b WHERE ${part.where}`,
            part.params,
          );
          selected += Number(c[0]?.n ?? 0);
          const [r] = await conn.query(putBackSql(s.shape, part.where), part.params);
          affected += Number((r as { affectedRows?: number }).affectedRows ?? 0);
        }
        await conn.query('COMMIT');
      } catch (err) {
        await conn.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
      const counts: DiffCounts = await diffCounts(conn, s.shape);
      s.counts = counts;
      return { rows: selected, affected, counts };
    });
  }

  async close(diffId: string): Promise<{ dropped: boolean }> {
    const s = this.sessions.get(diffId);
    if (!s) return { dropped: false };
    await this.withControl(s, (conn) => conn.query(`DROP DATABASE IF EXISTS ${q(s.scratchSchema)}`));
    this.sessions.delete(diffId);
    return { dropped: true };
  }

  private *selections(s: Session, sel: { kinds: ('removed' | 'changed')[]; keys?: Key[] }) {
    const where = selectionWhere(s.shape, sel.kinds);
    if (!sel.keys) {
      yield { where, params: [] as unknown[] };
      return;
    }
    for (let k = 0; k < sel.keys.length; k += BATCH) {
      const keys = keysWhere(s.shape, 'b', sel.keys.slice(k, k + BATCH));
      yield { where: `${where}${keys.sql}`, params: keys.params };
    }
  }

  private session(diffId: string): Session {
    const s = this.sessions.get(diffId);
    if (!s) throw new AppError('NOT_FOUND', `No diff ${diffId} (diffs last until closed or until the app stops).`);
    return s;
  }

  private async withControl<T>(s: Session, fn: (conn: DbConnection) => Promise<T>): Promise<T> {
    const conn = await openControl(this.app, s.profileId, null);
    try {
      return await fn(conn);
    } finally {
      await closeQuietly(conn);
    }
  }
}

/** A value as a person reads it: text as is (cut at 2,000 characters), binary that is not UTF-8 as 0x… hex. */
function shown(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (Buffer.isBuffer(v)) {
    const text = v.toString('utf8');
    return Buffer.from(text, 'utf8').equals(v) ? cut(text) : cut(`0x${v.toString('hex')}`);
  }
  return cut(String(v));
}

function cut(text: string): string {
  return text.length > VALUE_CHARS_MAX ? `${text.slice(0, VALUE_CHARS_MAX)}…` : text;
}

function texts(row: Row): Record<string, string | null> {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, shown(v)]));
}
