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
