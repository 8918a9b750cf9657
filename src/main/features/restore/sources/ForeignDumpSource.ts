import { AppError } from '../../../core/AppError';
import { DumpScanner, type SourceInventory } from './inventory';
import { quickInventory } from './quickCheck';
import { FileSource, type RestoreSource } from './RestoreSource';
import { fileIdentity, StatementIndex } from './StatementIndex';
import { openDumpFile, readError, type StatementBatch, type StreamEnd, scanReadable, splitReadable } from './statementStream';

export type { RestoreSource } from './RestoreSource';

/**
 * A plain mysqldump / mariadb-dump (or mydumper single-file) `.sql` or `.sql.gz`. No manifest: the
 * preflight reads the whole file once, which is also the only way to check a gzip's CRC and to know
 * that the file was not cut short (last statement terminated, `-- Dump completed` trailer present).
 */
export class ForeignDumpSource extends FileSource implements RestoreSource {
  readonly format = 'foreign' as const;
  private cached: SourceInventory | null = null;
  private index: StatementIndex | null = null;

  async inventory(
    signal?: AbortSignal,
    onProgress?: (position: number, size: number) => void,
    depth: 'full' | 'quick' = 'full',
  ): Promise<SourceInventory> {
    if (this.cached) return this.cached;
    if (depth === 'quick') {
      const quick = await quickInventory(this.path, (size) => (this.size = size), signal, onProgress);
      // Without the trailer nothing vouches for the end of the file (allowMissingCompletionMarker): read every
      // statement now, so a dump cut mid-statement is refused here, before the first write, not while loading.
      if (quick.complete || quick.problems.length) return quick;
    }
    const index = new StatementIndex(await fileIdentity(this.path));
    const opened = await openDumpFile(this.path);
    this.size = opened.size;
    const scanner = new DumpScanner(this.serverVersion);
    const problems: SourceInventory['problems'] = [];
    let end: StreamEnd | null = null;
    try {
      end = await scanReadable(
        opened.stream,
        (s) => {
          scanner.add(s);
          index.add(s);
        },
        { signal, limit: this.limit, onChunk: () => onProgress?.(opened.position(), opened.size) },
      );
    } catch (err) {
      const e = readError(err);
      if (e instanceof AppError && (e.code === 'BACKUP_INCOMPLETE' || e.code === 'BACKUP_CORRUPT'))
        problems.push({ code: e.code, message: e.message });
      else throw e;
    }
    if (end && !end.tail && problems.length === 0 && index.usable) {
      index.streamBytes = end.bytes ?? 0;
      this.index = index;
    }
    if (end?.tail) {
      problems.push({
        code: 'BACKUP_INCOMPLETE',
        message: `The file ends inside a statement at byte ${end.tail.offset} ("${end.tail.sql.toString('utf8', 0, 60)}…"): it was cut short.`,
      });
    }
    const warnings = scanner.warnings();
    const sawCompleted = end?.sawDumpCompleted ?? false;
    if (end && !sawCompleted) {
      warnings.push(
        'No "-- Dump completed" trailer: the dump may have been cut short at a statement boundary (or made with --skip-comments).',
      );
    }
    const databases = [...scanner.databases];
    this.cached = {
      path: this.path,
      size: opened.size,
      format: 'foreign',
      compressed: opened.compressed,
      complete: problems.length === 0 && sawCompleted,
      problems,
      database: databases.length === 1 ? (databases[0] as string) : null,
      databases,
      charset: scanner.charset,
      collation: scanner.collation,
      serverVersion: null,
      createdAt: null,
      tables: scanner.tableList(),
      ...scanner.findings(),
      rawBytes: scanner.rawBytes,
      warnings,
      manifest: null,
      scanned: true,
    };
    return this.cached;
  }

  /** With the preflight's statement index: cut at its offsets (no second split); else split again. */
  async *statements(signal?: AbortSignal): AsyncGenerator<StatementBatch, StreamEnd, void> {
    const index = this.index;
    if (index) await index.assertSameFile(this.path);
    const opened = await openDumpFile(this.path);
    this.size = opened.size;
    if (!index) return yield* splitReadable(opened.stream, opened.position, signal, this.limit);
    let end: StreamEnd;
    try {
      end = yield* index.slice(opened.stream, opened.position, signal);
    } catch (err) {
      throw readError(err);
    }
    await index.assertSameFile(this.path);
    return end;
  }
}
