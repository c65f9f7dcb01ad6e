// One Prisma client type for both databases. The SQLite client is the reference type; the PostgreSQL
// client is generated from an identical model section (prisma/postgres/schema.prisma) so it is cast to it.
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/prisma/client.ts";
import { PrismaClient as PgPrismaClient } from "../generated/prisma-pg/client.ts";
import { isPostgresUrl } from "../config.ts";

export type Db = PrismaClient;
/** The client handed to `db.$transaction(async (tx) => ...)`. */
export type Tx = Omit<Db, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

export function sqliteFilePath(url: string): string {
  return resolve(url.replace(/^file:/, "").replace(/\?.*$/, ""));
}

export function createDb(url: string): Db {
  if (isPostgresUrl(url)) {
    const adapter = new PrismaPg({ connectionString: url });
    return new PgPrismaClient({ adapter }) as unknown as Db;
  }
  mkdirSync(dirname(sqliteFilePath(url)), { recursive: true });
  // The busy timeout makes a second process (e.g. `npm run chat` beside `npm start`) wait for the write
  // lock instead of failing; migrate() switches the file to WAL so readers never block the writer.
  const adapter = new PrismaBetterSQLite3({ url, timeout: 5000 });
  return new PrismaClient({ adapter });
}

export function isUniqueViolation(e: unknown): boolean {
  return typeof e === "object" && e !== null && (e as { code?: string }).code === "P2002";
}
