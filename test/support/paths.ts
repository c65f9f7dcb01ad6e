import { createHash } from "node:crypto";
import { resolve } from "node:path";

export const usePostgres = process.env.TEST_DB === "postgres";
export const TMP_DIR = resolve(".tmp/test");
// One template per test run (set by global-setup.ts before the workers start), so two runs in the same
// checkout never replace each other's template mid-run.
export const SQLITE_TEMPLATE = process.env.CHO_SO_SQLITE_TEMPLATE ?? resolve(TMP_DIR, `template-${process.pid}.db`);
export const PG_ADMIN_URL = process.env.TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
// Several checkouts (worktrees, CI) may run their suites on one PostgreSQL server at once: every name
// carries a short hash of this checkout's path so they never drop each other's databases.
const checkout = createHash("sha256").update(resolve(".")).digest("hex").slice(0, 8);
export const PG_PREFIX = `cho_so_${checkout}_`;
export const PG_TEMPLATE = `${PG_PREFIX}template`;

export function pgUrl(database: string): string {
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${database}`;
  return url.toString();
}
