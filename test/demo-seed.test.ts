// `npm run seed:demo`: synthetic households, shops, listings and orders for the dashboard, written in
// bulk straight through the database driver; read back here through Prisma as the app reads them.
import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { DEMO_OFFICER, RealHouseholdsError, seedDemo } from "../src/admin/demo-seed.ts";
import { getCommune, listCommunes } from "../src/lang/communes.ts";
import { parseVnMobile } from "../src/lang/phone.ts";
import { useTestDatabase } from "./support/db.ts";
import { accountTally, paymentTally, shipmentTally } from "../src/dashboard/monthly-tallies.ts";

const testDb = useTestDatabase({ perTest: true }); // each test starts from an empty database
const HOUSEHOLDS = 400;
const DAY = 86_400_000;

/** The dashboard's per-commune tally (kept by database triggers) agrees with the rows the seed wrote. */
async function expectTallyMatches() {
  const db = testDb.db;
  const direct = new Map((await db.household.groupBy({ by: ["communeCode"], _count: { _all: true } })).map((g) => [g.communeCode, g._count._all]));
  const demo = new Map((await db.household.groupBy({ by: ["communeCode"], where: { demo: true }, _count: { _all: true } })).map((g) => [g.communeCode, g._count._all]));
  const opened = new Map((await db.household.groupBy({ by: ["communeCode"], where: { openedAt: { not: null } }, _count: { _all: true } })).map((g) => [g.communeCode, g._count._all]));
  for (const t of await db.communeTally.findMany()) {
    expect([t.communeCode, t.registered, t.demo, t.opened]).toEqual([t.communeCode, direct.get(t.communeCode) ?? 0, demo.get(t.communeCode) ?? 0, opened.get(t.communeCode) ?? 0]);
    direct.delete(t.communeCode);
  }
  expect([...direct.keys()]).toEqual([]);
  // …and so do the listings' communes, copied by a trigger on insert
  const listings = await db.listing.findMany({ select: { communeCode: true, shop: { select: { household: { select: { communeCode: true } } } } } });
  for (const l of listings) expect(l.communeCode).toBe(l.shop.household.communeCode);
}

