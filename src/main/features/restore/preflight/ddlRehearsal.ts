import { randomUUID } from 'node:crypto';
import type { RowDataPacket } from 'mysql2/promise';
import type { Profile } from '../../../../shared/contract/profiles';
import type { PreflightReport } from '../../../../shared/contract/restore';
import type { StatementLimit } from '../../../core/statementLimit';
import { DumpClassifier, type DumpStatement } from '../../../platform/sql/dumpClassifier';
import { writeObjectStatement } from '../../../platform/sql/dumpObject';
import { lexSql } from '../../../platform/sql/lexer';
import { bytesToName, quoteIdentBytes, replaceSpans } from '../../../platform/sql/tokenCursor';
import { createLoadAccount, dropLoadAccount, type LoadAccount, otherSchemas } from '../confinement/loadAccount';
import { closeQuietly, type DbConnection, openByteTransparent, q, rows } from '../connect';
import { ddlStatements } from '../crossEngine/ddlStatements';
import type { RewritePlan } from '../crossEngine/rewrite';
import { createTableName, rewriteForTarget, tableColumns } from '../crossEngine/rewrite';
import { restoreStamp, shadowSchemaName } from '../names';
import type { RestoreServiceDeps } from '../RestoreServiceDeps';
import type { RestoreSource } from '../sources/ForeignDumpSource';
import type { SourceInventory } from '../sources/inventory';

type CrossEngineReport = PreflightReport['crossEngine'];
type Row = RowDataPacket & Record<string, unknown>;

export interface DdlRehearsalInput {
  app: Pick<RestoreServiceDeps, 'connections'>;
  profile: Profile;
  control: DbConnection;
  targetDatabase: string;
  source: RestoreSource;
  inventory: SourceInventory;
  numericVersion: number;
  limit: StatementLimit;
  /** Load as a temporary account confined to the scratch schema (as the load itself does). */
  confined: boolean;
  /** The plan the load will use; generated columns the target rejects are added to it when `storeAsPlain`. */
  plan: RewritePlan & { plainColumns: Map<string, Set<string>> };
  storeAsPlain: boolean;
  signal?: AbortSignal;
}

export type DdlRehearsal = Pick<CrossEngineReport, 'generatedColumns' | 'ddlRejected'> & { rehearsed: number };

/** Most rejections named in the report; more are counted, not listed (a file of 10,000 bad tables stays small). */
const MAX_LISTED = 50;

/**
 * Runs every DDL statement of the file — CREATE TABLE, ALTER TABLE, views, triggers, routines, events, the
 * database's character set — in a scratch schema `<db>__restore_<stamp>_9N` on the target, rewritten as the
 * loader will send them (collation map, shadow-schema qualifiers, objects written anew without DEFINER),
 * as the temporary load account when the restore is confined. No row is inserted. What the server rejects is
 * reported per statement with its message; a rejected generated column is named per column. The scratch
 * schema and the account are dropped whatever happens.
 */
export async function rehearseDdl(i: DdlRehearsalInput): Promise<DdlRehearsal> {
  const scratch = await scratchSchema(i.control, i.targetDatabase);
  let account: LoadAccount | null = null;
  let conn: DbConnection | null = null;
  try {
    await i.control.query(`CREATE DATABASE ${q(scratch)} CHARACTER SET utf8mb4`);
    if (i.confined) account = await createLoadAccount(i.control, `preflight:${randomUUID()}`, scratch);
    conn = await openByteTransparent(i.app, i.profile.id, scratch, account ?? undefined);
    return await rehearseOn(conn, scratch, i);
  } finally {
    await closeQuietly(conn);
    if (account) await dropLoadAccount(i.control, account).catch(() => undefined);
    await i.control.query(`DROP DATABASE IF EXISTS ${q(scratch)}`).catch(() => undefined);
  }
}

