// `npm run admin -- tallies:verify`: after any mix of registrations, listings, orders, moves and deletions
// the figures the triggers keep equal a recount from the rows; a figure made to drift is reported (exit 1)
// and `--fix` rewrites it from the rows.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dashboardStats } from "../src/dashboard/stats.ts";
import { formatTallyReport, verifyTallies } from "../src/dashboard/tallies.ts";
import { csvField } from "../src/http/api/csv.ts";
import { formatVnPhone } from "../src/lang/phone.ts";
import { useTestDatabase } from "./support/db.ts";
import { usePostgres } from "./support/paths.ts";

const testDb = useTestDatabase();
const COMMUNES = ["06463", "06385", "06325"];
const PAYMENTS = ["viettel_money", "none", "momo"];

const op = fc.oneof(
  fc.record({ kind: fc.constant("register" as const), commune: fc.constantFrom(...COMMUNES), payment: fc.constantFrom(...PAYMENTS),  opened: fc.boolean(), assisted: fc.boolean(), officer: fc.constantFrom("officer", "officer-2"), demo: fc.boolean(), daysAgo: fc.integer({ min: 0, max: 30 }) }),
  fc.record({ kind: fc.constant("claim" as const), pick: fc.nat(), payment: fc.option(fc.constantFrom(...PAYMENTS)) }),
  fc.record({ kind: fc.constant("move" as const), pick: fc.nat(), commune: fc.constantFrom(...COMMUNES) }),
  fc.record({ kind: fc.constant("deleteHousehold" as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant("rename" as const), pick: fc.nat(), name: fc.constantFrom("Hộ \"Nông\", Lạng Sơn", "=SUM(A1)", " cách "), phone: fc.boolean() }),
  fc.record({ kind: fc.constant("shop" as const), pick: fc.nat(), change: fc.constantFrom("rename", "delete", "open") }),
  fc.record({ kind: fc.constant("list" as const), pick: fc.nat(), stock: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ kind: fc.constant("deleteListing" as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant("restock" as const), pick: fc.nat(), stock: fc.integer({ min: 0, max: 3 }), status: fc.constantFrom("active", "paused") }),
  fc.record({ kind: fc.constant("order" as const), pick: fc.nat(), status: fc.constantFrom("pending", "accepted", "declined", "delivered"), daysAgo: fc.integer({ min: 0, max: 45 }) }),
  fc.record({ kind: fc.constant("orderStatus" as const), pick: fc.nat(), status: fc.constantFrom("pending", "accepted", "picked_up", "declined", "cancelled") }),
  fc.record({ kind: fc.constant("deleteOrder" as const), pick: fc.nat() }),
);
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

let serial = 0;
const next = () => String(++serial).padStart(5, "0");
const pick = <T>(items: T[], n: number): T | undefined => (items.length ? items[n % items.length] : undefined);

async function apply(o: Op) {
  const db = testDb.db;
  const households = async () => (await db.household.findMany({ select: { id: true }, orderBy: { id: "asc" } })).map((h) => h.id);
  const shops = async () => (await db.shop.findMany({ select: { id: true }, orderBy: { id: "asc" } })).map((s) => s.id);
  switch (o.kind) {
    case "register": {
      const n = next();
      await db.household.create({
        data: {
          name: "Hộ", phone: `+8491400${n}`, provinceCode: "20", communeCode: o.commune, payment: o.payment, consentAt: new Date(),
          openedAt: o.opened ? new Date() : null, registeredById: o.assisted ? (o.officer ?? "officer") : null, demo: o.demo,
          createdAt: new Date(Date.now() - (o.daysAgo ?? 0) * 86_400_000),
          shop: { create: { name: "Shop", slug: `tv-${n}` } },
        },
      });
      return;
    }
    case "claim": {
      const id = pick(await households(), o.pick);
      if (id) await db.household.update({ where: { id }, data: { openedAt: new Date(), ...(o.payment ? { payment: o.payment } : {}) } });
      return;
    }
    case "move": {
      const id = pick(await households(), o.pick);
      if (id) await db.household.update({ where: { id }, data: { communeCode: o.commune } });
      return;
    }
    case "deleteHousehold": {
      const id = pick(await households(), o.pick);
      if (id) await db.household.delete({ where: { id } });
      return;
    }
    case "rename": {
      const id = pick(await households(), o.pick);
      if (id) await db.household.update({ where: { id }, data: { name: o.name, ...(o.phone ? { phone: `+8491500${next()}` } : {}) } });
      return;
    }
    case "shop": {
      const h = pick(await db.household.findMany({ select: { id: true, shop: { select: { id: true } } }, orderBy: { id: "asc" } }), o.pick);
      if (!h) return;
      if (!h.shop) await db.shop.create({ data: { householdId: h.id, name: "Mới mở", slug: `tv-mo-${next()}` } });
      else if (o.change === "delete") await db.shop.delete({ where: { id: h.shop.id } });
      else await db.shop.update({ where: { id: h.shop.id }, data: { name: "+Đổi tên", slug: `tv đổi/${next()}` } });
      return;
    }
    case "list": {
      const shopId = pick(await shops(), o.pick);
      if (shopId) await db.listing.create({ data: { shopId, title: "Na", unit: "kg", stockMilli: o.stock * 1000, displayUnit: "kg", priceVnd: 20_000 } });
      return;
    }
    case "restock": {
      const l = pick(await db.listing.findMany({ select: { id: true }, orderBy: { id: "asc" } }), o.pick);
      if (l) await db.listing.update({ where: { id: l.id }, data: { stockMilli: o.stock * 1000, status: o.status } });
      return;
    }
    case "deleteListing": {
      const l = pick(await db.listing.findMany({ select: { id: true }, orderBy: { id: "asc" } }), o.pick);
      if (l) await db.listing.delete({ where: { id: l.id } });
      return;
    }
    case "order": {
      const l = pick(await db.listing.findMany({ select: { id: true, shopId: true }, orderBy: { id: "asc" } }), o.pick);
      if (!l) return;
      const n = next();
      await db.order.create({
        data: {
          code: `TV${n}`, statusToken: `tallies-verify-${n}-0123456789abcdef`, listingId: l.id, shopId: l.shopId, quantityMilli: 1000, unitPriceVnd: 20_000, totalVnd: 20_000,
          status: o.status, buyerName: "B", buyerPhone: "+84987654321", buyerAddress: "A", buyerArea: "A", buyerChannel: "web", source: "web", expiresAt: new Date(),
          createdAt: new Date(Date.now() - (o.daysAgo ?? 0) * 86_400_000),
        },
      });
      return;
    }
    case "orderStatus": {
      const order = pick(await db.order.findMany({ select: { id: true }, orderBy: { id: "asc" } }), o.pick);
      if (order) await db.order.update({ where: { id: order.id }, data: { status: o.status } });
      return;
    }
    case "deleteOrder": {
      const order = pick(await db.order.findMany({ select: { id: true }, orderBy: { id: "asc" } }), o.pick);
      if (order) await db.order.delete({ where: { id: order.id } });
      return;
    }
  }
}

const admin = (...args: string[]) =>
  promisify(execFile)(process.execPath, ["--import", "tsx", "src/admin/main.ts", "tallies:verify", ...args], { env: { ...process.env, DATABASE_URL: testDb.url } }).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
  );

describe("tallies:verify", () => {
  it("finds no difference after any mix of registrations, claims, moves, listings, orders and deletions", async () => {
    const seen = { households: 0, listings: 0, orders: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 20 }), async (ops) => {
        await testDb.db.household.deleteMany();
        for (const o of ops) await apply(o);
        const reports = await verifyTallies(testDb.db, usePostgres);
        expect(reports.flatMap((r) => r.differences), formatTallyReport(reports)).toEqual([]);
        // The dashboard built from them: shops with live listings per commune, and listings and shops per product.
        const live = await testDb.db.listing.findMany({ where: { status: "active", stockMilli: { gt: 0 } }, select: { shopId: true, communeCode: true } });
        const stats = await dashboardStats(testDb.db, { provinceCode: "20", communes: [] }, { targetPercent: 50 });
        for (const code of COMMUNES) {
          expect(stats.communes.find((c) => c.code === code)?.live, code).toBe(new Set(live.filter((l) => l.communeCode === code).map((l) => l.shopId)).size);
        }
        expect(stats.topProducts).toEqual(live.length ? [{ productId: null, listings: live.length, shops: new Set(live.map((l) => l.shopId)).size }] : []);
        // Households registered per officer, and claimed (OfficerTally), against the household rows.
        const assisted = await testDb.db.household.findMany({ where: { registeredById: { not: null } }, select: { registeredById: true, openedAt: true } });
        const officers = [...new Set(assisted.map((h) => h.registeredById!))];
        expect(stats.assistants.map(({ officerId, registered, claimed }) => ({ officerId, registered, claimed })).sort((a, b) => a.officerId.localeCompare(b.officerId))).toEqual(
          officers.sort().map((officerId) => {
            const theirs = assisted.filter((h) => h.registeredById === officerId);
            return { officerId, registered: theirs.length, claimed: theirs.filter((h) => h.openedAt).length };
          }),
        );
        // This month's orders and sales per commune (OrderTally), against the order rows.
        const month = await testDb.db.order.findMany({ where: { createdAt: { gte: stats.monthStart } }, select: { communeCode: true, status: true, totalVnd: true } });
        for (const code of COMMUNES) {
          const here = month.filter((m) => m.communeCode === code);
          const sold = here.filter((m) => ["accepted", "picked_up", "delivered"].includes(m.status)).reduce((sum, m) => sum + m.totalVnd, 0);
          expect(stats.communes.find((c) => c.code === code), code).toMatchObject({ ordersMonth: here.length, salesMonthVnd: sold });
        }
        seen.households = Math.max(seen.households, await testDb.db.household.count());
        seen.listings = Math.max(seen.listings, await testDb.db.listing.count());
        seen.orders = Math.max(seen.orders, await testDb.db.order.count());
      }),
      { numRuns: 15, examples: [[[{ kind: "register", commune: COMMUNES[0], payment: "momo", opened: true, assisted: true, officer: "officer", demo: false, daysAgo: 9 }, { kind: "list", pick: 0, stock: 1 }, { kind: "order", pick: 0, status: "accepted", daysAgo: 0 }, { kind: "move", pick: 0, commune: COMMUNES[1] }, { kind: "restock", pick: 0, stock: 0, status: "active" }, { kind: "orderStatus", pick: 0, status: "cancelled" }]],
        // An officer's household claims its shop, then moves (OfficerTally follows both).
        [[{ kind: "register", commune: COMMUNES[0], payment: "none", opened: false, assisted: true, officer: "officer-2", demo: false, daysAgo: 1 }, { kind: "claim", pick: 0, payment: null }, { kind: "move", pick: 0, commune: COMMUNES[2] }]],
      ] },
    );
    // The runs had rows of every kind to recount.
    expect(Math.min(seen.households, seen.listings, seen.orders)).toBeGreaterThan(0);
  });

  it("reports figures that drifted (exit 1) and --fix rewrites them from the rows", async () => {
    await testDb.db.household.deleteMany();
    for (const o of [
      { kind: "register", commune: COMMUNES[0], payment: "momo", opened: true, assisted: false, demo: false, daysAgo: 0 },
      { kind: "register", commune: COMMUNES[1], payment: "none", opened: false, assisted: true, demo: false, daysAgo: 20 },
      { kind: "list", pick: 0, stock: 2 },
      { kind: "order", pick: 0, status: "accepted" },
    ] as Op[])
      await apply(o);
    expect((await verifyTallies(testDb.db, usePostgres)).flatMap((r) => r.differences)).toEqual([]);

    const listing = await testDb.db.listing.findFirstOrThrow();
    const order = await testDb.db.order.findFirstOrThrow();
    const orderMonth = await testDb.db.orderTally.findFirstOrThrow({ where: { communeCode: COMMUNES[0], orders: 1 } });
    // Drift as a bug or a hand-made edit would leave it (raw SQL: the triggers do not see the tally itself).
    await testDb.db.$executeRaw`UPDATE "CommuneTally" SET "registered" = "registered" + 3, "epay" = 0 WHERE "communeCode" = ${COMMUNES[0]}`;
    await testDb.db.$executeRaw`DELETE FROM "CommuneTally" WHERE "communeCode" = ${COMMUNES[2]}`;
    await testDb.db.$executeRaw`INSERT INTO "CommuneTally" ("communeCode", "provinceCode", "registered") VALUES (${COMMUNES[2]}, '20', 1)`;
    await testDb.db.$executeRaw`UPDATE "Listing" SET "communeCode" = ${COMMUNES[2]} WHERE "id" = ${listing.id}`;
    await testDb.db.$executeRaw`UPDATE "Order" SET "communeCode" = NULL WHERE "id" = ${order.id}`;
    await testDb.db.$executeRaw`UPDATE "LiveTally" SET "shops" = "shops" + 2 WHERE "communeCode" = ${COMMUNES[0]} AND "productKey" = '*'`;
    await testDb.db.$executeRaw`DELETE FROM "ShopLiveTally" WHERE "shopId" = ${listing.shopId} AND "productKey" = '*'`;
    const week = await testDb.db.weekTally.findFirstOrThrow({ where: { communeCode: COMMUNES[1], registered: { gt: 0 } } });
    await testDb.db.$executeRaw`UPDATE "WeekTally" SET "registered" = 7 WHERE "communeCode" = ${COMMUNES[1]} AND "week" = ${week.week}`;
    await testDb.db.$executeRaw`UPDATE "OfficerTally" SET "claimed" = 4 WHERE "officerId" = 'officer' AND "communeCode" = ${COMMUNES[1]}`;
    await testDb.db.$executeRaw`UPDATE "OrderTally" SET "salesVnd" = 5 WHERE "month" = ${orderMonth.month} AND "communeCode" = ${COMMUNES[0]}`;

    // The households CSV's stored cells: one row edited by hand, one deleted.
    const [first, second] = await Promise.all(COMMUNES.slice(0, 2).map((communeCode) => testDb.db.household.findFirstOrThrow({ where: { communeCode } })));
    await testDb.db.$executeRaw`UPDATE "HouseholdCsvRow" SET "head" = 'Sửa tay,0,', "opened" = false WHERE "householdId" = ${first.id}`;
    await testDb.db.$executeRaw`DELETE FROM "HouseholdCsvRow" WHERE "householdId" = ${second.id}`;

    const found = await admin();
    expect(found.code).toBe(1);
    expect(found.stdout).toContain(`${COMMUNES[0]} registered: kept 4, recounted 1`);
    expect(found.stdout).toContain(`${COMMUNES[0]} epay: kept 0, recounted 1`);
    expect(found.stdout).toContain(`${COMMUNES[2]} registered: kept 1, recounted 0`);
    expect(found.stdout).toContain(`${listing.id} communeCode: kept ${COMMUNES[2]}, recounted ${COMMUNES[0]}`);
    expect(found.stdout).toContain(`${order.id} communeCode: kept null, recounted ${COMMUNES[0]}`);
    // The listing was moved to another commune by hand: its live count moved with it (the triggers), the
    // shops figure was raised by 2, and the shop's own row deleted.
    expect(found.stdout).toContain(`${COMMUNES[0]} * shops: kept 2, recounted 0`);
    expect(found.stdout).toContain(`${COMMUNES[2]} ${listing.shopId} * shop listings: kept 0, recounted 1`);
    expect(found.stdout).toContain(`${COMMUNES[1]} ${week.week} registered: kept 7, recounted 1`);
    expect(found.stdout).toContain(`officer 20 ${COMMUNES[1]} claimed: kept 4, recounted 0`);
    // The order without a commune was taken out of its commune's tally by the triggers; the sales were edited by hand.
    expect(found.stdout).toContain(`${orderMonth.month} ${COMMUNES[0]} salesVnd: kept 5, recounted 0`);
    expect(found.stdout).toContain(`${first.id} head: kept Sửa tay,0,, recounted Hộ,${csvField(formatVnPhone(first.phone))},`);
    expect(found.stdout).toContain(`${first.id} opened: kept false, recounted true`);
    expect(found.stdout).toContain(`${second.id} row in: kept null, recounted 20/${COMMUNES[1]}`);

    const fixed = await admin("--fix");
    expect(fixed.stdout).toContain("All kept figures now equal the recount.");
    expect(fixed.code).toBe(0);
    expect((await verifyTallies(testDb.db, usePostgres)).flatMap((r) => r.differences)).toEqual([]);
    expect(await testDb.db.communeTally.findUniqueOrThrow({ where: { communeCode: COMMUNES[0] } })).toMatchObject({ registered: 1, opened: 1, epay: 1, counted: 1 });
    expect((await testDb.db.listing.findUniqueOrThrow({ where: { id: listing.id } })).communeCode).toBe(COMMUNES[0]);
    expect((await testDb.db.order.findUniqueOrThrow({ where: { id: order.id } })).communeCode).toBe(COMMUNES[0]);
    expect(await testDb.db.officerTally.findUniqueOrThrow({ where: { officerId_provinceCode_communeCode: { officerId: "officer", provinceCode: "20", communeCode: COMMUNES[1] } } })).toMatchObject({ registered: 1, claimed: 0 });
    expect(await testDb.db.orderTally.findUniqueOrThrow({ where: { month_communeCode: { month: orderMonth.month, communeCode: COMMUNES[0] } } })).toMatchObject({ orders: 1, salesVnd: 20_000n });
    expect(await testDb.db.liveTally.findUniqueOrThrow({ where: { communeCode_productKey: { communeCode: COMMUNES[0], productKey: "*" } } })).toMatchObject({ shops: 1, listings: 1 });
    // The triggers keep counting from the rewritten rows.
    await apply({ kind: "register", commune: COMMUNES[0], payment: "none", opened: false, assisted: false, officer: "officer", demo: true, daysAgo: 3 });
    expect((await verifyTallies(testDb.db, usePostgres)).flatMap((r) => r.differences)).toEqual([]);
  });
});
