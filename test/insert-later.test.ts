// Listings held back in their transaction and written together (src/db/insert-later.ts): whatever the
// transaction sends next, a Prisma query or plain SQL, sees them; they commit with it, and a row that
// breaks a constraint rolls the whole transaction back. On PostgreSQL the driver's statements are
// counted: five listings in one transaction are one INSERT. On the database of the run.
import { createRequire } from "node:module";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { createServices } from "../src/core/services.ts";
import type { NewListing } from "../src/core/listings.ts";
import { queryRows } from "../src/db/plain-sql.ts";
import { Prisma } from "../src/generated/prisma/client.ts";
import { useTestDatabase } from "./support/db.ts";
import { usePostgres } from "./support/paths.ts";

const testDb = useTestDatabase();
let shopId: string;
let nextTitle = 0;

beforeAll(async () => {
  const h = await createServices(testDb.db).households.register({
    name: "Lăng Thị Hoa",
    phone: "+84912777001",
    provinceCode: "20",
    communeCode: "06463",
    shopName: "Hồi Chi Lăng nhà Hoa",
    payment: "momo",
    identity: { channel: "cli", userKey: "insert-later", chatKey: "insert-later" },
    locale: "vi",
  });
  shopId = h.shop!.id;
});

const listing = (overrides: Partial<NewListing> = {}): NewListing => ({
  shopId,
  productId: null,
  title: `Hồi khô ${++nextTitle}`,
  unit: "kg",
  quantity: 2.5,
  displayUnit: "ta",
  priceVnd: 80_000,
  photo: { ref: "file-1", channel: "telegram" },
  availableFrom: new Date("2027-01-15T00:00:00Z"),
  ...overrides,
});

const titlesLike = async (prefix: string) =>
  (await testDb.db.listing.findMany({ where: { title: { startsWith: prefix } }, orderBy: { title: "asc" } })).map((l) => l.title);

describe("listings inserted later, together", () => {
  it("what the transaction sends next sees the held rows: a Prisma query, then plain SQL", async () => {
    await testDb.db.$transaction(async (tx) => {
      const services = createServices(tx);
      const a = await services.listings.create(listing({ title: "seen A" }));
      await services.listings.create(listing({ title: "seen B" }));
      expect(await tx.listing.count({ where: { title: { startsWith: "seen " } } })).toBe(2);
      await services.listings.create(listing({ title: "seen C" }));
      const rows = await queryRows<{ title: string }>(tx, Prisma.sql`SELECT "title" FROM "Listing" WHERE "title" LIKE 'seen %' ORDER BY "title"`);
      expect(rows.map((r) => r.title)).toEqual(["seen A", "seen B", "seen C"]);
      // and what create answered is what was stored
      expect(await services.listings.get(shopId, a.id)).toEqual(a);
    });
    expect(await titlesLike("seen ")).toEqual(["seen A", "seen B", "seen C"]);
  });

  it("rows held when the callback returns are written and committed with it", async () => {
    const made = await testDb.db.$transaction(async (tx) => {
      const services = createServices(tx);
      return [await services.listings.create(listing({ title: "end 1" })), await services.listings.create(listing({ title: "end 2", photo: null, availableFrom: null }))];
    });
    for (const view of made) expect(await createServices(testDb.db).listings.get(shopId, view.id)).toEqual(view);
    expect(made[1]).toMatchObject({ productId: null, photoRef: null, availableFrom: null, quantity: 2.5, status: "active" });
  });

  it("a held row that breaks a constraint fails the transaction: nothing of it is kept", async () => {
    await expect(
      testDb.db.$transaction(async (tx) => {
        const services = createServices(tx);
        await services.listings.create(listing({ title: "broken 1" }));
        await services.listings.create(listing({ title: "broken 2", shopId: "no-such-shop" }));
      }),
    ).rejects.toThrow();
    expect(await titlesLike("broken ")).toEqual([]);
  });

  it("outside a transaction a listing is written at once", async () => {
    const view = await createServices(testDb.db).listings.create(listing({ title: "at once" }));
    expect(await createServices(testDb.db).listings.get(shopId, view.id)).toEqual(view);
  });
});

describe.runIf(usePostgres)("statements sent (PostgreSQL)", () => {
  const pg = createRequire(import.meta.url)("pg") as { Client: { prototype: { query: (...args: unknown[]) => unknown } } };
  const original = pg.Client.prototype.query;
  afterEach(() => {
    pg.Client.prototype.query = original;
  });

  it("five listings in one transaction are one INSERT", async () => {
    const inserts: string[] = [];
    pg.Client.prototype.query = function (this: unknown, config: unknown, ...rest: unknown[]) {
      const text = typeof config === "string" ? config : ((config as { text?: string })?.text ?? "");
      if (text.startsWith('INSERT INTO "Listing"')) inserts.push(text);
      return original.call(this, config, ...rest);
    };
    await testDb.db.$transaction(async (tx) => {
      for (let i = 0; i < 5; i++) await createServices(tx).listings.create(listing({ title: `counted ${i}` }));
    });
    expect(inserts).toHaveLength(1);
    expect(await titlesLike("counted ")).toEqual(["counted 0", "counted 1", "counted 2", "counted 3", "counted 4"]);
  });
});
