import { DEFAULT_STATEMENT_LIMIT, type StatementLimit } from '../../../core/statementLimit';
import type { SourceInventory } from './inventory';
import type { StatementBatch, StreamEnd } from './statementStream';

export interface RestoreSource {
  readonly path: string;
  readonly format: 'sysndd-admin' | 'foreign';
  /** Read (and for ours, verify) the whole file without writing anything. `quick`: for a foreign dump only
   * what must be known before writing (gzip CRC, the completion trailer), not every statement. */
  inventory(
    signal?: AbortSignal,
    onProgress?: (position: number, size: number) => void,
    depth?: 'full' | 'quick',
  ): Promise<SourceInventory>;
  /** The statements to replay, in file order; `position` is in file bytes (see `totalBytes`). */
  statements(signal?: AbortSignal): AsyncGenerator<StatementBatch, StreamEnd, void>;
  /** File bytes the progress `position` runs up to. */
  totalBytes(): number;
}

/** What both file sources hold: the file, the target server's version, its statement limit, the progress total. */
export abstract class FileSource {
  /** File bytes the progress `position` runs up to (set by `inventory` and `statements`). */
  protected size = 0;

  constructor(
    readonly path: string,
    protected readonly serverVersion: number,
    /** The target's statement limit: the scan and the load refuse a longer statement (STATEMENT_TOO_LARGE). */
    protected readonly limit: StatementLimit = DEFAULT_STATEMENT_LIMIT,
  ) {}

  totalBytes(): number {
    return this.size;
  }
}
