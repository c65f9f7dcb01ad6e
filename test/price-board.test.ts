// The price board kept in memory (core/price-board.ts): the board it serves equals prices().board()
// computed at the same moment; a refresh with nothing changed computes nothing; a new listing or a
// reference price is on the board after the next refresh; concurrent first requests share one computation.
// And one product's orders are read through Order.productId, which the database keeps (order_product).
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

  it("reads one product's orders through the order's own copy of the product, kept by the database", async () => {
    await new CatalogStore(db.db).get();
    const h = await shop("+84913000102");
    const services = createServices(db.db);
    const l = await services.listings.create({ shopId: h.shop!.id, productId: "thach-den", title: "Thạch đen", unit: "kg", quantity: 100, displayUnit: "kg", priceVnd: 30_000 });
    for (let i = 0; i < 3; i++) {
      const placed = await services.orders.place({
        listingId: l.id,
        quantity: 1,
        buyer: { name: "Trần Thị Lan", phone: "+84987654321", address: "12 Hàng Bạc", area: "Hà Nội" },
        buyerChannel: "web",
        buyerLocale: "vi",
        source: "web",
      });
      if (!placed.ok) throw new Error("order not placed");
      await db.db.order.update({ where: { id: placed.order.id }, data: { status: "accepted" } });
    }
    expect((await db.db.order.findMany({ where: { listingId: l.id } })).map((o) => o.productId)).toEqual(["thach-den", "thach-den", "thach-den"]);
    const one = await prices(db.db).ofProduct("thach-den");
    expect(one?.orders7).toEqual({ count: 3, min: 30_000, median: 30_000, max: 30_000 });
    expect(one).toEqual((await prices(db.db).board()).find((r) => r.productId === "thach-den"));
    // The listing's product corrected: its orders follow (to na, which the other test does not sell, so
    // that its hồi figures hold in any order).
    await db.db.listing.update({ where: { id: l.id }, data: { productId: "na-chi-lang" } });
    expect((await prices(db.db).ofProduct("thach-den"))?.orders7).toBeNull();
    expect((await prices(db.db).ofProduct("na-chi-lang"))?.orders7?.count).toBe(3);
  });
});
