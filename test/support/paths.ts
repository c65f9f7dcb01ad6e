import { resolve } from "node:path";

export const usePostgres = process.env.TEST_DB === "postgres";
export const TMP_DIR = resolve(".tmp/test");
export const SQLITE_TEMPLATE = resolve(TMP_DIR, "template.db");
export const PG_ADMIN_URL = process.env.TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
export const PG_TEMPLATE = "cho_so_template";

export function pgUrl(database: string): string {
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${database}`;
  return url.toString();
}
