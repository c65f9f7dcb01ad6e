// Plain SQL on the hot path of a turn, run as cheaply as each database allows.
//
// Prisma 6.19 runs even a raw query through its query compiler (WebAssembly, on the main thread), its
// interpreter and the driver adapter, which prepares the statement again on every call: on SQLite
// that costs 0.3–0.6 ms of CPU per statement, ten times what the statement itself takes. So on SQLite
// the statement goes straight to the adapter's own better-sqlite3 connection, prepared once and kept.
// It is the same connection Prisma uses, so a statement run inside `db.$transaction(async (tx) => …)`
// is part of that transaction (Prisma's SQLite adapter holds one transaction at a time on it).
// On PostgreSQL the statement goes to Prisma's driver adapter, on the transaction's own connection
// (plain-sql-pg.ts), which costs about a third of the same `$queryRaw`.
//
// What comes back differs from Prisma's raw results in one way callers must allow for: integers may
// come as bigint or numeric text, and DateTime columns as text, not Date (see `asDate`). Values going
// in are converted exactly as the adapters do, so rows written here read the same through Prisma.
import type Database from "better-sqlite3";
import type { Prisma, PrismaClient } from "../generated/prisma/client.ts";
import { pgExecute, pgRows, type RawQueryable } from "./plain-sql-pg.ts";
import { transactionOf, writeHeldBackOf } from "./transaction-scope.ts";

/** A client or an interactive transaction (what callers hold as `Db` or `Tx`). */
type Tx = Pick<PrismaClient, "$queryRaw" | "$executeRaw">;

/**
 * What createDb hangs on each client (and so on its transactions, which forward unknown keys to it):
 * the SQLite connection once Prisma's adapter has opened it, and small caches that belong to one
 * database (per client, so tests with a database each never see each other's).
 */
export const PLAIN_SQL = Symbol.for("cho-so.plain-sql");

export interface PlainSqlHandle {
  /** the client itself (a `tx` is anything else that carries this handle) */
  client?: object;
  sqlite?: Database.Database;
  statements: Map<string, Database.Statement>;
  /** the client is on PostgreSQL */
  postgres?: boolean;
  /** PostgreSQL: Prisma's connected driver adapter */
  pg?: RawQueryable;
  caches: Map<symbol, unknown>;
}

/** Distinct statements kept prepared; a batch of n rows is its own statement, so this bounds them. */
const MAX_STATEMENTS = 500;

export function newPlainSqlHandle(): PlainSqlHandle {
  return { statements: new Map(), caches: new Map() };
}

const handleOf = (tx: Tx) => (tx as unknown as Record<symbol, PlainSqlHandle | undefined>)[PLAIN_SQL];

function sqliteOf(tx: Tx): PlainSqlHandle | undefined {
  const handle = handleOf(tx);
  if (!handle?.sqlite) return undefined;
  if (tx !== handle.client) transactionOf(tx); // throws when the `tx`'s transaction has ended
  return handle;
}

/** Where a PostgreSQL statement goes: the pool for the client, the scope's transaction for a `tx`. */
function pgOf(tx: Tx): RawQueryable | undefined {
  const handle = handleOf(tx);
  if (!handle?.pg) return undefined;
  return tx === handle.client ? handle.pg : transactionOf(tx);
}

/** Whether a client made by createDb (or one of its transactions) is on PostgreSQL. */
export const onPostgres = (tx: Tx): boolean => handleOf(tx)?.postgres === true;

/** One `make()` per database client, kept with it; a client not made by createDb gets a fresh one each time. */
export function perClient<T>(tx: Tx, key: symbol, make: () => T): T {
  const caches = handleOf(tx)?.caches;
  if (!caches) return make();
  let value = caches.get(key) as T | undefined;
  if (value === undefined) caches.set(key, (value = make()));
  return value;
}

function prepared(handle: PlainSqlHandle, text: string): Database.Statement {
  let stmt = handle.statements.get(text);
  if (stmt === undefined) {
    stmt = handle.sqlite!.prepare(text);
    if (handle.statements.size >= MAX_STATEMENTS) handle.statements.delete(handle.statements.keys().next().value!);
    handle.statements.set(text, stmt);
  }
  return stmt;
}

/** A value as @prisma/adapter-better-sqlite3 binds it (booleans as 0/1, Dates as ISO 8601 text). */
function bindable(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString().replace("Z", "+00:00");
  if (typeof value === "boolean") return value ? 1 : 0;
  return value === undefined ? null : value;
}

/** Rows of a query (or of a statement with RETURNING). */
export async function queryRows<T>(tx: Tx, sql: Prisma.Sql): Promise<T[]> {
  const handle = sqliteOf(tx);
  if (handle) {
    await writeHeldBackOf(tx); // what the transaction held back comes first (PostgreSQL's path does this itself)
    return prepared(handle, sql.sql).all(sql.values.map(bindable)) as T[];
  }
  const pg = pgOf(tx);
  return pg ? pgRows<T>(pg, sql.text, sql.values) : tx.$queryRaw<T[]>(sql);
}

/** The number of rows a statement changed. */
export async function executeSql(tx: Tx, sql: Prisma.Sql): Promise<number> {
  const handle = sqliteOf(tx);
  if (handle) {
    await writeHeldBackOf(tx);
    return prepared(handle, sql.sql).run(sql.values.map(bindable)).changes;
  }
  const pg = pgOf(tx);
  return pg ? pgExecute(pg, sql.text, sql.values) : tx.$executeRaw(sql);
}

/**
 * A DateTime column read by either path: a Date from Prisma, stored text or epoch ms from SQLite (a
 * number, a bigint or digits). Anything else, null included, is no date.
 */
export function asDate(v: unknown): Date | null {
  if (v instanceof Date) return v;
  const text = String(v);
  const d = new Date(/^\d+$/.test(text) ? Number(text) : text);
  return Number.isNaN(d.getTime()) ? null : d;
}
