// The order rules when two instances act at the same moment (PostgreSQL, the several-instance
// deployment; SQLite runs one writer at a time, so these interleavings cannot happen there). A row
// lock taken from outside holds each transaction at its write until all of them have read the same
// state, then lets them go: the second must notice that the first got there and step aside, not act
// twice or fail.
import pg from "pg";
import { describe, expect, it } from "vitest";
import { orders, type PlaceOrder } from "../src/core/orders.ts";
import { useTestDatabase, whileLocked } from "./support/db.ts";
import { usePostgres } from "./support/paths.ts";
import { UNCAPPED } from "./support/caps.ts";

const testDb = useTestDatabase();
const HOUR = 3600_000;
const NOW = new Date("2026-12-06T08:00:00.000Z");
const at = (ms: number) => new Date(NOW.getTime() + ms);
const BUYER = { name: "Đinh Thị Xuân", phone: "+84986135790", address: "Số 77 ngõ Trạm", area: "Hà Nội" };

let made = 0;
async function shopWithListing(kg: number) {
  made += 1;
  const h = await testDb.db.household.create({
    data: {
      name: `Hộ ${made}`,
      phone: `+8491400${made}`,
      provinceCode: "20",
      communeCode: "06463",
      payment: "none",
      consentAt: NOW,
      shop: { create: { name: `Cửa hàng ${made}`, slug: `cua-hang-races-${made}` } },
    },
    include: { shop: true },
  });
  const l = await testDb.db.listing.create({
    data: { shopId: h.shop!.id, title: "Hoa hồi khô", unit: "kg", stockMilli: kg * 1000, displayUnit: "kg", priceVnd: 80_000 },
  });
  return { shopId: h.shop!.id, listingId: l.id };
}

async function placed(listingId: string, quantity: number, extra: Partial<PlaceOrder> = {}) {
  const r = await orders(testDb.db).place({ listingId, quantity, buyer: BUYER, buyerChannel: "web", source: "web", now: NOW, caps: UNCAPPED, ...extra });
  if (!r.ok) throw new Error(`order not placed: ${r.reason}`);
  return r.order;
}

/** Locks one row from another connection while `work` runs (whileLocked). */
const heldAt = <T>(table: "Order" | "Listing", id: string, waiting: number, work: () => Array<Promise<T>>, then?: (holder: pg.Client) => Promise<unknown>) =>
  whileLocked(testDb.url, { sql: `SELECT 1 FROM "${table}" WHERE id = $1 FOR UPDATE`, params: [id] }, waiting, () => Promise.all(work()), then);

describe.runIf(usePostgres)("two instances at the same moment (PostgreSQL)", () => {
  it("expiring: each order expires once and gives its stock back once", async () => {
    const { listingId } = await shopWithListing(10);
    const order = await placed(listingId, 3, { expireAfterMs: HOUR });
    const results = await heldAt("Order", order.id, 2, () => [1, 2].map(() => testDb.db.$transaction((tx) => orders(tx).expireDue(at(HOUR)))));
    expect(results.map((r) => r.map((o) => o.id)).sort((a, b) => a.length - b.length)).toEqual([[], [order.id]]);
    // 10 − 3 + 3, not + 6
    expect(await testDb.db.listing.findUniqueOrThrow({ where: { id: listingId }, select: { stockMilli: true } })).toEqual({ stockMilli: 10_000 });
  });

  it("reminding: each order is reminded once", async () => {
    const { listingId } = await shopWithListing(10);
    const order = await placed(listingId, 1);
    await testDb.db.order.update({ where: { id: order.id }, data: { createdAt: at(0) } });
    const results = await heldAt("Order", order.id, 2, () => [1, 2].map(() => testDb.db.$transaction((tx) => orders(tx).remindDue(at(4 * HOUR), 3 * HOUR))));
    expect(results.map((r) => r.map((o) => o.id)).sort((a, b) => a.length - b.length)).toEqual([[], [order.id]]);
  });

  it("ordering from a listing that is deleted meanwhile (its household left): nothing left, not an error", async () => {
    const { listingId } = await shopWithListing(5);
    const [result] = await heldAt(
      "Listing",
      listingId,
      1,
      () => [testDb.db.$transaction((tx) => orders(tx).place({ listingId, quantity: 2, buyer: BUYER, buyerChannel: "web", source: "web", caps: UNCAPPED }))],
      (holder) => holder.query(`DELETE FROM "Listing" WHERE id = $1`, [listingId]),
    );
    expect(result).toEqual({ ok: false, reason: "not_enough", availableQuantity: 0 });
    expect(await testDb.db.order.count({ where: { listingId } })).toBe(0);
  });

  it("two pickup requests for one order: one pickup; the other is told it is not possible", async () => {
    const { shopId, listingId } = await shopWithListing(10);
    const order = await placed(listingId, 2);
    await orders(testDb.db).accept(order.id, shopId);
    const input = { carrier: "vnpost" as const, weightGrams: 2_000, codVnd: 0 };
    // The first has created its pickup and not committed yet when the second looks: it sees none, and
    // its insert waits for the first.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let created!: () => void;
    const firstCreated = new Promise<void>((r) => (created = r));
    const first = testDb.db.$transaction(
      async (tx) => {
        const r = await orders(tx).requestPickup(order.id, shopId, input);
        created();
        await gate;
        return r;
      },
      { timeout: 30_000 },
    );
    await firstCreated;
    const second = testDb.db.$transaction((tx) => orders(tx).requestPickup(order.id, shopId, { ...input, carrier: "viettel_post" }), { timeout: 30_000 });
    const dbName = new URL(testDb.url).pathname.slice(1);
    const watcher = new pg.Client({ connectionString: testDb.url });
    await watcher.connect();
    try {
      const deadline = Date.now() + 20_000;
      while ((await watcher.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'`, [dbName])).rows[0].n < 1) {
        if (Date.now() > deadline) throw new Error("the second request never waited for the first");
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      await watcher.end();
    }
    release();
    const [a, b] = await Promise.all([first, second]);
    expect(a?.pickup).toMatchObject({ carrier: "vnpost", status: "open" });
    expect(b).toBeNull();
    expect(await testDb.db.pickup.findMany({ where: { orderId: order.id }, select: { carrier: true } })).toEqual([{ carrier: "vnpost" }]);
  });
});
