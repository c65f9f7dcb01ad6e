// `npm run admin -- db:backup <file>`: a consistent copy of the SQLite database while the bot runs.
// SQLite's online backup API (better-sqlite3's `backup`), told to copy every page in one step: the
// copy is then one read transaction, a snapshot of one moment. The file is in WAL mode (migrate.ts),
// so the bot's writes go on meanwhile; copied in small steps instead, a write from the bot would
// restart the copy, and a busy bot could keep it from ever finishing.
// The copy is checked (integrity_check) before it is reported done. PostgreSQL is backed up with its
// own tools (pg_dump, or the host's snapshots): see docs/deploy.md.
import { existsSync, renameSync, rmSync, statSync } from "node:fs";
import Database from "better-sqlite3";
import { isPostgresUrl } from "../config.ts";
import { sqliteFilePath } from "../db/client.ts";

export class BackupError extends Error {}

export interface BackupResult {
  file: string;
  bytes: number;
  /** rows in the tables people care about, read from the copy */
  counts: { households: number; listings: number; orders: number };
}

export async function backupSqlite(databaseUrl: string, target: string): Promise<BackupResult> {
  if (isPostgresUrl(databaseUrl)) throw new BackupError("db:backup copies the SQLite file; for PostgreSQL use pg_dump (docs/deploy.md).");
  const source = sqliteFilePath(databaseUrl);
  if (!existsSync(source)) throw new BackupError(`No database at ${source}.`);
  if (existsSync(target)) throw new BackupError(`${target} exists already; choose a new file name.`);
  // Written beside the target and renamed once checked: a half-written file never carries the name.
  const partial = `${target}.partial`;
  rmSync(partial, { force: true });
  const db = new Database(source, { readonly: true, fileMustExist: true, timeout: 5000 });
  try {
    await db.backup(partial, { progress: () => Number.MAX_SAFE_INTEGER });
  } finally {
    db.close();
  }
  const copy = new Database(partial, { fileMustExist: true });
  try {
    // The copy keeps the source's WAL mode; a single file is easier to move and restore.
    copy.pragma("journal_mode = DELETE");
    const check = copy.pragma("integrity_check", { simple: true });
    if (check !== "ok") throw new BackupError(`The copy failed its integrity check: ${String(check)}`);
    const count = (table: string) => (copy.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n;
    const counts = { households: count("Household"), listings: count("Listing"), orders: count("Order") };
    copy.close();
    renameSync(partial, target);
    return { file: target, bytes: statSync(target).size, counts };
  } catch (e) {
    if (copy.open) copy.close();
    rmSync(partial, { force: true });
    throw e;
  }
}
