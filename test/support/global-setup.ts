// Migrates one template database per run (SQLite file or PostgreSQL database); every test file then
// gets a fresh copy of it (see db.ts), which is much faster than migrating per file.
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import pg from "pg";
import { PG_ADMIN_URL, PG_PREFIX, PG_TEMPLATE, SQLITE_TEMPLATE, TMP_DIR, usePostgres, pgUrl } from "./paths.ts";

// The CLI found the way Node finds packages, not at ./node_modules/.bin: Stryker's sandbox has no
// node_modules of its own when the checkout's node_modules is a symlink (a git worktree's), and
// reaches the packages through its parent folders.
const prismaCli = join(dirname(createRequire(import.meta.url).resolve("prisma/package.json")), "build/index.js");

function prismaMigrate(url: string) {
  execFileSync(process.execPath, [prismaCli, "migrate", "deploy"], {
    env: { ...process.env, DATABASE_URL: url },
    stdio: "pipe",
  });
}

export default async function setup() {
  mkdirSync(TMP_DIR, { recursive: true });
  if (!usePostgres) {
    process.env.CHO_SO_SQLITE_TEMPLATE = SQLITE_TEMPLATE; // inherited by the test workers
    rmSync(SQLITE_TEMPLATE, { force: true });
    prismaMigrate(`file:${SQLITE_TEMPLATE}`);
    return () => rmSync(SQLITE_TEMPLATE, { force: true });
  }
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  // Leftovers of an interrupted earlier run.
  const stale = await admin.query("SELECT datname FROM pg_database WHERE datname LIKE $1", [`${PG_PREFIX}t_%`]);
  for (const row of stale.rows) await admin.query(`DROP DATABASE IF EXISTS "${row.datname}" WITH (FORCE)`);
  await admin.query(`DROP DATABASE IF EXISTS "${PG_TEMPLATE}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${PG_TEMPLATE}"`);
  await admin.end();
  prismaMigrate(pgUrl(PG_TEMPLATE));
}
