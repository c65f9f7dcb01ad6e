// A fresh, migrated database for one test file: a copy of the template made by global-setup.ts.
import { randomBytes } from "node:crypto";
import { copyFileSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import pg from "pg";
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import { createDb, type Db } from "../../src/db/client.ts";
import { PG_ADMIN_URL, PG_PREFIX, PG_TEMPLATE, SQLITE_TEMPLATE, TMP_DIR, usePostgres, pgUrl } from "./paths.ts";

export interface TestDatabase {
  url: string;
  kind: "sqlite" | "postgres";
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const id = randomBytes(6).toString("hex");
  if (!usePostgres) {
    const file = resolve(TMP_DIR, `t-${id}.db`);
    copyFileSync(SQLITE_TEMPLATE, file);
    return {
      url: `file:${file}`,
      kind: "sqlite",
      async drop() {
        for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(file + suffix, { force: true });
      },
    };
  }
  const name = `${PG_PREFIX}t_${id}`;
  await withAdmin(async (admin) => {
    // Two files creating from the same template at once can collide ("being accessed by other users").
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${PG_TEMPLATE}"`);
        return;
      } catch (e) {
        if (attempt >= 20 || !/being accessed/.test(String(e))) throw e;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
  });
  return {
    url: pgUrl(name),
    kind: "postgres",
    drop: () => withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}

async function withAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.end();
  }
}

/**
 * A fresh database for the test file, opened before its tests and dropped after them:
 *   const testDb = useTestDatabase();  ... testDb.url, testDb.db.household.count()
 * With `{ perTest: true }` every test gets its own (for tests that need an empty database).
 */
export function useTestDatabase(opts: { perTest?: boolean } = {}): { readonly url: string; readonly db: Db } {
  let database: TestDatabase | undefined;
  let client: Db | undefined;
  const open = async () => {
    database = await createTestDatabase();
    client = createDb(database.url);
  };
  const close = async () => {
    await client?.$disconnect();
    await database?.drop();
    client = undefined;
    database = undefined;
  };
  if (opts.perTest) {
    beforeEach(open);
    afterEach(close);
  } else {
    beforeAll(open);
    afterAll(close);
  }
  return {
    get url() {
      if (!database) throw new Error("useTestDatabase: the database is ready only inside tests");
      return database.url;
    },
    get db() {
      if (!client) throw new Error("useTestDatabase: the database is ready only inside tests");
      return client;
    },
  };
}

/**
 * A client of createDb made for one piece of a test and closed after it, for tests where what createDb
 * sets up (plain SQL, transaction scopes) is part of what they check.
 */
export async function withClient(url: string, fn: (db: Db) => Promise<void>): Promise<void> {
  const db = createDb(url);
  try {
    await fn(db);
  } finally {
    await db.$disconnect();
  }
}

/**
 * PostgreSQL: takes row locks from a connection of its own (`lock`, e.g. `SELECT … FOR UPDATE`, or an
 * UPDATE left uncommitted), starts `work`, waits until `waiting` sessions of the database are queued on a
 * lock (each has read what it needed and reached its write: the positive marker that the interleaving
 * happened), runs `then` inside the holder's transaction, commits, and returns what the work gave.
 */
export async function whileLocked<T>(
  url: string,
  lock: { sql: string; params?: unknown[] },
  waiting: number,
  work: () => Promise<T>,
  then?: (holder: pg.Client) => Promise<unknown>,
): Promise<T> {
  const dbName = new URL(url).pathname.slice(1);
  const holder = new pg.Client({ connectionString: url });
  const watcher = new pg.Client({ connectionString: url });
  await holder.connect();
  await watcher.connect();
  try {
    await holder.query("BEGIN");
    await holder.query(lock.sql, lock.params);
    const running = work();
    running.catch(() => undefined); // judged below, after the commit
    const deadline = Date.now() + 20_000;
    for (;;) {
      const { rows } = await watcher.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'`, [dbName]);
      if (rows[0].n >= waiting) break;
      if (Date.now() > deadline) throw new Error(`only ${rows[0].n} of ${waiting} transactions reached the locked rows`);
      await new Promise((r) => setTimeout(r, 20));
    }
    await then?.(holder);
    await holder.query("COMMIT");
    return await running;
  } finally {
    await holder.query("ROLLBACK").catch(() => undefined);
    await holder.end();
    await watcher.end();
  }
}
