// Plain SQL on PostgreSQL without Prisma's query compiler (see plain-sql.ts for why): the statement
// goes to Prisma's own driver adapter, which binds and parses values the way Prisma does: the
// adapter itself (its pool) for the client, the transaction's connection for a `tx`
// (transaction-scope.ts says which).

/** The part of a Prisma driver adapter (or one of its transactions) plain SQL uses. */
export interface RawQueryable {
  queryRaw(query: RawQuery): Promise<{ columnNames: string[]; rows: unknown[][] }>;
  executeRaw(query: RawQuery): Promise<number>;
}

interface RawQuery {
  sql: string;
  args: unknown[];
  argTypes: Array<{ scalarType: string; arity: "scalar" }>;
}

/** Prisma's argument types, from the values (the adapter reads them for dates, lists and bytes). */
function argType(value: unknown): RawQuery["argTypes"][number] {
  const scalarType =
    value instanceof Date
      ? "datetime"
      : typeof value === "string"
        ? "string"
        : typeof value === "bigint"
          ? "bigint"
          : typeof value === "number"
            ? Number.isInteger(value)
              ? "int"
              : "float"
            : typeof value === "boolean"
              ? "boolean"
              : "unknown";
  return { scalarType, arity: "scalar" };
}

/** `sql` uses $1, $2, … (Prisma.Sql's `text`). */
function rawQuery(sql: string, values: unknown[]): RawQuery {
  const args = values.map((v) => (v === undefined ? null : v));
  return { sql, args, argTypes: args.map(argType) };
}

export async function pgRows<T>(on: RawQueryable, sql: string, values: unknown[]): Promise<T[]> {
  const { columnNames, rows } = await on.queryRaw(rawQuery(sql, values));
  // A plain loop, not Object.fromEntries over [name, value] pairs: two arrays fewer per row, which on a
  // page of 5,000 households (the households CSV) was most of the time spent here.
  const width = columnNames.length;
  return rows.map((row) => {
    const record: Record<string, unknown> = {};
    for (let i = 0; i < width; i++) record[columnNames[i]] = row[i];
    return record as T;
  });
}

export function pgExecute(on: RawQueryable, sql: string, values: unknown[]): Promise<number> {
  return on.executeRaw(rawQuery(sql, values));
}
