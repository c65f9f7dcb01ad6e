// Plain SQL on the hot path (src/db/plain-sql.ts): on SQLite it runs on Prisma's own connection, so it
// must keep Prisma's transaction (a rolled-back turn leaves nothing), write values Prisma reads back
// the same (dates, booleans), and survive a disconnect. On PostgreSQL it is Prisma's raw path; the
// same checks hold there.
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { describe, expect, it } from "vitest";
import { createDb, type Db } from "../src/db/client.ts";
import { asDate, executeSql, perClient, PLAIN_SQL, queryRows, type PlainSqlHandle } from "../src/db/plain-sql.ts";
import { Prisma, PrismaClient } from "../src/generated/prisma/client.ts";
import { PrismaClient as PgPrismaClient } from "../src/generated/prisma-pg/client.ts";
import { useTestDatabase, withClient as withFreshClient } from "./support/db.ts";
import { usePostgres } from "./support/paths.ts";

const testDb = useTestDatabase();

const withClient = (fn: (db: Db) => Promise<void>) => withFreshClient(testDb.url, fn);

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
      await db.$disconnect();
      expect(await queryRows<{ key: string }>(db, Prisma.sql`SELECT "key" FROM "ProcessedUpdate" WHERE "key" = ${"again:2"}`)).toEqual([{ key: "again:2" }]);
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
    expect(asDate(at.getTime())).toEqual(at);
    expect(asDate(null)).toBeNull();
    expect(asDate(undefined)).toBeNull();
    expect(asDate("not a date")).toBeNull();
  });

  it("finds a row by the very date Prisma wrote, and binds a missing value as NULL", async () => {
    const db = testDb.db;
    const at = new Date("2026-12-07T01:02:03.456Z");
    await db.processedUpdate.create({ data: { key: "same:prisma", createdAt: at } });
    const found = await queryRows<{ key: string }>(db, Prisma.sql`SELECT "key" FROM "ProcessedUpdate" WHERE "createdAt" = ${at} AND "key" LIKE 'same:%'`);
    expect(found).toEqual([{ key: "same:prisma" }]);
    // and none later than it (a date bound in another form would sort apart from Prisma's)
    const later = await queryRows<{ key: string }>(db, Prisma.sql`SELECT "key" FROM "ProcessedUpdate" WHERE "createdAt" > ${at} AND "key" LIKE 'same:%'`);
    expect(later).toEqual([]);

    // An optional field left undefined is written as NULL, as Prisma writes it.
    const locale: string | undefined = undefined;
    const id = "plain-null-1";
    const changed = await executeSql(
      db,
      Prisma.sql`INSERT INTO "ChannelAccount" ("id", "channel", "userKey", "chatKey", "locale", "unreachable", "lastSeenAt", "createdAt")
        VALUES (${id}, ${"telegram"}, ${"plain-null"}, ${"plain-null"}, ${locale}, ${false}, ${at}, ${at})`,
    );
    expect(changed).toBe(1);
    expect(await db.channelAccount.findUniqueOrThrow({ where: { id } })).toMatchObject({ locale: null, unreachable: false, createdAt: at });
  });

  it("on a client not made by createDb goes through Prisma's raw queries, and perClient makes a fresh value each time", async () => {
    const client = usePostgres
      ? (new PgPrismaClient({ adapter: new PrismaPg({ connectionString: testDb.url }) }) as unknown as PrismaClient)
      : new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: testDb.url }) });
    try {
      expect(await executeSql(client, Prisma.sql`INSERT INTO "ProcessedUpdate" ("key", "createdAt") VALUES (${"foreign:1"}, ${new Date()})`)).toBe(1);
      expect(await queryRows(client, Prisma.sql`SELECT "key" FROM "ProcessedUpdate" WHERE "key" = ${"foreign:1"}`)).toEqual([{ key: "foreign:1" }]);
      const key = Symbol("foreign");
      expect(perClient(client, key, () => ({ made: 1 }))).not.toBe(perClient(client, key, () => ({ made: 1 })));
    } finally {
      await client.$disconnect();
    }
  });

  it.skipIf(usePostgres)("on SQLite prepares each statement once on Prisma's connection, and keeps at most 500 of them", async () => {
    await withClient(async (db) => {
      const handle = (db as unknown as Record<symbol, PlainSqlHandle>)[PLAIN_SQL];
      await db.$connect(); // the adapter hands over its connection when Prisma opens it
      const select = (n: number) => Prisma.raw(`SELECT 'row ${n}' AS "n"`);
      for (let n = 0; n < 550; n++) expect(await queryRows(db, select(n))).toEqual([{ n: `row ${n}` }]);
      // the 500 latest statements are kept, the 50 oldest dropped
      expect(handle.statements.size).toBe(500);
      expect(handle.statements.has(select(49).sql)).toBe(false);
      expect(handle.statements.has(select(50).sql)).toBe(true);
      // a statement run again is the one prepared before, not a new one
      const kept = handle.statements.get(select(549).sql);
      expect(kept).toBeDefined();
      await db.$transaction(async (tx) => {
        expect(await queryRows(tx, select(549))).toEqual([{ n: "row 549" }]);
      });
      expect(handle.statements.get(select(549).sql)).toBe(kept);
      expect(handle.statements.size).toBe(500);
      // statements that change rows go the same way
      const touch = Prisma.sql`UPDATE "ProcessedUpdate" SET "createdAt" = "createdAt" WHERE "key" = ${"none"}`;
      expect(await executeSql(db, touch)).toBe(0);
      expect(handle.statements.has(touch.sql)).toBe(true);
    });
  });
});
