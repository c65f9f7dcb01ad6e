// Plain SQL on the hot path (src/db/plain-sql.ts): on SQLite it runs on Prisma's own connection, so it
// must keep Prisma's transaction (a rolled-back turn leaves nothing), write values Prisma reads back
// the same (dates, booleans), and survive a disconnect. On PostgreSQL it is Prisma's raw path; the
// same checks hold there.
import { describe, expect, it } from "vitest";
import { createDb } from "../src/db/client.ts";
import { asDate, executeSql, perClient, queryRows } from "../src/db/plain-sql.ts";
import { Prisma } from "../src/generated/prisma/client.ts";
import { useTestDatabase } from "./support/db.ts";

const testDb = useTestDatabase();

const keysLike = (db: typeof testDb.db, prefix: string) =>
  db.processedUpdate.findMany({ where: { key: { startsWith: prefix } }, orderBy: { key: "asc" } });

describe("plain SQL", () => {
  it("is part of the Prisma transaction it runs in: a rollback takes it back, a commit keeps it", async () => {
    const db = testDb.db;
    await expect(
      db.$transaction(async (tx) => {
        await executeSql(tx, Prisma.sql`INSERT INTO "ProcessedUpdate" ("key", "createdAt") VALUES (${"roll:1"}, ${new Date()})`);
        expect(await queryRows<{ key: string }>(tx, Prisma.sql`SELECT "key" FROM "ProcessedUpdate" WHERE "key" = ${"roll:1"}`)).toEqual([{ key: "roll:1" }]);
        throw new Error("the turn failed");
      }),
    ).rejects.toThrow("the turn failed");
    expect(await keysLike(db, "roll:")).toEqual([]);

    await db.$transaction(async (tx) => {
      await executeSql(tx, Prisma.sql`INSERT INTO "ProcessedUpdate" ("key", "createdAt") VALUES (${"roll:2"}, ${new Date()})`);
    });
    expect((await keysLike(db, "roll:")).map((r) => r.key)).toEqual(["roll:2"]);
  });

  it("refuses a transaction's tx once that transaction has ended, and keeps concurrent transactions apart", async () => {
    const db = testDb.db;
    let kept: Parameters<Parameters<typeof db.$transaction>[0]>[0] | undefined;
    await db.$transaction(async (tx) => {
      kept = tx;
      await executeSql(tx, Prisma.sql`INSERT INTO "ProcessedUpdate" ("key", "createdAt") VALUES (${"ended:1"}, ${new Date()})`);
    });
    await expect(executeSql(kept!, Prisma.sql`INSERT INTO "ProcessedUpdate" ("key", "createdAt") VALUES (${"ended:2"}, ${new Date()})`)).rejects.toThrow();
    expect((await keysLike(db, "ended:")).map((r) => r.key)).toEqual(["ended:1"]);

    // Two transactions at once (PostgreSQL runs them side by side; SQLite one after the other): each
    // statement lands in its own, so the one that fails takes back only its own row.
    const results = await Promise.allSettled(
      ["apart:kept", "apart:lost"].map((key) =>
        db.$transaction(async (tx) => {
          await executeSql(tx, Prisma.sql`INSERT INTO "ProcessedUpdate" ("key", "createdAt") VALUES (${key}, ${new Date()})`);
          await new Promise((r) => setTimeout(r, 20));
          if (key.endsWith("lost")) throw new Error("this one fails");
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected"]);
    expect((await keysLike(db, "apart:")).map((r) => r.key)).toEqual(["apart:kept"]);
  });

  it("writes dates and booleans as Prisma reads them, and reads Prisma's back", async () => {
    const db = testDb.db;
    const at = new Date("2026-12-06T08:30:15.123Z");
    await executeSql(db, Prisma.sql`INSERT INTO "ProcessedUpdate" ("key", "createdAt") VALUES (${"date:plain"}, ${at})`);
    const [viaPrisma] = await keysLike(db, "date:plain");
    expect(viaPrisma.createdAt).toEqual(at);

    await db.processedUpdate.create({ data: { key: "date:prisma", createdAt: at } });
    const [row] = await queryRows<{ createdAt: unknown }>(db, Prisma.sql`SELECT "createdAt" FROM "ProcessedUpdate" WHERE "key" = ${"date:prisma"}`);
    expect(asDate(row.createdAt)).toEqual(at);
    // Rows compared by a date bound the plain way find Prisma's rows (same stored form).
    const [{ n }] = await queryRows<{ n: unknown }>(db, Prisma.sql`SELECT COUNT(*) AS n FROM "ProcessedUpdate" WHERE "key" LIKE 'date:%' AND "createdAt" >= ${at}`);
    expect(Number(n)).toBe(2);

    const account = await db.channelAccount.create({ data: { channel: "telegram", userKey: "plain-1", chatKey: "plain-1", unreachable: true } });
    expect(await executeSql(db, Prisma.sql`UPDATE "ChannelAccount" SET "unreachable" = ${false} WHERE "id" = ${account.id}`)).toBe(1);
    expect((await db.channelAccount.findUniqueOrThrow({ where: { id: account.id } })).unreachable).toBe(false);
  });

  it("works again after the client disconnects, and keeps a cache per client", async () => {
    const db = createDb(testDb.url);
    try {
      const key = Symbol("test-cache");
      const mine = perClient(db, key, () => ({ made: 1 }));
      await db.$transaction(async (tx) => expect(perClient(tx, key, () => ({ made: 2 }))).toBe(mine));
      expect(perClient(testDb.db, key, () => ({ made: 3 }))).not.toBe(mine);

      await executeSql(db, Prisma.sql`INSERT INTO "ProcessedUpdate" ("key", "createdAt") VALUES (${"again:1"}, ${new Date()})`);
      await db.$disconnect();
      await executeSql(db, Prisma.sql`INSERT INTO "ProcessedUpdate" ("key", "createdAt") VALUES (${"again:2"}, ${new Date()})`);
      await db.$transaction(async (tx) => {
        await executeSql(tx, Prisma.sql`INSERT INTO "ProcessedUpdate" ("key", "createdAt") VALUES (${"again:3"}, ${new Date()})`);
      });
      expect((await keysLike(testDb.db, "again:")).map((r) => r.key)).toEqual(["again:1", "again:2", "again:3"]);
    } finally {
      await db.$disconnect();
    }
  });

  it("reads a date however the database gave it", () => {
    const at = new Date("2026-12-06T08:30:15.123Z");
    expect(asDate("2026-12-06T08:30:15.123+00:00")).toEqual(at);
    expect(asDate(at)).toBe(at);
    expect(asDate(BigInt(at.getTime()))).toEqual(at);
    expect(asDate(String(at.getTime()))).toEqual(at);
    expect(asDate(null)).toBeNull();
    expect(asDate("not a date")).toBeNull();
  });
});
