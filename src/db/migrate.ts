// Applies pending migrations with the Prisma CLI (WASM schema engine, works offline) before the bot
// starts, so a fresh clone needs no manual database step. Same command CI uses.
import { execFile } from "node:child_process";
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { isPostgresUrl } from "../config.ts";
import { sqliteFilePath } from "./client.ts";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

export async function migrate(databaseUrl: string): Promise<void> {
  if (!isPostgresUrl(databaseUrl)) mkdirSync(dirname(sqliteFilePath(databaseUrl)), { recursive: true });
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
