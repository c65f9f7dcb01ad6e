// One Prisma client type for both databases. The SQLite client is the reference type; the PostgreSQL
// client is generated from an identical model section (prisma/postgres/schema.prisma) so it is cast to it.
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/prisma/client.ts";
import { PrismaClient as PgPrismaClient } from "../generated/prisma-pg/client.ts";
import { isPostgresUrl } from "../config.ts";
import { newPlainSqlHandle, PLAIN_SQL, type PlainSqlHandle } from "./plain-sql.ts";
import type { RawQueryable } from "./plain-sql-pg.ts";
import { recordTransaction, scopeTransactions } from "./transaction-scope.ts";

export type Db = PrismaClient;
/** The client handed to `db.$transaction(async (tx) => ...)`. */
export type Tx = Omit<Db, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

export function sqliteFilePath(url: string): string {
  return resolve(url.replace(/^file:/, "").replace(/\?.*$/, ""));
}

/**
 * PrismaPg whose interactive transactions send one query at a time. Prisma's query interpreter reads
 * the relations of an `include` in parallel (Promise.all over the join's children); inside a
 * transaction they all go to the transaction's one connection, which pg deprecates ("client.query()
 * when the client is already executing a query") and pg 9 refuses. Outside transactions each query
 * takes its own pool connection and runs in parallel as before.
 */
class PrismaPgSerialTransactions extends PrismaPg {
  constructor(
    config: ConstructorParameters<typeof PrismaPg>[0],
    private readonly handle: PlainSqlHandle,
  ) {
    super(config);
  }

  override async connect(): ReturnType<PrismaPg["connect"]> {
    const adapter = await super.connect();
    const start = adapter.startTransaction.bind(adapter);
    // Also recorded for plain SQL (plain-sql-pg.ts), in the scope of the `$transaction` call that opened it.
    adapter.startTransaction = async (isolationLevel) => recordTransaction(oneQueryAtATime(await start(isolationLevel)));
    this.handle.pg = adapter as unknown as RawQueryable;
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      this.handle.pg = undefined; // back to Prisma's path, which connects again
      return dispose();
    };
    return adapter;
  }
}

type PgTransaction = Awaited<ReturnType<Awaited<ReturnType<PrismaPg["connect"]>>["startTransaction"]>>;

function oneQueryAtATime(tx: PgTransaction): PgTransaction {
  let tail: Promise<unknown> = Promise.resolve();
  const queued = <A, R>(fn: (arg: A) => Promise<R>) => (arg: A): Promise<R> => {
    const run = tail.then(() => fn(arg));
    tail = run.catch(() => undefined); // a failed query does not hold up the next one (Prisma rolls back)
    return run;
  };
  tx.queryRaw = queued(tx.queryRaw.bind(tx));
  tx.executeRaw = queued(tx.executeRaw.bind(tx));
  return tx;
}

/** PrismaBetterSQLite3 that hands its connection to plain-sql.ts once it has opened it. */
class PrismaBetterSQLite3Shared extends PrismaBetterSQLite3 {
  constructor(
    config: ConstructorParameters<typeof PrismaBetterSQLite3>[0],
    private readonly handle: PlainSqlHandle,
  ) {
    super(config);
  }

  override async connect(): ReturnType<PrismaBetterSQLite3["connect"]> {
    const adapter = await super.connect();
    this.handle.statements.clear();
    this.handle.sqlite = (adapter as unknown as { client: PlainSqlHandle["sqlite"] }).client;
    const start = adapter.startTransaction.bind(adapter);
    adapter.startTransaction = async (isolationLevel) => recordTransaction(await start(isolationLevel));
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      this.handle.sqlite = undefined; // back to Prisma's path: the connection is closing
      this.handle.statements.clear();
      return dispose();
    };
    return adapter;
  }
}

export function createDb(url: string): Db {
  if (isPostgresUrl(url)) {
    const handle = newPlainSqlHandle();
    handle.postgres = true;
    const adapter = new PrismaPgSerialTransactions({ connectionString: url }, handle);
    const client = new PgPrismaClient({ adapter }) as unknown as Db;
    handle.client = client;
    Object.defineProperty(client, PLAIN_SQL, { value: handle });
    scopeTransactions(client);
    return client;
  }
  mkdirSync(dirname(sqliteFilePath(url)), { recursive: true });
  // The busy timeout makes a second process (e.g. `npm run chat` beside `npm start`) wait for the write
  // lock instead of failing; migrate() switches the file to WAL so readers never block the writer.
  const handle = newPlainSqlHandle();
  const adapter = new PrismaBetterSQLite3Shared({ url, timeout: 5000 }, handle);
  const client = new PrismaClient({ adapter });
  handle.client = client;
  // Read back through transactions too: Prisma's transaction client forwards unknown keys to this one.
  Object.defineProperty(client, PLAIN_SQL, { value: handle });
  scopeTransactions(client);
  return client;
}

/**
 * An id for a row written by plain SQL, shaped like the cuid() Prisma gives the rest (25 lowercase
 * characters starting with "c"), so ids look and sort alike whoever wrote the row.
 */
export function newId(): string {
  return `c${randomBytes(12).toString("hex")}`;
}

export function isUniqueViolation(e: unknown): boolean {
  return typeof e === "object" && e !== null && (e as { code?: string }).code === "P2002";
}
