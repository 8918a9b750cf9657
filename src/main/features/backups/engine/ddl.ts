import type { Connection } from 'mysql2/promise';
import { AppError } from '../../../core/AppError';
import { quoteIdent } from './columns';
import type { Inventory } from './inventory';

/**
 * The SQL text of the schema and objects members: table DDL from SHOW CREATE TABLE, and views, routines,
 * triggers and events from their SHOW CREATE, each created under the sql_mode and character set it was
 * defined with (as mysqldump does), DEFINERs kept as in the source.
 */

type Row = Record<string, unknown>;

async function showCreate(conn: Connection, sql: string): Promise<Row> {
  const [result] = await conn.query(sql);
  const row = (result as Row[])[0];
  if (!row) throw new AppError('DB_QUERY_FAILED', `${sql} returned nothing.`);
  return row;
}

const SQL_ESCAPES: Record<string, string> = { '\0': '\\0', '\n': '\\n', '\r': '\\r', '\x1a': '\\Z', "'": "\\'", '\\': '\\\\' };
// Built from a string so the regex literal holds no control characters (NUL, SUB).
const SQL_ESCAPE_RE = new RegExp(`[${'\0\n\r\x1a'}'\\\\]`, 'g');

/** A single-quoted SQL string literal (backslash escapes, as the server and mysqldump use). */
export function sqlString(value: string): string {
  return `'${value.replace(SQL_ESCAPE_RE, (c) => SQL_ESCAPES[c] as string)}'`;
}

/** SHOW CREATE TABLE, with the AUTO_INCREMENT counter taken out for comparisons (it moves with inserts). */
export function normalizeTableDdl(ddl: string): string {
  return ddl.replace(/ AUTO_INCREMENT=\d+/, '');
}

export async function tableDdl(conn: Connection, table: string): Promise<string> {
  const row = await showCreate(conn, `SHOW CREATE TABLE ${quoteIdent(table)}`);
  return String(row['Create Table'] ?? Object.values(row)[1]);
}

export async function sequenceDdl(conn: Connection, name: string): Promise<string> {
  const row = await showCreate(conn, `SHOW CREATE SEQUENCE ${quoteIdent(name)}`);
  return String(row['Create Table'] ?? Object.values(row)[1]);
}

/**
 * True when a MySQL table's functional-index columns were made under strict mode. MySQL gives each
 * functional key part a hidden generated column whose nullability follows the sql_mode of the CREATE
 * (nullable under STRICT_TRANS_TABLES, NOT NULL without it); SHOW CREATE TABLE does not show it, but
 * CHECKSUM TABLE covers it, so a table re-created under the dump's non-strict mode checksums differently
 * although every row is equal. Only MySQL has functional key parts and SHOW EXTENDED COLUMNS.
 */
export async function createdUnderStrictMode(conn: Connection, table: string, ddl: string): Promise<boolean> {
  if (!ddl.includes('((')) return false;
  const [rows] = await conn.query(`SHOW EXTENDED COLUMNS FROM ${quoteIdent(table)}`);
  return (rows as Row[]).some((r) => String(r.Field).startsWith('!hidden!') && r.Null === 'YES');
}

/** The dump's own session sql_mode (sessionSql.ts), and the same with strict mode for the CREATEs that need it. */
const DUMP_SQL_MODE = "'NO_AUTO_VALUE_ON_ZERO'";
const STRICT_CREATE_SQL_MODE = "'NO_AUTO_VALUE_ON_ZERO,STRICT_TRANS_TABLES'";

export function schemaText(
  tables: Array<{ name: string; ddl: string; strictCreate?: boolean }>,
  sequences: Array<{ name: string; ddl: string }>,
): string {
  const parts = ['-- Tables\n'];
  for (const t of tables) {
    const create = t.strictCreate
      ? `SET SESSION sql_mode = ${STRICT_CREATE_SQL_MODE};\n${t.ddl};\nSET SESSION sql_mode = ${DUMP_SQL_MODE};\n`
      : `${t.ddl};\n`;
    parts.push(`DROP TABLE IF EXISTS ${quoteIdent(t.name)};\n${create}\n`);
  }
  for (const s of sequences) parts.push(`DROP SEQUENCE IF EXISTS ${quoteIdent(s.name)};\n${s.ddl};\n\n`);
  return parts.join('');
}

