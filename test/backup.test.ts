// `npm run admin -- db:backup <file>` (src/admin/backup.ts): a consistent, checked copy of the SQLite
// file taken while another connection keeps writing; the copy opens as the bot's database (restore =
// point DATABASE_URL at it) with the rows of one moment. On PostgreSQL it refuses and names pg_dump.
import { execFile } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { backupSqlite } from "../src/admin/backup.ts";
import { createDb, sqliteFilePath } from "../src/db/client.ts";
import { migrate } from "../src/db/migrate.ts";
import { useTestDatabase } from "./support/db.ts";
import { TMP_DIR, usePostgres } from "./support/paths.ts";

const testDb = useTestDatabase();

describe.skipIf(usePostgres)("db:backup on SQLite", () => {
  it("copies a consistent snapshot while writes go on, checks it, and the copy serves as the database", async () => {
    const target = resolve(TMP_DIR, `backup-${process.pid}-${Date.now()}.db`);
    await testDb.db.household.createMany({
      data: Array.from({ length: 300 }, (_, i) => ({ name: `Hộ ${i}`, phone: `+8491200${String(i).padStart(4, "0")}`, provinceCode: "20", communeCode: "06340", payment: "none", consentAt: new Date() })),
    });
    // another connection (the running bot) writes all along
    const writer = new Database(sqliteFilePath(testDb.url));
    const insert = writer.prepare(`INSERT INTO "ProcessedUpdate" ("key", "createdAt") VALUES (?, ?)`);
    let written = 0;
    const writing = setInterval(() => {
      for (let i = 0; i < 50; i++) insert.run(`w:${written++}`, Date.now());
    }, 1);
    try {
      const result = await backupSqlite(testDb.url, target);
      expect(result.counts).toEqual({ households: 300, listings: 0, orders: 0 });
      expect(result.bytes).toBeGreaterThan(0);
    } finally {
      clearInterval(writing);
      writer.close();
    }
    expect(existsSync(`${target}.partial`)).toBe(false);
    const copied = new Database(target, { readonly: true });
    const keys = (copied.prepare(`SELECT "key" FROM "ProcessedUpdate" WHERE "key" LIKE 'w:%'`).all() as Array<{ key: string }>).map((r) => Number(r.key.slice(2)));
    copied.close();
    // a snapshot: the first n writes, none missing in between
    expect(keys.sort((a, b) => a - b)).toEqual(Array.from({ length: keys.length }, (_, i) => i));
    expect(keys.length).toBeLessThanOrEqual(written);

    // restore: the copy is a migrated database the app opens as it is
    await migrate(`file:${target}`);
    const restored = createDb(`file:${target}`);
    try {
      expect(await restored.household.count()).toBe(300);
    } finally {
      await restored.$disconnect();
    }
    await expect(backupSqlite(testDb.url, target)).rejects.toThrow(/exists already/);
    rmSync(target, { force: true });
  });

  it("is an admin command", async () => {
    const target = resolve(TMP_DIR, `backup-cli-${process.pid}-${Date.now()}.db`);
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "src/admin/main.ts", "db:backup", target], { env: { ...process.env, DATABASE_URL: testDb.url } });
    expect(stdout).toMatch(/^Backed up to .*\(\d+\.\d MB; checked\): \d+ households, 0 listings, 0 orders\.$/m);
    rmSync(target, { force: true });
  });
});

describe.skipIf(!usePostgres)("db:backup on PostgreSQL", () => {
  it("refuses and names pg_dump", async () => {
    await expect(backupSqlite(testDb.url, resolve(TMP_DIR, "never.db"))).rejects.toThrow(/pg_dump/);
  });
});