async function seedCli(...args: string[]) {
  try {
    const { stdout, stderr } = await promisify(execFile)(resolve("node_modules/.bin/tsx"), ["src/admin/demo-seed.ts", ...args], {
      env: { ...process.env, DATABASE_URL: testDb.url, LOG_LEVEL: "silent" },
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe("seed:demo", () => {
  it("fills the database with consistent demo households, shops, listings and orders", async () => {
    const db = testDb.db;
    const now = new Date();
    const result = await seedDemo(db, { households: HOUSEHOLDS, provinceCode: "20", url: testDb.url, now });

    const households = await db.household.findMany({ include: { shop: true } });
    expect(households).toHaveLength(HOUSEHOLDS);
    expect(result).toMatchObject({ households: HOUSEHOLDS, shops: HOUSEHOLDS, replaced: 0 });
    expect(households.every((h) => h.demo)).toBe(true);

    // phones: unique, valid Vietnamese mobiles in E.164
    expect(new Set(households.map((h) => h.phone)).size).toBe(HOUSEHOLDS);
    for (const h of households) {
      expect(h.phone).toMatch(/^\+849\d{8}$/);
      expect(parseVnMobile(h.phone)).toMatchObject({ ok: true, e164: h.phone });
    }
    // communes: all of the province, spread unevenly
    for (const h of households) {
      expect(h.provinceCode).toBe("20");
      expect(getCommune(h.communeCode)?.provinceCode).toBe("20");
    }
    const perCommune = new Map<string, number>();
    for (const h of households) perCommune.set(h.communeCode, (perCommune.get(h.communeCode) ?? 0) + 1);
    expect(perCommune.size).toBeGreaterThan(40);
    expect(Math.max(...perCommune.values())).toBeGreaterThan(3 * Math.min(...perCommune.values()));
    // names from the data file: family, middle and given name
    for (const h of households) expect(h.name.split(" ").length).toBeGreaterThanOrEqual(3);

    // dates read back as real dates through Prisma, over the last ~6 months, growing
    for (const h of households) {
      expect(h.createdAt.getTime()).toBeGreaterThan(now.getTime() - 190 * DAY);
      expect(h.createdAt.getTime()).toBeLessThanOrEqual(now.getTime());
      expect(h.consentAt.getTime()).toBe(h.createdAt.getTime());
      if (h.openedAt) expect(h.openedAt.getTime()).toBeGreaterThanOrEqual(h.createdAt.getTime());
    }
    const lastMonth = households.filter((h) => h.createdAt.getTime() > now.getTime() - 30 * DAY).length;
    const firstMonth = households.filter((h) => h.createdAt.getTime() < now.getTime() - 150 * DAY).length;
    expect(lastMonth).toBeGreaterThan(firstMonth);
    // …and compare with query parameters as the app's queries do
    const recent = await db.household.count({ where: { createdAt: { gte: new Date(now.getTime() - 30 * DAY) } } });
    expect(recent).toBe(lastMonth);

    // payments: ~55% e-payment
    const epay = households.filter((h) => h.payment !== "none").length / HOUSEHOLDS;
    expect(epay).toBeGreaterThan(0.42);
    expect(epay).toBeLessThan(0.68);
    // registered by the demo officer, some not claimed yet; self-registered ones opened at once
    const officer = await db.officer.findUniqueOrThrow({ where: { channel_userKey: { channel: DEMO_OFFICER.channel, userKey: DEMO_OFFICER.userKey } } });
    expect(officer).toMatchObject({ name: "Demo", channel: "cli", id: result.officerId });
    const assisted = households.filter((h) => h.registeredById !== null);
    expect(assisted.length).toBeGreaterThan(HOUSEHOLDS * 0.05);
    expect(assisted.every((h) => h.registeredById === officer.id)).toBe(true);
    expect(assisted.some((h) => h.openedAt === null)).toBe(true);
    expect(assisted.some((h) => h.openedAt !== null)).toBe(true);
    for (const h of households.filter((x) => x.registeredById === null)) expect(h.openedAt?.getTime()).toBe(h.createdAt.getTime());

    // one shop each, unique slugs
    expect(households.every((h) => h.shop !== null)).toBe(true);
    expect(new Set(households.map((h) => h.shop!.slug)).size).toBe(HOUSEHOLDS);
    for (const h of households) expect(h.shop!.slug).toMatch(/^[a-z0-9-]+$/);

    // listings: catalog products, prices in range, live ones with stock, for ~40% of shops
    const products = new Map((await db.product.findMany()).map((p) => [p.id, p]));
    expect(products.size).toBeGreaterThan(10); // the shipped catalog, seeded as on the app's first start
    const listings = await db.listing.findMany({ include: { shop: { include: { household: true } } } });
    expect(listings).toHaveLength(result.listings);
    const shopsWithListings = new Set(listings.map((l) => l.shopId)).size / HOUSEHOLDS;
    expect(shopsWithListings).toBeGreaterThan(0.28);
    expect(shopsWithListings).toBeLessThan(0.52);
    for (const l of listings) {
      const p = products.get(l.productId!);
      expect(p, l.productId!).toBeDefined();
      expect(l.priceVnd).toBeGreaterThanOrEqual(p!.priceMin);
      expect(l.priceVnd).toBeLessThanOrEqual(p!.priceMax);
      expect(l.unit).toBe(p!.unit);
      expect(["active", "sold_out", "paused"]).toContain(l.status);
      if (l.status === "active") expect(l.stockMilli).toBeGreaterThan(0);
      if (l.status === "sold_out") expect(l.stockMilli).toBe(0);
      expect(l.shop.household.openedAt).not.toBeNull(); // an unclaimed shop cannot sell yet
      expect(l.createdAt.getTime()).toBeGreaterThanOrEqual(l.shop.household.openedAt!.getTime());
    }
    expect(listings.filter((l) => l.status === "active").length).toBeGreaterThan(listings.length / 2);

    // orders: consistent totals, on a listing of the same shop, mixed statuses, some this month
    const orders = await db.order.findMany({ include: { listing: true, pickup: true } });
    expect(orders).toHaveLength(result.orders);
    expect(orders.length).toBeGreaterThan(20);
    for (const o of orders) {
      expect(o.totalVnd).toBe(Math.round((o.quantityMilli * o.unitPriceVnd) / 1000));
      expect(o.shopId).toBe(o.listing.shopId);
      expect(o.unitPriceVnd).toBe(o.listing.priceVnd);
      expect(o.quantityMilli).toBeGreaterThan(0);
      expect(o.createdAt.getTime()).toBeGreaterThanOrEqual(o.listing.createdAt.getTime());
      expect(o.createdAt.getTime()).toBeGreaterThan(now.getTime() - 93 * DAY);
      expect(o.buyerChatKey).toBeNull(); // web and API buyers: nobody is messaged about demo orders
      expect(["pending", "accepted", "declined", "expired", "picked_up", "delivered"]).toContain(o.status);
      if (o.status === "pending") expect(o.expiresAt.getTime()).toBeGreaterThan(now.getTime());
      if (o.status === "expired") expect(o.expiresAt.getTime()).toBeLessThanOrEqual(now.getTime());
      if (o.status === "picked_up" || o.status === "delivered") expect(o.pickup?.status).toBe(o.status);
      expect(o.code).toMatch(/^DH[2-9A-HJ-NP-Z]{8}$/);
    }
    expect(new Set(orders.map((o) => o.status)).size).toBeGreaterThanOrEqual(4);
    const monthStart = new Date(now.getFullYear(), now.getMonth(), 1);
    if (now.getTime() - monthStart.getTime() > 3 * DAY) expect(orders.some((o) => o.createdAt >= monthStart)).toBe(true);
    expect(await db.order.count({ where: { createdAt: { gte: monthStart } } })).toBe(orders.filter((o) => o.createdAt >= monthStart).length);
    expect(await db.pickup.count()).toBe(result.pickups);

    await expectTallyMatches();

    // money (demo-money.ts): bank households have a valid account, wallets their phone; about half of a
    // bank household's accepted orders paid by transfer (no cash on delivery then), delivered others by COD
    const banks = households.filter((h) => h.payment === "bank");
    expect(banks.length).toBeGreaterThan(HOUSEHOLDS * 0.05);
    for (const h of banks) expect([h.payBankBin, /^\d{9,14}$/.test(h.payAccount ?? "")]).toEqual([expect.stringMatching(/^9704\d\d$/), true]);
    for (const h of households.filter((x) => ["viettel_money", "postpay", "momo"].includes(x.payment))) expect(h.payAccount).toBe(h.phone);
    for (const h of households.filter((x) => x.payment === "none" || x.payment === "other")) expect(h.payAccount).toBeNull();
    const bankShops = new Set(banks.map((h) => h.shop!.id));
    for (const o of orders) {
      if (o.paidBy === "transfer") expect([bankShops.has(o.shopId), o.payState, o.paidAt !== null, o.pickup?.codVnd ?? 0]).toEqual([true, "paid", true, 0]);
      if (o.paidBy === "cod") expect([o.status, o.pickup?.codVnd]).toEqual(["delivered", o.totalVnd]);
      if (!["accepted", "picked_up", "delivered"].includes(o.status)) expect(o.payState).toBe("unpaid");
    }
    const accepted = orders.filter((o) => bankShops.has(o.shopId) && ["accepted", "picked_up", "delivered"].includes(o.status));
    const byTransfer = accepted.filter((o) => o.paidBy === "transfer").length / Math.max(1, accepted.length);
    expect(byTransfer).toBeGreaterThan(0.25);
    expect(byTransfer).toBeLessThan(0.75);
    expect(orders.some((o) => o.paidBy === "cod")).toBe(true);
    // …and the monthly tallies the dashboard reads equal a recount of those rows
    for (const tally of [paymentTally, shipmentTally, accountTally]) expect(await tally.stored(db)).toEqual(await tally.recount(db));

    // commune totals: most communes, about 2.5× their demo households
    const totals = await db.communeHouseholds.findMany();
    const communes = listCommunes("20").length;
    expect(totals.length).toBe(result.communeTotals);
    expect(totals.length).toBeGreaterThanOrEqual(Math.floor(communes * 0.85));
    expect(totals.length).toBeLessThan(communes);
    for (const t of totals) {
      expect(getCommune(t.communeCode)?.provinceCode).toBe("20");
      expect(t.households).toBeGreaterThan(0);
      const demo = perCommune.get(t.communeCode) ?? 0;
      if (demo > 0) {
        expect(t.households).toBeGreaterThanOrEqual(Math.round(demo * 1.3));
        expect(t.households).toBeLessThanOrEqual(Math.round(demo * 5));
      }
    }
  });

  it("gives the same data for the same seed, replacing the earlier run", async () => {
    const db = testDb.db;
    await seedDemo(db, { households: HOUSEHOLDS, provinceCode: "20", url: testDb.url });
    const before = await db.household.findMany({ select: { name: true, phone: true, communeCode: true }, orderBy: { id: "asc" } });
    const again = await seedDemo(db, { households: HOUSEHOLDS, provinceCode: "20", url: testDb.url });
    expect(again.replaced).toBe(HOUSEHOLDS);
    expect(await db.household.count()).toBe(HOUSEHOLDS);
    const after = await db.household.findMany({ select: { name: true, phone: true, communeCode: true }, orderBy: { id: "asc" } });
    expect(after).toEqual(before);
    const other = await seedDemo(db, { households: 50, provinceCode: "20", url: testDb.url, seed: "another" });
    expect(other.replaced).toBe(HOUSEHOLDS);
    expect(await db.household.count()).toBe(50);
    expect(await db.officer.count()).toBe(1);
    await expectTallyMatches();
  });

  it("refuses a database with real households unless --force, and then keeps them and their commune totals", async () => {
    const db = testDb.db;
    await seedDemo(db, { households: 50, provinceCode: "20", url: testDb.url, seed: "earlier" }); // replaced by the forced run below
    const real = await db.household.create({
      data: {
        name: "Real household",
        phone: "+84912000111",
        provinceCode: "20",
        communeCode: "06463",
        payment: "momo",
        consentAt: new Date(),
        openedAt: new Date(),
        shop: { create: { name: "Real shop", slug: "real-shop" } },
      },
    });
    await db.communeHouseholds.upsert({ where: { communeCode: "06463" }, create: { communeCode: "06463", households: 4321 }, update: { households: 4321 } });
    const demoBefore = await db.household.count({ where: { demo: true } });

    await expect(seedDemo(db, { households: 10, provinceCode: "20", url: testDb.url })).rejects.toBeInstanceOf(RealHouseholdsError);
    const refused = await seedCli("--households", "10");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/1 real household/);
    expect(refused.stderr).toMatch(/--force/);
    expect(await db.household.count({ where: { demo: true } })).toBe(demoBefore);

    const forced = await seedCli("--households", "120", "--force", "--seed", "forced");
    expect(forced.stderr).toBe("");
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(/Seeded 120 demo households/);
    expect(await db.household.count({ where: { demo: true } })).toBe(120);
    expect(await db.household.findUnique({ where: { id: real.id }, include: { shop: true } })).toMatchObject({ demo: false, shop: { slug: "real-shop" } });
    expect((await db.communeHouseholds.findUniqueOrThrow({ where: { communeCode: "06463" } })).households).toBe(4321);
    const phones = await db.household.findMany({ select: { phone: true } });
    expect(new Set(phones.map((p) => p.phone)).size).toBe(121);
    await expectTallyMatches();

    const usage = await seedCli("--households", "zero");
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/Usage/);
  });
});
