import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type mysql from 'mysql2/promise';
import { checksums, objectDefinitions } from '../backups/fixtureDb';

/**
 * What a restore must leave exactly as it was, whatever the file holds (issue 11): other schemas (data,
 * objects, charset), accounts and grants, server-wide variables and plugins, server files, other sessions;
 * plus no temporary `sysndd_rst_*` account and no shadow schema left behind. `takeConfinementSnapshot`
 * reads it all as root; `confinementViolations` compares two snapshots and names every broken invariant.
 */

export interface ConfinementScope {
  /** The restore target: its own state is compared separately (it may change on a successful restore). */
  target: string;
  /** Schemas compared in full: CHECKSUM TABLE of every table and SHOW CREATE of every object. */
  watchedSchemas: string[];
  /** Folders the server can write to that must stay as they are (OUTFILE, DATA DIRECTORY...). */
  watchedDirs: string[];
  /** Thread id of an idle session that must survive the restore (KILL). */
  canaryThreadId: number | null;
}

export interface SchemaState {
  /** null when the schema is missing (dropped), else CHECKSUM TABLE per table. */
  checksums: Record<string, string> | null;
  definitions: Record<string, string>;
}

export interface ConfinementSnapshot {
  /** Null when the server answered; else why the snapshot could not be taken (e.g. it was shut down). */
  unreachable: string | null;
  /** Every schema but the target and its side schemas: name → charset/collation. */
  schemas: Record<string, string>;
  shadowSchemas: string[];
  prevSchemas: string[];
  verifySchemas: string[];
  target: SchemaState;
  watched: Record<string, SchemaState>;
  /** Tables (with column and index digests), views, triggers, routines and events of every other schema. */
  objects: Record<string, string>;
  /** CHECKSUM TABLE of the mysql.* tables that hold privileges, servers, plugins and UDFs. */
  systemTables: Record<string, string>;
  /** `'user'@'host'` → SHOW GRANTS (password hashes replaced by a digest of them). */
  accounts: Record<string, string>;
  temporaryAccounts: string[];
  globals: Record<string, string>;
  plugins: Record<string, string>;
  replication: string[];
  canaryAlive: boolean;
  files: Record<string, string>;
}

/** Global variables whose value the server changes by itself; everything else must stay as it was. */
const VOLATILE_GLOBALS = new Set(['gtid_binlog_pos', 'gtid_binlog_state', 'gtid_current_pos', 'gtid_slave_pos', 'timestamp']);

/** Must be in every snapshot: if one is missing, the globals check is not checking what it claims. */
export const REQUIRED_GLOBALS = [
  'init_connect',
  'general_log',
  'general_log_file',
  'slow_query_log',
  'slow_query_log_file',
  'event_scheduler',
  'read_only',
  'sql_mode',
  'max_connections',
  'local_infile',
  'log_bin_trust_function_creators',
  'tx_read_only',
  'secure_file_priv',
  'default_storage_engine',
];

/** mysql.* tables whose content only account, server, plugin and UDF statements change. */
const SYSTEM_TABLES = [
  'global_priv',
  'db',
  'tables_priv',
  'columns_priv',
  'procs_priv',
  'proxies_priv',
  'roles_mapping',
  'servers',
  'plugin',
  'func',
  'time_zone_name',
];

type Row = Record<string, unknown>;

async function select(c: mysql.Connection, sql: string, params: unknown[] = []): Promise<Row[]> {
  const [rows] = await c.query({ sql, values: params, supportBigNumbers: true, bigNumberStrings: true, dateStrings: true });
  return rows as Row[];
}

