// The order rules of src/core/orders.ts at the database level, without chat or HTTP: the stock check
// (reserve only while the stock covers the quantity; an emptied listing is sold out, offered again
// when stock comes back), the status transitions (each from the expected status only, once), whose
// order it is (accept, decline and pickups only by the order's own shop) and the carrier's pickup
// steps. Figures are worked out by hand in the comments.
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { orders, type PlaceOrder } from "../src/core/orders.ts";
import { useTestDatabase } from "./support/db.ts";
import { usePostgres } from "./support/paths.ts";
import { UNCAPPED } from "./support/caps.ts";

const testDb = useTestDatabase();
const HOUR = 3600_000;
const NOW = new Date("2026-12-06T08:00:00.000Z");
const at = (ms: number) => new Date(NOW.getTime() + ms);
const BUYER = { name: "Đinh Thị Xuân", phone: "+84986135790", address: "Số 77 ngõ Trạm", area: "Hà Nội" };

let shopA: { id: string; householdId: string };
let shopB: { id: string; householdId: string };

async function household(n: number, communeCode: string) {
  const h = await testDb.db.household.create({
    data: {
      name: `Hộ ${n}`,
      phone: `+8491300${n}`,
      provinceCode: "20",
      communeCode,
      payment: "none",
      consentAt: NOW,
      shop: { create: { name: `Cửa hàng ${n}`, slug: `cua-hang-rules-${n}` } },
    },
    include: { shop: true },
  });
  return { id: h.shop!.id, householdId: h.id };
}

/** A listing of `kg` kg at `priceVnd` đ/kg in shop A (or `shopId`). */
async function listing(kg: number, priceVnd = 80_000, status = "active", shopId = shopA.id) {
  const l = await testDb.db.listing.create({
    data: { shopId, title: "Hoa hồi khô", unit: "kg", stockMilli: Math.round(kg * 1000), displayUnit: "kg", priceVnd, status },
  });
  return l.id;
}

const stock = async (listingId: string) => testDb.db.listing.findUniqueOrThrow({ where: { id: listingId }, select: { stockMilli: true, status: true } });
const o = () => orders(testDb.db);
const order = (listingId: string, quantity: number, extra: Partial<PlaceOrder> = {}) =>
  o().place({ listingId, quantity, buyer: BUYER, buyerChannel: "web", source: "web", now: NOW, caps: UNCAPPED, ...extra });

async function placed(listingId: string, quantity: number, extra: Partial<PlaceOrder> = {}) {
  const r = await order(listingId, quantity, extra);
  if (!r.ok) throw new Error(`order not placed: ${r.reason}`);
  return r.order;
}

beforeAll(async () => {
  shopA = await household(1, "06463");
  shopB = await household(2, "06541");
});

beforeEach(async () => {
  await testDb.db.order.deleteMany();
  await testDb.db.listing.deleteMany();
});

