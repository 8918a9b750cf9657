/** `mtime_ms` → `mtimeMs`: the name a snake_case SQLite column has in the record it stores. */
type CamelCase<Column extends string> = Column extends `${infer Head}_${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : Column;

/** A row's columns under their camelCase names, with the values as read. */
export type CamelCased<Row> = { [Column in keyof Row as Column extends string ? CamelCase<Column> : Column]: Row[Column] };

/**
 * A SQLite row as the record it stores: every column under its camelCase name, its value as read. A store
 * takes out first the columns it keeps differently (JSON text, another name in the record) and converts those
 * itself.
 */
export function camelCaseColumns<Row extends object>(row: Row): CamelCased<Row> {
  const record: Record<string, unknown> = {};
  for (const column in row) record[camelName(column)] = row[column];
  return record as CamelCased<Row>;
}

/** Column names seen so far → their camelCase names: a catalog listing maps 10,000 rows of the same columns. */
const camelNames = new Map<string, string>();

function camelName(column: string): string {
  let name = camelNames.get(column);
  if (name === undefined) {
    name = column.replace(/_([a-z0-9])/g, (_underscore, next: string) => next.toUpperCase());
    camelNames.set(column, name);
  }
  return name;
}
