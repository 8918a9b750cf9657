import type { BackupManifest } from '../../../../shared/contract/backups';
import type { ErrorCode } from '../../../../shared/errors';
import { DumpClassifier, type DumpStatement, type ObjectType } from '../../../platform/sql/dumpClassifier';
import type { SplitStatement } from '../../../platform/sql/dumpSplitter';

export interface SourceTable {
  name: string;
  /** Exact for our backups (manifest); counted from the VALUES tuples of a foreign dump; null when unknown. */
  rows: number | null;
  rawBytes: number | null;
  checksum: string | null;
}

export interface SourceProblem {
  code: ErrorCode;
  message: string;
}

/** What a file holds, learnt before anything is written: the preflight report is built from this. */
export interface SourceInventory {
  path: string;
  size: number;
  format: 'sysndd-admin' | 'foreign';
  compressed: boolean;
  /** Every integrity check passed (hashes and end marker; or gzip CRC, completion comment, no cut statement). */
  complete: boolean;
  problems: SourceProblem[];
  /** The one database the file is about (manifest, or its USE / CREATE DATABASE); null when it names none. */
  database: string | null;
  databases: string[];
  charset: string | null;
  collation: string | null;
  serverVersion: string | null;
  createdAt: string | null;
  tables: SourceTable[];
  objects: Record<ObjectType, string[]>;
  definers: string[];
  /** SQL text bytes (inflated). */
  rawBytes: number | null;
  maxStatementBytes: number;
  warnings: string[];
  /** Statements a restore refuses to run (they could reach beyond the shadow schema), first few quoted. */
  refused: string[];
  /** Heads of dotted names in object bodies other than the file's database (checked against the server's schemas). */
  objectQualifiers: string[];
  manifest: BackupManifest | null;
  /** Every statement was read (tables, databases, DEFINERs known). False after a quick check of a foreign
   * dump: then those checks run while loading, before the swap. */
  scanned: boolean;
}

export function emptyObjects(): Record<ObjectType, string[]> {
  return { view: [], trigger: [], procedure: [], function: [], event: [] };
}

/** An inventory that knows only what describes the file itself; the content fields start empty. */
export function emptyInventory(
  file: Pick<SourceInventory, 'path' | 'size' | 'format' | 'compressed' | 'scanned'> & Partial<SourceInventory>,
): SourceInventory {
  return {
    complete: false,
    problems: [],
    database: null,
    databases: [],
    charset: null,
    collation: null,
    serverVersion: null,
    createdAt: null,
    tables: [],
    objects: emptyObjects(),
    definers: [],
    rawBytes: null,
    maxStatementBytes: 0,
    warnings: [],
    refused: [],
    objectQualifiers: [],
    manifest: null,
    ...file,
  };
}

/**
 * Learns a dump's content statement by statement (used by the preflight scan of foreign files and by the
 * objects member of ours). Keeps table order, tuples per table, objects (last definition wins, as in the
 * dump's own replay), definers, databases named, and what will be skipped.
 */
export class DumpScanner {
  readonly tables = new Map<string, SourceTable>();
  readonly objects = emptyObjects();
  readonly definers = new Set<string>();
  readonly databases = new Set<string>();
  charset: string | null = null;
  collation: string | null = null;
  maxStatementBytes = 0;
  rawBytes = 0;
  private readonly skipped = new Map<string, number>();
  private readonly otherHeads: string[] = [];
  private otherCount = 0;
  /** Tables whose row count cannot be told from the file (INSERT ... SELECT / SET). */
  private readonly uncountable = new Set<string>();

  /** Heads of dotted names in object bodies that are not the file's database (checked against the server's schemas). */
  readonly objectQualifiers = new Set<string>();
  private readonly classifier: DumpClassifier;

  constructor(serverVersion: number) {
    this.classifier = new DumpClassifier({ serverVersion });
  }