async function scratchSchema(control: DbConnection, db: string): Promise<string> {
  const stamp = restoreStamp();
  for (let n = 90; n < 100; n++) {
    const name = shadowSchemaName(db, stamp, n);
    const found = await rows<Row>(control, 'SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [name]);
    if (!found.length) return name;
  }
  return shadowSchemaName(db, stamp, 99);
}

interface Rehearsal {
  out: DdlRehearsal;
  /** Every other schema on the server: an object whose body names one is refused by the object-scope check
   * and the loader, and never created here (an event would run). */
  otherSchemas: ReadonlySet<string>;
  /** Tables whose CREATE failed: later statements about them are not tried (they would fail for that reason). */
  failedTables: Set<string>;
  /** Each view's last definition, created after everything else (see createViews). */
  views: Map<string, { sql: string; statement: string }>;
  reject(statement: string, name: string | null, message: string): void;
}

async function rehearseOn(conn: DbConnection, scratch: string, i: DdlRehearsalInput): Promise<DdlRehearsal> {
  const out: DdlRehearsal = { rehearsed: 0, generatedColumns: [], ddlRejected: [] };
  let unlisted = 0;
  const r: Rehearsal = {
    out,
    failedTables: new Set(),
    views: new Map(),
    otherSchemas: await otherSchemas(i.control, i.targetDatabase),
    reject: (statement, name, message) => {
      if (out.ddlRejected.length < MAX_LISTED) out.ddlRejected.push({ statement, name, serverMessage: message });
      else unlisted++;
    },
  };
  const [mode] = await i.control.query<Row[]>('SELECT @@GLOBAL.sql_mode AS m');
  const classifier = new DumpClassifier({
    serverVersion: i.numericVersion,
    initialSqlMode: String(mode[0]?.m ?? ''),
    ownDatabase: i.inventory.format === 'sysndd-admin' ? i.inventory.database : null,
  });
  if (i.inventory.collation) await rehearseDatabaseCharset(conn, scratch, r, i.inventory.charset, i.inventory.collation, i.plan);
  for await (const s of ddlStatements(i.source, i.inventory, i.limit, i.signal)) {
    const sql = rewriteForTarget(s.sql, classifier.lex, i.plan);
    const st = classifier.classify(sql, s.delimiter);
    await rehearseStatement(conn, scratch, sql, st, r, i, classifier);
  }
  await createViews(conn, r);
  if (unlisted) r.out.ddlRejected.push({ statement: `… and ${unlisted} more`, name: null, serverMessage: '' });
  return out;
}

async function rehearseStatement(
  conn: DbConnection,
  scratch: string,
  sql: string,
  st: DumpStatement,
  r: Rehearsal,
  i: DdlRehearsalInput,
  classifier: DumpClassifier,
): Promise<void> {
  const into = (qualifiers: ReadonlyArray<{ start: number; end: number }>) =>
    replaceSpans(sql, qualifiers, quoteIdentBytes(scratch));
  switch (st.kind) {
    case 'session':
      await conn.query(st.sql).catch((e: unknown) => r.reject(shown(sql), null, messageOf(e)));
      return;
    case 'create-table':
      r.out.rehearsed++;
      await rehearseCreateTable(conn, into(st.qualifiers), st.table, r, i, classifier);
      return;
    case 'alter-table':
      if (st.keysOnly || r.failedTables.has(st.table)) return;
      r.out.rehearsed++;
      await run(conn, into(st.qualifiers), `ALTER TABLE ${st.table}`, st.table, r);
      return;
    case 'drop-table':
      await conn.query(into(st.qualifiers)).catch(() => undefined);
      return;
    case 'create-database':
    case 'alter-database':
      if (st.collation || st.charset) await rehearseDatabaseCharset(conn, scratch, r, st.charset, st.collation, null);
      return;
    case 'drop-object':
      if (st.qualifier === null) await conn.query(sql).catch(() => undefined);
      return;
    case 'object': {
      const o = st.object;
      if (o.table !== null && r.failedTables.has(o.table)) return;
      const own = new Set([i.targetDatabase, i.inventory.database, classifier.ownDatabase]);
      if (o.foreignQualifiers.some((n) => !own.has(n) && r.otherSchemas.has(n.toLowerCase()))) return;
      r.out.rehearsed++;
      const kind = o.type === 'function' ? 'FUNCTION' : o.type.toUpperCase();
      await conn.query(`DROP ${kind} IF EXISTS ${quoteIdentBytes(o.name)}`).catch(() => undefined);
      const create = writeObjectStatement(o, scratch, false);
      if (o.type === 'view') {
        // The last definition wins, in the order of the last definitions (see createViews).
        r.views.delete(o.name);
        r.views.set(o.name, { sql: create, statement: `CREATE ${kind} ${o.name}` });
        return;
      }
      await run(conn, create, `CREATE ${kind} ${o.name}`, o.name, r);
      return;
    }
    default:
      // Rows, locks, transactions, refused statements (listed by the statement check): nothing to rehearse.
      return;
  }
}

/** Access denied to the load account: reaching outside the scratch schema, refused by the load's own
 * confinement as RESTORE_STATEMENT_REFUSED — not a DDL the target rejects. */
const DENIED = new Set([1044, 1142, 1143, 1227, 1370, 1410]);

async function run(conn: DbConnection, sql: string, statement: string, name: string, r: Rehearsal): Promise<boolean> {
  try {
    await conn.query(sql);
    return true;
  } catch (err) {
    if (!DENIED.has(Number((err as { errno?: number }).errno))) r.reject(statement, name, messageOf(err));
    return false;
  }
}

/**
 * Views are created last, from their last definition in the file, in passes until no more succeed. The
 * server records whether a view is updatable when it is created, from what its base views are at that
 * moment; mysqldump and mariadb-dump write `SELECT 1 AS col` stand-ins first and the real definitions in
 * name order, so replaying them in file order makes `m_mid` non-updatable for good and refuses
 * `a_top … WITH CHECK OPTION` over it. The load replays views after everything else, in dependency order;
 * here a view is only ever created over views that already have their real definition.
 */
async function createViews(conn: DbConnection, r: Rehearsal): Promise<void> {
  const waiting = new Map([...r.views].map(([name, v]) => [name, { ...v, message: '' }]));
  let progress = true;
  while (progress && waiting.size > 0) {
    progress = false;
    for (const [name, view] of [...waiting]) {
      try {
        await conn.query(view.sql);
        waiting.delete(name);
        progress = true;
      } catch (err) {
        if (DENIED.has(Number((err as { errno?: number }).errno))) waiting.delete(name);
        else view.message = messageOf(err);
      }
    }
  }
  for (const [name, view] of waiting) r.reject(view.statement, name, view.message);
}

/** The character set and collation the shadow schema is created with (the file's database's, mapped). */
async function rehearseDatabaseCharset(
  conn: DbConnection,
  scratch: string,
  r: Rehearsal,
  charset: string | null,
  collation: string | null,
  plan: RewritePlan | null,
): Promise<void> {
  const co = collation ? (plan?.collations.map(collation) ?? collation) : null;
  const clause = `${charset && /^\w+$/.test(charset) ? ` CHARACTER SET ${charset}` : ''}${co && /^\w+$/.test(co) ? ` COLLATE ${co}` : ''}`;
  if (!clause) return;
  r.out.rehearsed++;
  try {
    await conn.query(`ALTER DATABASE ${q(scratch)}${clause}`);
  } catch (err) {
    r.reject(`the database's character set (${clause.trim()})`, null, messageOf(err));
  }
}

/**
 * A CREATE TABLE the target rejects, when it has generated columns: tried again with every generated column
 * made plain, then with one generated column at a time kept, so each column the target rejects is named.
 */
async function rehearseCreateTable(
  conn: DbConnection,
  sql: string,
  table: string,
  r: Rehearsal,
  i: DdlRehearsalInput,
  classifier: DumpClassifier,
): Promise<void> {
  const first = await attempt(conn, sql);
  if (first === null) return;
  const tokens = [...lexSql(sql, classifier.lex)];
  const generated = tableColumns(tokens, sql).filter((c) => c.generated !== null);
  const withPlain = (columns: string[]) =>
    rewriteForTarget(sql, classifier.lex, { collations: i.plan.collations, plainColumns: new Map([[table, new Set(columns)]]) });
  const allPlain = generated.map((c) => c.name);
  if (!generated.length || createTableName(tokens) !== table || (await attempt(conn, withPlain(allPlain))) !== null) {
    r.failedTables.add(table);
    r.reject(`CREATE TABLE ${table}`, table, first);
    return;
  }
  await conn.query(`DROP TABLE IF EXISTS ${quoteIdentBytes(table)}`);
  const rejected: Array<{ name: string; expression: string; message: string }> = [];
  for (const g of generated) {
    const others = allPlain.filter((n) => n !== g.name);
    const message = await attempt(conn, withPlain(others));
    if (message === null) await conn.query(`DROP TABLE IF EXISTS ${quoteIdentBytes(table)}`);
    else rejected.push({ name: g.name, expression: g.generated?.expression ?? '', message });
  }
  // Rejected only together (one refers to another): all of them are named.
  const named = rejected.length
    ? rejected
    : generated.map((g) => ({ name: g.name, expression: g.generated?.expression ?? '', message: first }));
  for (const g of named)
    r.out.generatedColumns.push({
      table,
      column: g.name,
      expression: g.expression,
      serverMessage: g.message,
      action: i.storeAsPlain ? 'plain' : 'refused',
    });
  const plain = named.map((g) => g.name);
  if (i.storeAsPlain) i.plan.plainColumns.set(table, new Set([...(i.plan.plainColumns.get(table) ?? []), ...plain]));
  // The table exists (plain) for the statements after it either way, so their own problems are found too.
  await attempt(conn, withPlain(plain));
}

/** null when the statement ran; else the server's message. */
async function attempt(conn: DbConnection, sql: string): Promise<string | null> {
  try {
    await conn.query(sql);
    return null;
  } catch (err) {
    return messageOf(err);
  }
}

function messageOf(err: unknown): string {
  const e = err as { errno?: number; sqlMessage?: string; message?: string };
  const text = e.sqlMessage ?? e.message ?? String(err);
  return `${e.errno ? `${e.errno}: ` : ''}${bytesToName(text)}`.slice(0, 500);
}

function shown(sql: string): string {
  return bytesToName(sql.slice(0, 120)).replace(/\s+/g, ' ');
}
