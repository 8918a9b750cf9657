import fs from 'node:fs';
import { Readable } from 'node:stream';
import type { BackupManifest, BackupMember } from '../../../../shared/contract/backups';
import { AppError } from '../../../core/AppError';
import type { StatementLimit } from '../../../core/statementLimit';
import { DumpSplitter, type SplitStatement } from '../../../platform/sql/dumpSplitter';
import {
  openLocalSource,
  openMemberStream,
  readManifest,
  readMemberWhole,
  verifyBackupFile,
  WHOLE_MEMBER_MAX_BYTES,
} from '../../backups/format/index';
import { DumpScanner, emptyInventory, type SourceInventory } from './inventory';
import { FileSource, type RestoreSource } from './RestoreSource';
import { readError, type StatementBatch, type StreamEnd, scanReadable, splitReadable } from './statementStream';

/**
 * A SysNDD Admin backup (docs/backup-format.md). The manifest says what is inside (tables, exact rows,
 * CHECKSUM TABLE values) and the SHA-256 of every gzip member; the preflight re-hashes all members before
 * anything is written, and each member is hashed again while it is replayed (a file changed in between
 * fails the load, before the swap).
 */
export class BackupFileSource extends FileSource implements RestoreSource {
  readonly format = 'sysndd-admin' as const;
  private manifest: BackupManifest | null = null;

  async inventory(signal?: AbortSignal, onProgress?: (position: number, size: number) => void): Promise<SourceInventory> {
    this.size = (await fs.promises.stat(this.path)).size;
    const base = emptyInventory({ path: this.path, size: this.size, format: 'sysndd-admin', compressed: true, scanned: true });
    try {
      // Hashes only: gzip validity of each member is checked again while it is replayed (before the swap).
      const report = await verifyBackupFile(this.path, {
        signal,
        inflate: false,
        onProgress: (p) => onProgress?.(p.bytesDone, p.bytesTotal),
      });
      this.manifest = report.manifest;
    } catch (err) {
      if (err instanceof AppError && (err.code === 'BACKUP_INCOMPLETE' || err.code === 'BACKUP_CORRUPT')) {
        const problems = (err.details as { problems?: SourceInventory['problems'] } | undefined)?.problems;
        return { ...base, problems: problems?.length ? problems : [{ code: err.code, message: err.message }] };
      }
      throw err;
    }
    const m = this.manifest as BackupManifest;
    const scanner = new DumpScanner(this.serverVersion);
    for (const member of m.members.filter((x) => x.kind === 'objects' || x.kind === 'schema')) {
      await scanReadable(openMemberStream(this.path, member), (s) => scanner.add(s), { signal, limit: this.limit });
    }
    return {
      ...base,
      complete: true,
      database: m.source.database,
      databases: [m.source.database],
      charset: m.source.charset,
      collation: m.source.collation,
      serverVersion: m.source.serverVersion,
      createdAt: m.createdAt,
      tables: m.tables.map((t) => ({ name: t.name, rows: t.rows, rawBytes: t.rawBytes, checksum: t.checksum })),
      ...scanner.findings(),
      rawBytes: m.members.reduce((a, x) => a + x.rawBytes, 0),
      warnings: [...m.warnings],
      manifest: m,
    };
  }

  async *statements(signal?: AbortSignal): AsyncGenerator<StatementBatch, StreamEnd, void> {
    const m = this.manifest ?? (await readManifest(this.path));
    this.manifest = m;
    // Progress runs over the inflated SQL bytes: the manifest knows them exactly, per member.
    this.size = m.members.reduce((a, x) => a + x.rawBytes, 0);
    const src = await openLocalSource(this.path);
    // Members of ordinary size are read whole, one ahead: the next one inflates on the thread pool while
    // this one is split and sent. A member bigger than that (one huge row), inflated or not, is streamed:
    // the manifest's sizes come from the file, so both bound what one read may allocate.
    const whole = (i: number): Promise<Buffer> | null => {
      const member = m.members[i];
      if (!member || member.rawBytes > WHOLE_MEMBER_MAX_BYTES || member.length > WHOLE_MEMBER_MAX_BYTES) return null;
      const p = readMemberWhole(src, member);
      p.catch(() => undefined); // awaited below; a failure of a prefetched member must not go unhandled
      return p;
    };
    let before = 0;
    let next = whole(0);
    try {
      for (let i = 0; i < m.members.length; i++) {
        const member = m.members[i] as BackupMember;
        const current = next;
        next = whole(i + 1);
        const raw = current ? await current : null;
        if (raw && member.kind === 'table-data') {
          if (signal?.aborted) throw new AppError('CANCELLED', 'Cancelled by request.');
          yield {
            statements: splitTableData(raw, before, member, this.path, this.limit),
            position: before + member.rawBytes,
          };
          before += member.rawBytes;
          continue;
        }
        const input = raw ? Readable.from([raw]) : openMemberStream(this.path, member);
        const it = splitReadable(input, () => 0, signal, this.limit);
        let end: StreamEnd;
        let inMember = 0;
        try {
          for (;;) {
            const r = await it.next();
            if (r.done) {
              end = r.value;
              break;
            }
            for (const s of r.value.statements) inMember += s.sql.length;
            yield { statements: r.value.statements, position: before + Math.min(inMember, member.rawBytes) };
          }
        } catch (err) {
          throw readError(err);
        }
        if (end.tail) throw memberCut(member, this.path);
        before += member.rawBytes;
      }
    } finally {
      await src.close().catch(() => undefined);
    }
    return { tail: null, sawDumpCompleted: true };
  }
}

/**
 * Statements of one of our table-data members, already in memory (≤ 16 MiB), through the dump splitter
 * like any file: a forged member is read as the server would read it, and the splitter's body scan lets
 * plain rows be judged and sent as bytes (sideEffects.ts) — the side-effect search over the text was the
 * largest item of a restore from our own backup. Rows come from the manifest, so tuples are not counted.
 */
function splitTableData(raw: Buffer, base: number, member: BackupMember, file: string, limit: StatementLimit): SplitStatement[] {
  const out: SplitStatement[] = [];
  const splitter = new DumpSplitter({ limit, startOffset: base });
  const emit = (s: SplitStatement) => out.push({ ...s, topLevelParens: 0 });
  splitter.push(raw, emit);
  if (splitter.end(emit)) throw memberCut(member, file);
  return out;
}

function memberCut(member: BackupMember, file: string): AppError {
  return new AppError(
    'BACKUP_CORRUPT',
    `${file}: member at ${member.offset} (${member.kind}${member.table ? ` ${member.table}` : ''}) ends inside a statement.`,
  );
}
