import type { LoadedTable } from './DumpLoader';

/** What a load counted: tables and their rows, and what it skipped or left out (named for the job log). */
export class LoadTally {
  private readonly tables = new Map<string, LoadedTable>();
  /** Tables whose row count the file cannot tell (INSERT … SELECT, REPLACE, IGNORE). */
  private readonly uncountable = new Set<string>();
  private readonly skipped = new Map<string, number>();
  private readonly examples = new Map<string, string[]>();
  private readonly noted = new Map<string, number>();
  rows = 0;
  bytes = 0;
  statements = 0;

  table(name: string): LoadedTable {
    let t = this.tables.get(name);
    if (!t) {
      t = { name, fileRows: 0, affectedRows: 0 };
      this.tables.set(name, t);
    }
    return t;
  }

  get tableCount(): number {
    return this.tables.size;
  }

  /** A DROP TABLE forgets a table that has no rows yet (mysqldump drops before it creates). */
  forgetEmpty(name: string): void {
    if ((this.tables.get(name)?.fileRows ?? 0) === 0) this.tables.delete(name);
  }

  /** `tuples` VALUES rows of a plain INSERT, or null when the statement's row count cannot be told. */
  countRows(t: LoadedTable, tuples: number | null): void {
    if (tuples === null) this.uncountable.add(t.name);
    else t.fileRows = (t.fileRows ?? 0) + tuples;
  }

  skip(what: string, sql?: string): void {
    this.skipped.set(what, (this.skipped.get(what) ?? 0) + 1);
    const seen = this.examples.get(what) ?? [];
    if (sql !== undefined && seen.length < 3) seen.push(shown(sql));
    this.examples.set(what, seen);
  }

  note(what: string): void {
    this.noted.set(what, (this.noted.get(what) ?? 0) + 1);
  }

  /** Named, so a person sees what was left out (GRANT … TO 'x', SET GTID_PURGED …), not only how many. */
  warnings(): string[] {
    return [...this.skipped].map(([what, n]) => {
      const seen = this.examples.get(what) ?? [];
      const listed = seen.length ? `: ${seen.map((x) => `"${x}"`).join(', ')}${n > seen.length ? ', …' : ''}` : '';
      return `Skipped ${n} × ${what}${listed}.`;
    });
  }

  notes(): string[] {
    return [...this.noted].map(([what, n]) => `Skipped ${n} × ${what} (not needed in a private shadow schema).`);
  }

  loadedTables(): LoadedTable[] {
    return [...this.tables.values()].map((t) => (this.uncountable.has(t.name) ? { ...t, fileRows: null } : t));
  }
}

/** A statement head as a person reads it (byte string → UTF-8, one line, bounded). */
export function shown(head: string): string {
  return Buffer.from(head.slice(0, 120), 'latin1').toString('utf8').replace(/\s+/g, ' ');
}