/**
 * The session an object was defined in, as its SHOW CREATE row reports it: character set and collation
 * always; sql_mode for routines, triggers and events; time_zone for events (their schedule depends on it).
 */
function contextSql(row: Row, settings: { sqlMode?: boolean; timeZone?: boolean } = {}): string {
  const charsetClient = sqlString(String(row.character_set_client));
  const lines = [
    `SET character_set_client = ${charsetClient};`,
    `SET character_set_results = ${charsetClient};`,
    `SET collation_connection = ${sqlString(String(row.collation_connection))};`,
  ];
  if (settings.sqlMode) lines.push(`SET SESSION sql_mode = ${sqlString(String(row.sql_mode))};`);
  if (settings.timeZone) lines.push(`SET time_zone = ${sqlString(String(row.time_zone))};`);
  return `${lines.join('\n')}\n`;
}

/** Drop and create a routine, trigger or event; the CREATE is a compound statement between `DELIMITER ;;` lines (bodies contain `;`). */
function recreated(type: string, name: string, create: unknown): string {
  return `DROP ${type} IF EXISTS ${quoteIdent(name)};\nDELIMITER ;;\n${String(create)}\n;;\nDELIMITER ;\n\n`;
}

const RESET_CONTEXT = "SET NAMES utf8mb4;\nSET SESSION sql_mode = 'NO_AUTO_VALUE_ON_ZERO';\nSET time_zone = '+00:00';\n";

export interface ObjectsResult {
  text: string;
  counts: { views: number; routines: number; triggers: number; events: number };
  warnings: string[];
}

export async function objectsText(conn: Connection, inv: Inventory): Promise<ObjectsResult> {
  const parts: string[] = [];
  const warnings: string[] = [];
  const counts = { views: 0, routines: 0, triggers: 0, events: 0 };

  if (inv.views.length) parts.push('-- Views (dependency order)\n');
  for (const v of inv.views) {
    const row = await showCreate(conn, `SHOW CREATE VIEW ${quoteIdent(v.name)}`);
    const create = String(row['Create View']).replace(/^CREATE /, 'CREATE OR REPLACE ');
    parts.push(contextSql(row));
    parts.push(`${create};\n\n`);
    counts.views++;
  }
  const routines = [
    ...inv.procedures.map((n) => ['PROCEDURE', n] as const),
    ...inv.functions.map((n) => ['FUNCTION', n] as const),
  ];
  if (routines.length) parts.push('-- Routines\n');
  for (const [type, name] of routines) {
    const row = await showCreate(conn, `SHOW CREATE ${type} ${quoteIdent(name)}`);
    const create = row[type === 'PROCEDURE' ? 'Create Procedure' : 'Create Function'];
    if (create === null || create === undefined) {
      warnings.push(
        `${type} ${name} was left out: this account may not read its definition (needs SHOW CREATE ROUTINE or SELECT on mysql.proc).`,
      );
      continue;
    }
    parts.push(contextSql(row, { sqlMode: true }), recreated(type, name, create));
    counts.routines++;
  }
  if (inv.triggers.length) parts.push('-- Triggers (after the data, so restoring rows does not fire them)\n');
  for (const name of inv.triggers) {
    const row = await showCreate(conn, `SHOW CREATE TRIGGER ${quoteIdent(name)}`);
    parts.push(contextSql(row, { sqlMode: true }), recreated('TRIGGER', name, row['SQL Original Statement']));
    counts.triggers++;
  }
  if (inv.events.length) parts.push('-- Events\n');
  for (const name of inv.events) {
    const row = await showCreate(conn, `SHOW CREATE EVENT ${quoteIdent(name)}`);
    parts.push(contextSql(row, { sqlMode: true, timeZone: true }), recreated('EVENT', name, row['Create Event']));
    counts.events++;
  }
  for (const r of inv.skippedRoutines) warnings.push(`${r} was left out (package routines are not supported).`);
  parts.push(RESET_CONTEXT);
  return { text: parts.join(''), counts, warnings };
}
