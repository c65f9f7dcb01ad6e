// The price board kept in memory (core/price-board.ts): the board it serves equals prices().board()
// computed at the same moment; a refresh with nothing changed computes nothing; a new listing or a
// reference price is on the board after the next refresh; concurrent first requests share one computation.
import pino from "pino";
import { describe, expect, it } from "vitest";
import { PriceBoardCache } from "../src/core/price-board.ts";
import { prices } from "../src/core/prices.ts";
import { createServices } from "../src/core/services.ts";
import { CatalogStore } from "../src/core/catalog.ts";
import { useTestDatabase } from "./support/db.ts";

const db = useTestDatabase();

async function shop(phone: string) {
  return createServices(db.db).households.register({
    name: "Nông Văn Tú",
    phone,
    provinceCode: "20",
    communeCode: "06184",
    shopName: `Hồi nhà ${phone}`,
    payment: "momo",
    identity: { channel: "cli", userKey: phone, chatKey: phone },
    locale: "vi",
  });
}

describe("PriceBoardCache", () => {
  it("serves the board as computed, recomputes only when listings, orders or reference prices changed", async () => {
    await new CatalogStore(db.db).get(); // seeds the products
    const h = await shop("+84913000101");
    const list = (priceVnd: number) =>
      createServices(db.db).listings.create({ shopId: h.shop!.id, productId: "hoi-kho", title: "Hồi", unit: "kg", quantity: 100, displayUnit: "kg", priceVnd });
    await list(80_000);
    await list(90_000);
    const ids = (await db.db.product.findMany({ select: { id: true } })).map((p) => p.id);
    const cache = new PriceBoardCache(db.db, { productIds: async () => ids, log: pino({ level: "silent" }) });
    try {
      const [a, b] = await Promise.all([cache.board(), cache.board()]);
      expect(a).toBe(b);
      expect(cache.computed).toBe(1);
      expect(a.rows).toEqual(await prices(db.db).board());
      expect(a.rows.find((r) => r.productId === "hoi-kho")?.live).toEqual({ count: 2, min: 80_000, median: 85_000, max: 90_000 });

      cache.refreshSoon();
      await cache.idle();
      expect(cache.computed).toBe(1); // nothing changed
      expect(await cache.board()).toBe(a);

      await list(100_000);
      cache.refreshSoon();
      await cache.idle();
      expect(cache.computed).toBe(2);
      const c = await cache.board();
      expect(c.rows.find((r) => r.productId === "hoi-kho")?.live).toEqual({ count: 3, min: 80_000, median: 90_000, max: 100_000 });
      expect(c.rows).toEqual(await prices(db.db).board());

      const officer = await db.db.officer.create({ data: { channel: "cli", userKey: "o-board", chatKey: "o-board" } });
      await createServices(db.db).referencePrices.post({ productId: "hoi-kho", priceVnd: 85_000, unit: "kg", source: "chợ Đồng Đăng", officerId: officer.id });
      cache.refreshSoon();
      await cache.idle();
      expect((await cache.board()).references.get("hoi-kho")).toMatchObject({ priceVnd: 85_000, source: "chợ Đồng Đăng" });
    } finally {
      await cache.stop();
    }
  });
});
