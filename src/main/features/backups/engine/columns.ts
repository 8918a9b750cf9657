import { quoteIdent } from '../../../platform/sql/quote';
import { KIND_BINARY, KIND_NUMBER, KIND_TEMPORAL, KIND_TEXT, type ValueKind } from './InsertEncoder';

export { quoteIdent };

/** One column as information_schema.COLUMNS describes it. */
export interface ColumnInfo {
  name: string;
  /** DATA_TYPE, lower case: int, varchar, float, point, json, ... */
  dataType: string;
  /** CHARACTER_SET_NAME; null for numbers, dates and (on MySQL) binary types. */
  charset: string | null;
  /** EXTRA: auto_increment, VIRTUAL GENERATED, STORED GENERATED, INVISIBLE, DEFAULT_GENERATED, ... */
  extra: string;
}

const NUMBER_TYPES = new Set([
  'tinyint',
  'smallint',
  'mediumint',
  'int',
  'integer',
  'bigint',
  'decimal',
  'numeric',
  'double',
  'double precision',
  'real',
  'float',
  'year',
]);
const BINARY_TYPES = new Set([
  'binary',
  'varbinary',
  'tinyblob',
  'blob',
  'mediumblob',
  'longblob',
  'bit',
  'vector',
  'geometry',
  'point',
  'linestring',
  'polygon',
  'multipoint',
  'multilinestring',
  'multipolygon',
  'geometrycollection',
  'geomcollection',
]);
const TEMPORAL_TYPES = new Set(['date', 'time', 'datetime', 'timestamp']);

/**
 * Generated columns are computed by the server on restore and refuse explicit values, so they are left out
 * of SELECT and INSERT. MySQL's `DEFAULT_GENERATED` (an expression default) is NOT a generated column.
 */
export function isGenerated(c: ColumnInfo): boolean {
  return /\b(VIRTUAL|STORED|PERSISTENT) GENERATED\b/i.test(c.extra);
}

export function valueKind(c: ColumnInfo): ValueKind {
  const t = c.dataType.toLowerCase();
  if (NUMBER_TYPES.has(t)) return KIND_NUMBER;
  if (BINARY_TYPES.has(t) || c.charset?.toLowerCase() === 'binary') return KIND_BINARY;
  if (TEMPORAL_TYPES.has(t)) return KIND_TEMPORAL;
  return KIND_TEXT;
}

/**
 * The SELECT expression for a column. FLOAT is read as DOUBLE: the text protocol prints FLOAT with ~6
 * significant digits (the mariadb-dump precision trap); the exact double value of the stored float
 * converts back to the identical float on INSERT. `CAST(... AS DOUBLE)` keeps the sign of -0.
 */
export function selectExpression(c: ColumnInfo, castDouble: boolean): string {
  const id = quoteIdent(c.name);
  if (c.dataType.toLowerCase() === 'float') return castDouble ? `CAST(${id} AS DOUBLE)` : `(${id} + 0e0)`;
  return id;
}

export interface TablePlan {
  select: string;
  head: Buffer;
  kinds: ValueKind[];
  columns: string[];
}

/** The streaming SELECT and the INSERT head for one table (columns in definition order, generated ones left out). */
export function planTable(table: string, columns: readonly ColumnInfo[], castDouble: boolean): TablePlan {
  const dumped = columns.filter((c) => !isGenerated(c));
  if (dumped.length === 0) throw new Error(`table ${table} has no stored columns`);
  const names = dumped.map((c) => quoteIdent(c.name));
  return {
    select: `SELECT ${dumped.map((c) => selectExpression(c, castDouble)).join(', ')} FROM ${quoteIdent(table)}`,
    head: Buffer.from(`INSERT INTO ${quoteIdent(table)} (${names.join(',')}) VALUES `, 'utf8'),
    kinds: dumped.map(valueKind),
    columns: dumped.map((c) => c.name),
  };
}