describe(`order rules (${usePostgres ? "PostgreSQL" : "SQLite"})`, () => {
  it("place: refuses a listing that does not exist, is deleted or is not for sale", async () => {
    expect(await order("no-such-listing", 1)).toEqual({ ok: false, reason: "not_found" });
    expect(await order(await listing(5, 80_000, "deleted"), 1)).toEqual({ ok: false, reason: "not_found" });
    expect(await order(await listing(5, 80_000, "sold_out"), 1)).toEqual({ ok: false, reason: "not_available" });
    expect(await order(await listing(5, 80_000, "paused"), 1)).toEqual({ ok: false, reason: "not_available" });
    expect(await testDb.db.order.count()).toBe(0);
  });

  it("place: no quantity, a negative one or more than the stock is refused with what is left; the stock stays", async () => {
    const id = await listing(7);
    for (const q of [0, -1, Number.NaN, 7.001, 8]) {
      expect(await order(id, q), `quantity ${q}`).toEqual({ ok: false, reason: "not_enough", availableQuantity: 7 });
    }
    expect(await stock(id)).toEqual({ stockMilli: 7_000, status: "active" });
    expect(await testDb.db.order.count()).toBe(0);
  });

  it("place: reserves the quantity, prices it, and sells the listing out at exactly zero", async () => {
    const id = await listing(7, 80_000);
    const first = await placed(id, 2.5, { buyerChatKey: "9001", buyerLocale: "en", buyerChannel: "telegram", source: "chat" });
    // 2,5 kg × 80.000 đ = 200.000 đ; 7 − 2,5 = 4,5 kg left, still for sale
    expect(first).toMatchObject({
      status: "pending",
      listingId: id,
      shopId: shopA.id,
      title: "Hoa hồi khô",
      unit: "kg",
      quantity: 2.5,
      unitPriceVnd: 80_000,
      totalVnd: 200_000,
      buyerName: BUYER.name,
      buyerPhone: BUYER.phone,
      buyerAddress: BUYER.address,
      buyerArea: BUYER.area,
      buyerChannel: "telegram",
      buyerChatKey: "9001",
      buyerLocale: "en",
      source: "chat",
      declineReason: null,
      pickup: null,
      shop: { name: "Cửa hàng 1", householdId: shopA.householdId, communeCode: "06463" },
    });
    expect(first.code).toMatch(/^DH[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{6}$/);
    expect(first.statusToken).toMatch(/^[A-Za-z0-9_-]{32}$/); // 24 random bytes
    expect(first.expiresAt).toEqual(at(24 * HOUR)); // the default deadline
    expect(await stock(id)).toEqual({ stockMilli: 4_500, status: "active" });

    // exactly what is left: 4,5 kg, and the listing is sold out
    const last = await placed(id, 4.5, { expireAfterMs: 2 * HOUR });
    expect(last).toMatchObject({ quantity: 4.5, totalVnd: 360_000, buyerChatKey: null, buyerLocale: "vi", buyerChannel: "web" });
    expect(last.expiresAt).toEqual(at(2 * HOUR));
    expect(last.code).not.toBe(first.code);
    expect(await stock(id)).toEqual({ stockMilli: 0, status: "sold_out" });
    expect(await order(id, 0.001)).toEqual({ ok: false, reason: "not_available" });
  });

  it("place: the total is rounded to the đồng", async () => {
    // 0,333 kg × 12.346 đ = 4.111,218 đ → 4.111 đ; 0,5 kg × 12.345 đ = 6.172,5 đ → 6.173 đ
    expect((await placed(await listing(1, 12_346), 0.333)).totalVnd).toBe(4_111);
    expect((await placed(await listing(1, 12_345), 0.5)).totalVnd).toBe(6_173);
  });

  it("get, byToken and byCode find the order (a code typed in lower case too); unknown ones are null", async () => {
    const placedOrder = await placed(await listing(5), 1);
    expect((await o().get(placedOrder.id))?.id).toBe(placedOrder.id);
    expect((await o().byToken(placedOrder.statusToken))?.id).toBe(placedOrder.id);
    expect((await o().byCode(placedOrder.code.toLowerCase()))?.id).toBe(placedOrder.id);
    expect(await o().get("nosuchorder")).toBeNull();
    expect(await o().byCode("DH222222")).toBeNull();
  });

  it("accept: only by the order's own shop, only while pending, once", async () => {
    const id = await listing(5);
    const p = await placed(id, 2);
    expect(await o().accept(p.id, shopB.id, at(HOUR))).toBeNull();
    expect((await o().get(p.id))!.status).toBe("pending");
    const accepted = await o().accept(p.id, shopA.id, at(HOUR));
    expect(accepted).toMatchObject({ id: p.id, status: "accepted" });
    expect((await testDb.db.order.findUniqueOrThrow({ where: { id: p.id } })).decidedAt).toEqual(at(HOUR));
    expect(await o().accept(p.id, shopA.id, at(2 * HOUR))).toBeNull();
    expect(await o().decline(p.id, shopA.id, "hết hàng", at(2 * HOUR))).toBeNull();
    expect((await testDb.db.order.findUniqueOrThrow({ where: { id: p.id } })).decidedAt).toEqual(at(HOUR));
    expect(await stock(id)).toEqual({ stockMilli: 3_000, status: "active" }); // an accepted order keeps its stock
  });

  it("decline: only by the order's own shop, while pending; the stock comes back and a sold-out listing is for sale again", async () => {
    const id = await listing(3);
    const p = await placed(id, 3);
    expect(await stock(id)).toEqual({ stockMilli: 0, status: "sold_out" });
    expect(await o().decline(p.id, shopB.id, "không giao được", at(HOUR))).toBeNull();
    expect(await stock(id)).toEqual({ stockMilli: 0, status: "sold_out" });

    const declined = await o().decline(p.id, shopA.id, "không giao được", at(HOUR));
    expect(declined).toMatchObject({ id: p.id, status: "declined", declineReason: "không giao được" });
    expect((await testDb.db.order.findUniqueOrThrow({ where: { id: p.id } })).decidedAt).toEqual(at(HOUR));
    expect(await stock(id)).toEqual({ stockMilli: 3_000, status: "active" });
    // once
    expect(await o().decline(p.id, shopA.id, "không giao được", at(HOUR))).toBeNull();
    expect(await stock(id)).toEqual({ stockMilli: 3_000, status: "active" });
  });

  it("stock coming back leaves a deleted or paused listing as it is", async () => {
    const deleted = await listing(4);
    const paused = await listing(4);
    const d = await placed(deleted, 1.5);
    const p = await placed(paused, 4); // sold out, then paused by the household
    await testDb.db.listing.update({ where: { id: deleted }, data: { status: "deleted" } });
    await testDb.db.listing.update({ where: { id: paused }, data: { status: "paused" } });
    await o().decline(d.id, shopA.id, "thôi bán");
    await o().decline(p.id, shopA.id, "thôi bán");
    expect(await stock(deleted)).toEqual({ stockMilli: 4_000, status: "deleted" });
    expect(await stock(paused)).toEqual({ stockMilli: 4_000, status: "paused" });
  });

  it("expireDue: pending orders whose deadline has come (at or before now) expire once and give their stock back", async () => {
    const id = await listing(10);
    const due = await placed(id, 1, { expireAfterMs: HOUR }); // deadline NOW + 1 h
    const dueEarlier = await placed(id, 2, { expireAfterMs: HOUR / 2 });
    const notYet = await placed(id, 3, { expireAfterMs: HOUR + 1 });
    const accepted = await placed(id, 4, { expireAfterMs: HOUR / 2 });
    await o().accept(accepted.id, shopA.id);
    expect(await stock(id)).toEqual({ stockMilli: 0, status: "sold_out" });

    const expired = await o().expireDue(at(HOUR));
    expect(expired.map((x) => x.id).sort()).toEqual([due.id, dueEarlier.id].sort());
    expect(expired.every((x) => x.status === "expired")).toBe(true);
    const rows = await testDb.db.order.findMany({ where: { listingId: id } });
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(due.id)).toMatchObject({ status: "expired", decidedAt: at(HOUR) });
    expect(byId.get(dueEarlier.id)).toMatchObject({ status: "expired", decidedAt: at(HOUR) });
    expect(byId.get(notYet.id)).toMatchObject({ status: "pending", decidedAt: null });
    expect(byId.get(accepted.id)!.status).toBe("accepted");
    // 1 + 2 kg back: 3 kg, for sale again
    expect(await stock(id)).toEqual({ stockMilli: 3_000, status: "active" });
    expect(await o().expireDue(at(HOUR))).toEqual([]);
    expect(await stock(id)).toEqual({ stockMilli: 3_000, status: "active" });
  });

  it("expireDue takes at most `limit` orders per call", async () => {
    const id = await listing(10);
    for (let i = 0; i < 3; i++) await placed(id, 1, { expireAfterMs: HOUR });
    expect(await o().expireDue(at(HOUR), 2)).toHaveLength(2);
    expect(await o().expireDue(at(HOUR), 2)).toHaveLength(1);
    expect(await stock(id)).toEqual({ stockMilli: 10_000, status: "active" });
  });

  it("remindDue: pending orders at least `afterMs` old, not reminded yet and not past their deadline; once each", async () => {
    const id = await listing(10);
    const afterMs = 3 * HOUR;
    const made = async (createdAt: Date, expireAfterMs = 24 * HOUR) => {
      const p = await placed(id, 1, { expireAfterMs });
      await testDb.db.order.update({ where: { id: p.id }, data: { createdAt } });
      return p.id;
    };
    const now = at(4 * HOUR);
    const oldEnough = await made(at(0)); // 4 h old
    const justOldEnough = await made(at(HOUR)); // exactly 3 h old
    const tooYoung = await made(at(HOUR + 1));
    const deadlineNow = await made(at(0), 4 * HOUR); // expires at `now`: expiry, not a reminder
    const accepted = await made(at(0));
    await o().accept(accepted, shopA.id);

    const reminded = await o().remindDue(now, afterMs);
    expect(reminded.map((x) => x.id).sort()).toEqual([oldEnough, justOldEnough].sort());
    expect(reminded.every((x) => x.status === "pending")).toBe(true);
    const rows = new Map((await testDb.db.order.findMany()).map((r) => [r.id, r.remindedAt]));
    expect(rows.get(oldEnough)).toEqual(now);
    expect(rows.get(justOldEnough)).toEqual(now);
    for (const other of [tooYoung, deadlineNow, accepted]) expect(rows.get(other)).toBeNull();
    // an hour later the young one is old enough; the one whose deadline came is still not reminded
    expect((await o().remindDue(at(5 * HOUR), afterMs)).map((x) => x.id)).toEqual([tooYoung]);
    expect((await o().remindDue(at(5 * HOUR), afterMs)).length).toBe(0);
  });

  it("remindDue takes at most `limit` orders per call", async () => {
    const id = await listing(10);
    for (let i = 0; i < 3; i++) await placed(id, 1);
    await testDb.db.order.updateMany({ data: { createdAt: at(0) } }); // 4 h old at the reminder
    expect(await o().remindDue(at(4 * HOUR), 3 * HOUR, 2)).toHaveLength(2);
    expect(await o().remindDue(at(4 * HOUR), 3 * HOUR, 2)).toHaveLength(1);
  });

  it("requestPickup: only for the own shop's accepted order, once; the pickup is in the shop's commune", async () => {
    const id = await listing(10);
    const p = await placed(id, 2);
    const input = { carrier: "vnpost" as const, weightGrams: 2_100, codVnd: 160_000 };
    expect(await o().requestPickup(p.id, shopA.id, input)).toBeNull(); // still pending
    await o().accept(p.id, shopA.id);
    expect(await o().requestPickup(p.id, shopB.id, input)).toBeNull(); // not B's
    expect(await o().requestPickup("nosuchorder", shopA.id, input)).toBeNull();
    expect(await testDb.db.pickup.count()).toBe(0);

    const withPickup = await o().requestPickup(p.id, shopA.id, input);
    expect(withPickup?.pickup).toMatchObject({ carrier: "vnpost", status: "open", weightGrams: 2_100, codVnd: 160_000 });
    expect(await testDb.db.pickup.findUniqueOrThrow({ where: { orderId: p.id } })).toMatchObject({ communeCode: "06463", carrier: "vnpost" });
    expect(await o().requestPickup(p.id, shopA.id, { ...input, carrier: "viettel_post" })).toBeNull();
    expect(await testDb.db.pickup.count()).toBe(1);
  });

  it("pickupUpdate: only the pickup's own carrier, only forward (open → picked up → delivered or returned); the order follows", async () => {
    const id = await listing(10);
    const pickupFor = async () => {
      const p = await placed(id, 1);
      await o().accept(p.id, shopA.id);
      const withPickup = await o().requestPickup(p.id, shopA.id, { carrier: "viettel_post", weightGrams: 1_000, codVnd: 0 });
      return { orderId: p.id, pickupId: withPickup!.pickup!.id };
    };
    const status = async (x: { orderId: string; pickupId: string }) => [
      (await testDb.db.order.findUniqueOrThrow({ where: { id: x.orderId } })).status,
      (await testDb.db.pickup.findUniqueOrThrow({ where: { id: x.pickupId } })).status,
    ];

    const one = await pickupFor();
    expect(await o().pickupUpdate(one.pickupId, "vnpost", "picked_up")).toBeNull(); // not its pickup
    expect(await status(one)).toEqual(["accepted", "open"]);
    expect((await o().pickupUpdate(one.pickupId, "viettel_post", "picked_up"))?.status).toBe("picked_up");
    expect(await o().pickupUpdate(one.pickupId, "viettel_post", "picked_up")).toBeNull(); // once
    expect(await status(one)).toEqual(["picked_up", "picked_up"]);
    expect((await o().pickupUpdate(one.pickupId, "viettel_post", "delivered"))?.status).toBe("delivered");
    expect(await status(one)).toEqual(["delivered", "delivered"]);
    for (const next of ["picked_up", "delivered", "returned"] as const) {
      expect(await o().pickupUpdate(one.pickupId, "viettel_post", next), `delivered → ${next}`).toBeNull();
    }
    expect(await status(one)).toEqual(["delivered", "delivered"]);

    const two = await pickupFor(); // delivered or returned straight from open
    expect((await o().pickupUpdate(two.pickupId, "viettel_post", "returned"))?.status).toBe("returned");
    expect(await o().pickupUpdate(two.pickupId, "viettel_post", "picked_up")).toBeNull();
    expect(await status(two)).toEqual(["returned", "returned"]);
    const three = await pickupFor();
    expect((await o().pickupUpdate(three.pickupId, "viettel_post", "delivered"))?.status).toBe("delivered");
    const four = await pickupFor(); // returned after pickup
    await o().pickupUpdate(four.pickupId, "viettel_post", "picked_up");
    expect((await o().pickupUpdate(four.pickupId, "viettel_post", "returned"))?.status).toBe("returned");
    expect(await o().pickupUpdate("nosuchpickup", "viettel_post", "delivered")).toBeNull();
  });
});
