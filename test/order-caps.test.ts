// Caps that protect a household from one buyer phone (src/core/order-caps.ts), at the database level on
// SQLite and PostgreSQL: unanswered orders per phone (per shop and in total, a concurrent burst
// included), the share of a listing's stock one unanswered order holds, the household's block, and a
// flood of orders told in one grouped notice. Figures are worked out by hand in the comments.
import pino from "pino";
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ORDER_CAPS, type OrderCaps } from "../src/core/order-caps.ts";
import { OrderService } from "../src/core/order-service.ts";
import { orders, type PlaceOrder } from "../src/core/orders.ts";
import { Notifier, type NotifyPort, type NotifyTarget } from "../src/core/notify.ts";
import type { Outbound } from "../src/core/messages.ts";
import { tFor } from "../src/i18n/index.ts";
import { useTestDatabase } from "./support/db.ts";
import { usePostgres } from "./support/paths.ts";

const testDb = useTestDatabase();
const NOW = new Date("2026-12-06T08:00:00.000Z");
const CAPS: OrderCaps = { ...DEFAULT_ORDER_CAPS, perShop: 3, total: 4, floodAfter: 1_000 };
const buyer = (phone: string) => ({ name: "Đinh Thị Xuân", phone, address: "Số 77 ngõ Trạm", area: "Hà Nội" });

let n = 0;
async function shop() {
  n += 1;
  const h = await testDb.db.household.create({
    data: {
      name: `Hộ ${n}`,
      phone: `+8491400${String(n).padStart(4, "0")}`,
      provinceCode: "20",
      communeCode: "06463",
      payment: "none",
      consentAt: NOW,
      shop: { create: { name: `Cửa hàng ${n}`, slug: `cua-hang-caps-${n}` } },
      accounts: { create: { channel: "telegram", userKey: `caps${n}`, chatKey: `caps${n}` } },
    },
    include: { shop: true },
  });
  return { shopId: h.shop!.id, chatKey: `caps${n}` };
}
async function listing(shopId: string, kg: number) {
  return (await testDb.db.listing.create({ data: { shopId, title: "Hoa hồi khô", unit: "kg", stockMilli: kg * 1000, displayUnit: "kg", priceVnd: 80_000, status: "active" } })).id;
}
const stockKg = async (id: string) => (await testDb.db.listing.findUniqueOrThrow({ where: { id } })).stockMilli / 1000;
const place = (listingId: string, quantity: number, phone: string, extra: Partial<PlaceOrder> = {}) =>
  testDb.db.$transaction((tx) => orders(tx).place({ listingId, quantity, buyer: buyer(phone), buyerChannel: "web", source: "web", now: NOW, caps: CAPS, ...extra }));
async function placed(listingId: string, quantity: number, phone: string) {
  const r = await place(listingId, quantity, phone);
  if (!r.ok) throw new Error(`not placed: ${r.reason}`);
  return r.order;
}

let a: { shopId: string; chatKey: string };
let b: { shopId: string; chatKey: string };
beforeAll(async () => {
  a = await shop();
  b = await shop();
});

