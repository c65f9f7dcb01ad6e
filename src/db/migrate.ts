// Applies pending migrations with the Prisma CLI (WASM schema engine, works offline) before the bot
// starts, so a fresh clone needs no manual database step. Same command CI uses.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import Database from "better-sqlite3";
import pg from "pg";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { isPostgresUrl } from "../config.ts";
import { sqliteFilePath } from "./client.ts";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

export async function migrate(databaseUrl: string): Promise<void> {
  if (!isPostgresUrl(databaseUrl)) mkdirSync(dirname(sqliteFilePath(databaseUrl)), { recursive: true });
  // The Prisma CLI takes 1-10 s even with nothing to do; a quick look at its bookkeeping table
  // lets an up-to-date database start at once.
  if (!(await upToDate(databaseUrl).catch(() => false))) await runPrismaMigrate(databaseUrl);
  if (!isPostgresUrl(databaseUrl)) {
    // WAL is a property of the file: set once, it lets readers and the one writer work side by side.
    const db = new Database(sqliteFilePath(databaseUrl));
    db.pragma("journal_mode = WAL");
    db.close();
  }
}

async function runPrismaMigrate(databaseUrl: string): Promise<void> {
  const prismaBin = resolve(root, "node_modules/.bin/prisma");
  try {
    await promisify(execFile)(prismaBin, ["migrate", "deploy"], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: databaseUrl },
    });
  } catch (e) {
    const err = e as { stderr?: string; stdout?: string; message: string };
    throw new Error(`Database migration failed: ${err.stderr || err.stdout || err.message}`);
  }
}

/** The migrations this version of the code brings (folder names), for the database's kind. */
export function migrationNames(databaseUrl: string): string[] {
  const dir = resolve(root, isPostgresUrl(databaseUrl) ? "prisma/postgres/migrations" : "prisma/migrations");
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);
}

/** Are all migration folders recorded as finished in `_prisma_migrations`? */
async function upToDate(databaseUrl: string): Promise<boolean> {
  const pgDb = isPostgresUrl(databaseUrl);
  const wanted = migrationNames(databaseUrl);
  const sql = "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL";
  let applied: string[];
  if (pgDb) {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      applied = (await client.query(sql)).rows.map((r) => r.migration_name as string);
    } finally {
      await client.end();
    }
  } else {
    const file = sqliteFilePath(databaseUrl);
    if (!existsSync(file)) return false;
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      applied = (db.prepare(sql).all() as Array<{ migration_name: string }>).map((r) => r.migration_name);
    } finally {
      db.close();
    }
  }
  const done = new Set(applied);
  return wanted.every((name) => done.has(name));
}