  add(s: SplitStatement): DumpStatement {
    const bytes = s.sql.length;
    this.rawBytes += bytes;
    if (bytes > this.maxStatementBytes) this.maxStatementBytes = bytes;
    // Rows the splitter's scan found plain are judged on their bytes (no string of a dump's bulk).
    const st = this.classifier.classifyPlainInsert(s) ?? this.classifier.classify(s.sql.toString('latin1'), s.delimiter || ';');
    switch (st.kind) {
      case 'insert': {
        const t = this.table(st.table);
        const tuples = s.topLevelParens - (st.hasColumnList ? 1 : 0);
        if (tuples <= 0) this.uncountable.add(st.table);
        t.rows = (t.rows ?? 0) + Math.max(0, tuples);
        t.rawBytes = (t.rawBytes ?? 0) + bytes;
        if (st.qualifier) this.noteDatabase(st.qualifier);
        break;
      }
      case 'create-table':
        this.table(st.table);
        for (const q of st.qualifiers) this.noteDatabase(q.name);
        break;
      case 'drop-table':
        for (const q of st.qualifiers) this.noteDatabase(q.name);
        // mysqldump drops the placeholder table of a view before creating the view itself.
        for (const name of st.tables) if ((this.tables.get(name)?.rows ?? 0) === 0) this.tables.delete(name);
        break;
      case 'use':
        this.noteDatabase(st.database);
        break;
      case 'create-database':
        this.noteDatabase(st.database);
        this.charset = st.charset ?? this.charset;
        this.collation = st.collation ?? this.collation;
        break;
      case 'object': {
        const o = st.object;
        const list = this.objects[o.type];
        if (!list.includes(o.name)) list.push(o.name);
        if (o.definer) this.definers.add(o.definer);
        if (o.qualifier) this.noteDatabase(o.qualifier);
        if (o.tableQualifier) this.noteDatabase(o.tableQualifier);
        for (const q of o.foreignQualifiers) this.objectQualifiers.add(q);
        break;
      }
      case 'drop-object':
        if (st.qualifier) this.noteDatabase(st.qualifier);
        break;
      case 'global-set':
        this.count(`SET ${st.what}`);
        break;
      case 'account':
        this.count('account statements (CREATE USER, GRANT …)');
        break;
      case 'alter-table':
        for (const q of st.qualifiers) this.noteDatabase(q.name);
        break;
      case 'other':
        this.otherCount++;
        if (this.otherHeads.length < 3)
          this.otherHeads.push(
            `${Buffer.from(st.head.slice(0, 80), 'latin1').toString('utf8').replace(/\s+/g, ' ')}" (${st.reason})`,
          );
        break;
      default:
        break;
    }
    return st;
  }

  /** A database the file names; the first one is its own (names in object bodies are judged against it). */
  private noteDatabase(name: string): void {
    this.databases.add(name);
    if (this.classifier.ownDatabase === null) this.classifier.ownDatabase = name;
  }

  private table(name: string): SourceTable {
    let t = this.tables.get(name);
    if (!t) {
      t = { name, rows: 0, rawBytes: 0, checksum: null };
      this.tables.set(name, t);
    }
    return t;
  }

  private count(what: string): void {
    this.skipped.set(what, (this.skipped.get(what) ?? 0) + 1);
  }

  /** What the restore would refuse to run: empty when every statement is one a dump needs. */
  refused(): string[] {
    if (this.otherCount === 0) return [];
    const more = this.otherCount - this.otherHeads.length;
    return [...this.otherHeads.map((h) => `"${h}`), ...(more > 0 ? [`and ${more} more`] : [])];
  }

  /** What it learned of objects and statements, as an inventory holds it (for ours and foreign dumps alike). */
  findings(): Pick<SourceInventory, 'objects' | 'definers' | 'maxStatementBytes' | 'refused' | 'objectQualifiers'> {
    return {
      objects: this.objects,
      definers: [...this.definers],
      maxStatementBytes: this.maxStatementBytes,
      refused: this.refused(),
      objectQualifiers: [...this.objectQualifiers],
    };
  }

  /** Base tables only: a name that ends up a view was a mysqldump placeholder table. */
  tableList(): SourceTable[] {
    return [...this.tables.values()]
      .filter((t) => !this.objects.view.includes(t.name))
      .map((t) => (this.uncountable.has(t.name) ? { ...t, rows: null } : t));
  }

  warnings(): string[] {
    const out: string[] = [];
    for (const [what, n] of this.skipped)
      out.push(`${n} × ${what} will be skipped (server-wide or account state is not part of a database restore).`);
    if (this.uncountable.size > 0)
      out.push(`Row counts of ${[...this.uncountable].join(', ')} cannot be read from the file (INSERT … SELECT/SET).`);
    return out;
  }
}