describe(`order caps per buyer phone (${usePostgres ? "PostgreSQL" : "SQLite"})`, () => {
  it("3 unanswered orders per shop and 4 in all; an answer frees a place; other phones are not affected", async () => {
    const la = await listing(a.shopId, 100);
    const lb = await listing(b.shopId, 100);
    const phone = "+84986000001";
    for (let i = 0; i < 3; i++) await placed(la, 1, phone);
    expect(await place(la, 1, phone)).toEqual({ ok: false, reason: "too_many_open" });
    expect((await place(la, 1, "+84986000002")).ok).toBe(true);
    // 3 at A + 1 at B = 4 in all: a 5th anywhere is refused
    await placed(lb, 1, phone);
    expect(await place(lb, 1, phone)).toEqual({ ok: false, reason: "too_many_open" });
    // the stock of refused orders stays: 100 - 3 - 1 (other phone) = 96 at A, 99 at B
    expect([await stockKg(la), await stockKg(lb)]).toEqual([96, 99]);
    const first = await testDb.db.order.findFirstOrThrow({ where: { listingId: la, buyerPhone: phone } });
    await orders(testDb.db).accept(first.id, a.shopId);
    expect((await place(la, 1, phone)).ok).toBe(true);
  });

  it("a burst of 12 simultaneous orders from one phone: exactly 3 get in", async () => {
    const l = await listing(a.shopId, 100);
    const phone = "+84986000003";
    const results = await Promise.all(Array.from({ length: 12 }, () => place(l, 1, phone)));
    expect(results.filter((r) => r.ok)).toHaveLength(3);
    expect(results.filter((r) => !r.ok && r.reason === "too_many_open")).toHaveLength(9);
    expect(await testDb.db.order.count({ where: { buyerPhone: phone, status: "pending" } })).toBe(3);
    expect(await stockKg(l)).toBe(97);
  });

  it("one unanswered order holds at most half of what is left; the rest is taken on accepting, if still there", async () => {
    const l = await listing(a.shopId, 10);
    // 8 kg of 10: holds 5 (50%), 5 left for others
    const big = await placed(l, 8, "+84986000004");
    expect(big.heldQuantity).toBe(5);
    expect(await stockKg(l)).toBe(5);
    // more than is there at all is still "not enough", with what is left
    expect(await place(l, 6, "+84986000005")).toMatchObject({ ok: false, reason: "not_enough", availableQuantity: 5 });
    // accepting takes the other 3 kg: 5 - 3 = 2 left
    expect((await orders(testDb.db).accept(big.id, a.shopId))?.status).toBe("accepted");
    expect(await stockKg(l)).toBe(2);

    // once the rest is gone, the order stays unanswered and nothing moves; declining gives back what it held
    const l2 = await listing(a.shopId, 10);
    const other = await placed(l2, 8, "+84986000006"); // holds 5, 5 left
    await placed(l2, 2.5, "+84986000007"); // 2,5 of 5 = 50%: held whole, 2,5 left
    await placed(l2, 1.25, "+84986000008"); // 1,25 left
    expect((await orders(testDb.db).accept(other.id, a.shopId))?.status).toBe("pending"); // needs 3, 1,25 left
    expect(await stockKg(l2)).toBe(1.25);
    await orders(testDb.db).decline(other.id, a.shopId, "x");
    expect(await stockKg(l2)).toBe(6.25);
  });

  it("a buyer the household accepted before is not held to the share", async () => {
    const l = await listing(a.shopId, 10);
    const phone = "+84986000009";
    const first = await placed(l, 1, phone);
    await orders(testDb.db).accept(first.id, a.shopId);
    const second = await placed(l, 8, phone); // 8 of 9 left, held whole
    expect(second.heldQuantity).toBeNull();
    expect(await stockKg(l)).toBe(1);
  });

  it("a buyer is known only by an order this shop accepted: not by one unanswered or declined here, nor accepted at another shop", async () => {
    const phone = "+84986000019";
    const elsewhere = await placed(await listing(b.shopId, 10), 1, phone);
    expect((await orders(testDb.db).accept(elsewhere.id, b.shopId))?.status).toBe("accepted");
    const l = await listing(a.shopId, 10);
    await placed(l, 1, phone); // unanswered, holds 1 kg
    const declined = await placed(l, 1, phone);
    await orders(testDb.db).decline(declined.id, a.shopId, "x");
    expect(await stockKg(l)).toBe(9);
    // 8 of 9 kg: a buyer this shop does not know yet, so the order holds half of what is left
    const big = await placed(l, 8, phone);
    expect(big.heldQuantity).toBe(4.5);
    expect(await stockKg(l)).toBe(4.5);
  });

  it("blocking a buyer declines their unanswered orders at that shop, gives the stock back and refuses new ones", async () => {
    const l = await listing(a.shopId, 10);
    const lb = await listing(b.shopId, 10);
    const phone = "+84986000010";
    const o1 = await placed(l, 2, phone);
    await placed(l, 1, phone);
    const atB = await placed(lb, 1, phone);
    expect(await stockKg(l)).toBe(7);
    // not A's order: nothing happens
    expect(await orders(testDb.db).blockBuyer(atB.id, a.shopId, "x")).toBeNull();
    const declined = await testDb.db.$transaction((tx) => orders(tx).blockBuyer(o1.id, a.shopId, "người bán không nhận đơn của bạn"));
    expect(declined!.map((o) => o.status)).toEqual(["declined", "declined"]);
    expect(await stockKg(l)).toBe(10);
    expect(await place(l, 1, phone)).toEqual({ ok: false, reason: "blocked" });
    // shop B still takes this phone, and shop A other phones
    expect((await orders(testDb.db).get(atB.id))?.status).toBe("pending");
    expect((await place(lb, 1, phone)).ok).toBe(true);
    expect((await place(l, 1, "+84986000011")).ok).toBe(true);
  });
});

describe(`a flood of orders for one household (${usePostgres ? "PostgreSQL" : "SQLite"})`, () => {
  it("after 3 told one by one, the next wait and come as one grouped notice listing each", async () => {
    const c = await shop();
    const l = await listing(c.shopId, 100);
    const sent: Array<{ to: NotifyTarget; messages: Outbound[] }> = [];
    const port: NotifyPort = {
      reaches: () => true,
      queue: async (_tx, to, messages) => {
        sent.push({ to, messages });
        return [to];
      },
      deliver: async () => {},
    };
    const service = new OrderService(testDb.db, new Notifier(port), pino({ level: "silent" }), undefined, { ...DEFAULT_ORDER_CAPS, floodAfter: 3 });
    const codes: string[] = [];
    for (let i = 0; i < 7; i++) {
      const r = await service.place({ listingId: l, quantity: 1, buyer: buyer(`+8498610000${i}`), buyerChannel: "web", source: "web" });
      if (r.ok) codes.push(r.order.code);
    }
    expect(codes).toHaveLength(7);
    expect(sent.map((s) => s.messages[0].text.split(" ")[0])).toEqual(["🛒", "🛒", "🛒"]);
    expect(await testDb.db.order.count({ where: { shopId: c.shopId, noticeAt: null } })).toBe(4);

    expect((await service.tick()).grouped).toBe(1);
    expect(sent).toHaveLength(4);
    const grouped = sent[3].messages[0];
    expect(grouped.text).toBe(tFor("vi")("orders:grouped", { count: 4 }));
    expect(grouped.choices!.flat().map((ch) => ch.label.slice(0, 8))).toEqual(codes.slice(3));
    expect(grouped.choices!.flat().every((ch) => ch.id.startsWith("a.open."))).toBe(true);
    // told once: the next tick has nothing to group
    expect((await service.tick()).grouped).toBe(0);
    expect(sent).toHaveLength(4);
  });
});