function str(v: unknown): string {
  if (v === null || v === undefined) return '∅';
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  return String(v);
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

async function schemaState(c: mysql.Connection, schema: string): Promise<SchemaState> {
  const exists = await select(c, 'SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [schema]);
  if (!exists.length) return { checksums: null, definitions: {} };
  return { checksums: await checksums(c, schema), definitions: await objectDefinitions(c, schema) };
}

function listFiles(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  if (!fs.existsSync(dir)) return { [`${prefix}(folder)`]: 'missing' };
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const rel = path.join(prefix, e.name);
    if (e.isDirectory()) Object.assign(out, { [`${rel}/`]: 'dir' }, listFiles(path.join(dir, e.name), rel));
    else out[rel] = String(fs.statSync(path.join(dir, e.name)).size);
  }
  return out;
}

function emptySnapshot(unreachable: string, scope: ConfinementScope): ConfinementSnapshot {
  const files: Record<string, string> = {};
  for (const d of scope.watchedDirs) for (const [k, v] of Object.entries(listFiles(d))) files[`${d}/${k}`] = v;
  return {
    unreachable,
    schemas: {},
    shadowSchemas: [],
    prevSchemas: [],
    verifySchemas: [],
    target: { checksums: null, definitions: {} },
    watched: {},
    objects: {},
    systemTables: {},
    accounts: {},
    temporaryAccounts: [],
    globals: {},
    plugins: {},
    replication: [],
    canaryAlive: false,
    files,
  };
}

/** Everything the confinement invariants look at, read through `root` (a root connection of its own). */
export async function takeConfinementSnapshot(root: mysql.Connection, scope: ConfinementScope): Promise<ConfinementSnapshot> {
  try {
    return await readSnapshot(root, scope);
  } catch (err) {
    return emptySnapshot(`the server did not answer: ${(err as Error).message}`, scope);
  }
}

async function readSnapshot(c: mysql.Connection, scope: ConfinementScope): Promise<ConfinementSnapshot> {
  const snap = emptySnapshot('', scope);
  snap.unreachable = null;
  const side = (n: string): 'shadow' | 'prev' | 'verify' | null =>
    n.startsWith(`${scope.target}__restore_`)
      ? 'shadow'
      : n.startsWith(`${scope.target}__prev_`)
        ? 'prev'
        : n.includes('__verify_')
          ? 'verify'
          : null;
  const others = new Set<string>();
  for (const r of await select(
    c,
    'SELECT SCHEMA_NAME AS n, DEFAULT_CHARACTER_SET_NAME AS cs, DEFAULT_COLLATION_NAME AS co FROM information_schema.SCHEMATA',
  )) {
    const n = str(r.n);
    const kind = side(n);
    if (kind === 'shadow') snap.shadowSchemas.push(n);
    else if (kind === 'prev') snap.prevSchemas.push(n);
    else if (kind === 'verify') snap.verifySchemas.push(n);
    else if (n !== scope.target) {
      snap.schemas[n] = `${str(r.cs)}/${str(r.co)}`;
      if (n !== 'information_schema' && n !== 'performance_schema') others.add(n);
    }
  }
  for (const list of [snap.shadowSchemas, snap.prevSchemas, snap.verifySchemas]) list.sort();
  const mine = (s: unknown) => others.has(str(s));
  const put = (key: string, value: string) => {
    snap.objects[key] = value;
  };

  for (const r of await select(
    c,
    `SELECT TABLE_SCHEMA AS s, TABLE_NAME AS n, TABLE_TYPE AS ty, ENGINE AS e, CREATE_OPTIONS AS o, TABLE_COLLATION AS co, TABLE_COMMENT AS cm
     FROM information_schema.TABLES WHERE TABLE_SCHEMA NOT IN ('information_schema', 'performance_schema')`,
  ))
    if (mine(r.s)) put(`table ${str(r.s)}.${str(r.n)}`, [r.ty, r.e, r.o, r.co, r.cm].map(str).join(' | '));
  for (const r of await select(
    c,
    `SELECT TABLE_SCHEMA AS s, TABLE_NAME AS n,
       MD5(GROUP_CONCAT(CONCAT_WS('|', COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, IFNULL(COLUMN_DEFAULT, '~'), EXTRA) ORDER BY ORDINAL_POSITION SEPARATOR ';')) AS d
     FROM information_schema.COLUMNS WHERE TABLE_SCHEMA NOT IN ('information_schema', 'performance_schema', 'sys') GROUP BY 1, 2`,
  ))
    if (mine(r.s)) put(`columns ${str(r.s)}.${str(r.n)}`, str(r.d));
  for (const r of await select(
    c,
    `SELECT TABLE_SCHEMA AS s, TABLE_NAME AS n,
       MD5(GROUP_CONCAT(CONCAT_WS('|', INDEX_NAME, SEQ_IN_INDEX, COLUMN_NAME, NON_UNIQUE, INDEX_TYPE) ORDER BY INDEX_NAME, SEQ_IN_INDEX SEPARATOR ';')) AS d
     FROM information_schema.STATISTICS WHERE TABLE_SCHEMA NOT IN ('information_schema', 'performance_schema') GROUP BY 1, 2`,
  ))
    if (mine(r.s)) put(`indexes ${str(r.s)}.${str(r.n)}`, str(r.d));
  for (const r of await select(
    c,
    'SELECT TABLE_SCHEMA AS s, TABLE_NAME AS n, VIEW_DEFINITION AS d, DEFINER AS df, SECURITY_TYPE AS st, CHECK_OPTION AS co FROM information_schema.VIEWS',
  ))
    if (mine(r.s)) put(`view ${str(r.s)}.${str(r.n)}`, [r.df, r.st, r.co, r.d].map(str).join(' | '));
  for (const r of await select(
    c,
    `SELECT TRIGGER_SCHEMA AS s, TRIGGER_NAME AS n, EVENT_OBJECT_SCHEMA AS os, EVENT_OBJECT_TABLE AS ot, ACTION_TIMING AS ti,
       EVENT_MANIPULATION AS em, DEFINER AS df, SQL_MODE AS m, ACTION_STATEMENT AS d FROM information_schema.TRIGGERS`,
  ))
    if (mine(r.s) || mine(r.os))
      put(`trigger ${str(r.s)}.${str(r.n)}`, [`on ${str(r.os)}.${str(r.ot)}`, r.ti, r.em, r.df, r.m, r.d].map(str).join(' | '));
  for (const r of await select(
    c,
    `SELECT ROUTINE_SCHEMA AS s, ROUTINE_NAME AS n, ROUTINE_TYPE AS ty, DEFINER AS df, SECURITY_TYPE AS st, SQL_MODE AS m,
       IS_DETERMINISTIC AS dt, SQL_DATA_ACCESS AS da, ROUTINE_COMMENT AS cm, ROUTINE_DEFINITION AS d FROM information_schema.ROUTINES`,
  ))
    if (mine(r.s))
      put(`${str(r.ty).toLowerCase()} ${str(r.s)}.${str(r.n)}`, [r.df, r.st, r.m, r.dt, r.da, r.cm, r.d].map(str).join(' | '));
  for (const r of await select(
    c,
    `SELECT EVENT_SCHEMA AS s, EVENT_NAME AS n, DEFINER AS df, STATUS AS st, INTERVAL_VALUE AS iv, INTERVAL_FIELD AS ifl,
       STARTS AS sa, ENDS AS en, ON_COMPLETION AS oc, EVENT_COMMENT AS cm, EVENT_DEFINITION AS d FROM information_schema.EVENTS`,
  ))
    if (mine(r.s))
      put(`event ${str(r.s)}.${str(r.n)}`, [r.df, r.st, r.iv, r.ifl, r.sa, r.en, r.oc, r.cm, r.d].map(str).join(' | '));

  snap.target = await schemaState(c, scope.target);
  for (const s of scope.watchedSchemas) snap.watched[s] = await schemaState(c, s);

  const [sys] = await c.query({
    sql: `CHECKSUM TABLE ${SYSTEM_TABLES.map((t) => `mysql.${t}`).join(', ')}`,
    rowsAsArray: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
  });
  for (const r of sys as unknown[][]) snap.systemTables[str(r[0])] = str(r[1]);

  for (const r of await select(c, 'SELECT User AS u, Host AS h FROM mysql.global_priv ORDER BY 1, 2')) {
    const account = `'${str(r.u)}'@'${str(r.h)}'`;
    try {
      const [grants] = await c.query({ sql: 'SHOW GRANTS FOR ?@?', values: [str(r.u), str(r.h)], rowsAsArray: true });
      snap.accounts[account] = (grants as unknown[][])
        .map((g) => str(g[0]).replace(/(PASSWORD|AS) '([^']*)'/g, (_m, kw: string, h: string) => `${kw} '<sha ${digest(h)}>'`))
        .join('\n');
    } catch (err) {
      // A row written into mysql.global_priv behind the server's back: in the table, not (yet) in memory.
      snap.accounts[account] = `SHOW GRANTS failed: ${(err as Error).message}`;
    }
  }
  snap.temporaryAccounts = (
    await select(c, "SELECT CONCAT(User, '@', Host) AS a FROM mysql.user WHERE User LIKE 'sysndd\\_rst\\_%' ORDER BY 1")
  ).map((r) => str(r.a));

  for (const r of await select(c, 'SHOW GLOBAL VARIABLES'))
    if (!VOLATILE_GLOBALS.has(str(r.Variable_name))) snap.globals[str(r.Variable_name)] = str(r.Value);
  const missing = REQUIRED_GLOBALS.filter((g) => !(g in snap.globals));
  if (missing.length)
    throw new Error(`SHOW GLOBAL VARIABLES lacks ${missing.join(', ')}: the globals invariant would check nothing`);
  for (const r of await select(
    c,
    'SELECT PLUGIN_NAME AS n, PLUGIN_STATUS AS s, PLUGIN_LIBRARY AS l FROM information_schema.PLUGINS',
  ))
    snap.plugins[str(r.n)] = `${str(r.s)} ${str(r.l)}`;
  snap.replication = (await select(c, 'SHOW ALL SLAVES STATUS')).map((r) => `${str(r.Connection_name)} → ${str(r.Master_Host)}`);
  snap.canaryAlive =
    scope.canaryThreadId === null ||
    (await select(c, 'SELECT 1 FROM information_schema.PROCESSLIST WHERE ID = ?', [scope.canaryThreadId])).length === 1;
  return snap;
}

function clip(v: string | undefined, max = 160): string {
  if (v === undefined) return '(absent)';
  const one = v.replace(/\s+/g, ' ');
  return one.length > max ? `${one.slice(0, max)}…` : one;
}

/** `label: + key = v`, `- key`, `~ key: a → b` lines for the keys whose values differ (at most 8 shown). */
export function diffRecords(label: string, before: Record<string, string>, after: Record<string, string>): string[] {
  const lines: string[] = [];
  for (const k of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
    const a = before[k];
    const b = after[k];
    if (a === b) continue;
    if (a === undefined) lines.push(`+ ${k} = ${clip(b)}`);
    else if (b === undefined) lines.push(`- ${k} (was ${clip(a, 80)})`);
    else lines.push(`~ ${k}: ${clip(a)} → ${clip(b)}`);
  }
  if (!lines.length) return [];
  const shown = lines.slice(0, 8);
  if (lines.length > shown.length) shown.push(`… and ${lines.length - shown.length} more`);
  return [`${label}:\n    ${shown.join('\n    ')}`];
}

function diffSchemaState(label: string, before: SchemaState, after: SchemaState): string[] {
  if ((before.checksums === null) !== (after.checksums === null))
    return [`${label}: schema ${before.checksums === null ? 'appeared' : 'is gone'}`];
  return [
    ...diffRecords(`${label} data (CHECKSUM TABLE)`, before.checksums ?? {}, after.checksums ?? {}),
    ...diffRecords(`${label} objects (SHOW CREATE)`, before.definitions, after.definitions),
  ];
}

const asRecord = (list: string[]): Record<string, string> => Object.fromEntries(list.map((x) => [x, 'present']));

export interface RestoreEnd {
  /** The restore ended with the target swapped in. */
  succeeded: boolean;
  /** A successful restore may change the target (its statement was an own-schema write). */
  mayChangeTarget: boolean;
}

/**
 * Every broken invariant between `before` and `after`, each line starting with its letter as in the issue:
 * (a) other schemas, (b) accounts, (c) globals, (d) temporary accounts, (e) side schemas, (f) target,
 * (g) server files, sessions, plugins and replication.
 */
export function confinementViolations(before: ConfinementSnapshot, after: ConfinementSnapshot, end: RestoreEnd): string[] {
  if (before.unreachable) throw new Error(`the "before" snapshot is unusable: ${before.unreachable}`);
  if (after.unreachable) return [`(server) ${after.unreachable}`, ...diffRecords('(g) server files', before.files, after.files)];
  const out: string[] = [
    ...diffRecords('(a) schemas other than the target', before.schemas, after.schemas),
    ...Object.keys({ ...before.watched, ...after.watched }).flatMap((s) =>
      diffSchemaState(
        `(a) ${s}`,
        before.watched[s] ?? { checksums: null, definitions: {} },
        after.watched[s] ?? { checksums: null, definitions: {} },
      ),
    ),
    ...diffRecords('(a) objects outside the target', before.objects, after.objects),
    ...diffRecords('(b) accounts and SHOW GRANTS', before.accounts, after.accounts),
    ...diffRecords('(b) mysql.* privilege/server/plugin tables (CHECKSUM TABLE)', before.systemTables, after.systemTables),
    ...diffRecords('(c) global variables', before.globals, after.globals),
    ...diffRecords('(g) plugins', before.plugins, after.plugins),
    ...diffRecords('(g) replication sources', asRecord(before.replication), asRecord(after.replication)),
    ...diffRecords('(g) server files', before.files, after.files),
  ];
  if (after.temporaryAccounts.length) out.push(`(d) temporary accounts left: ${after.temporaryAccounts.join(', ')}`);
  if (after.shadowSchemas.length) out.push(`(e) shadow schemas left: ${after.shadowSchemas.join(', ')}`);
  if (after.verifySchemas.length) out.push(`(e) scratch (__verify_) schemas left: ${after.verifySchemas.join(', ')}`);
  const newPrev = after.prevSchemas.filter((s) => !before.prevSchemas.includes(s));
  if (!end.succeeded && newPrev.length) out.push(`(e) a failed restore left a previous-tables schema: ${newPrev.join(', ')}`);
  if (end.succeeded && newPrev.length > 1)
    out.push(`(e) one restore left several previous-tables schemas: ${newPrev.join(', ')}`);
  if (!end.succeeded || !end.mayChangeTarget)
    out.push(
      ...diffSchemaState(
        `(f) target${end.succeeded ? ' after a success that must have left the statement out' : ' after a failed restore'}`,
        before.target,
        after.target,
      ),
    );
  if (before.canaryAlive && !after.canaryAlive) out.push('(g) the canary session was killed');
  return out;
}
