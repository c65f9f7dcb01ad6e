// ownOrder (flows/orders.ts) for a household that has no shop: typing an order's code or tapping an
// order button is answered "not in your shop", not a crash, and the order does not move. Through the
// engine with an in-process channel (no HTTP): the end-to-end versions are orders-not-yours.e2e.test.ts.
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registry } from "../flows/index.ts";
import { orders } from "../src/core/orders.ts";
import { Engine } from "../src/engine/engine.ts";
import { CaptureChannel, inbound } from "./support/capture.ts";
import { useTestDatabase } from "./support/db.ts";

const testDb = useTestDatabase();
const NOT_YOURS = "Không tìm thấy đơn này trong cửa hàng của bạn.";
/** the answer, then the menu as the way forward (one message: short lines are joined) */
const NOT_YOURS_THEN_MENU = `${NOT_YOURS}\n\nBạn muốn làm gì?`;
const DELIVERED = { waitForDelivery: true };

let engine: Engine;
let channel: CaptureChannel;
let order: { id: string; code: string };

beforeAll(async () => {
  // the shop the order belongs to
  const seller = await testDb.db.household.create({
    data: {
      name: "Lương Thị Bình",
      phone: "+84918802802",
      provinceCode: "20",
      communeCode: "06463",
      payment: "none",
      consentAt: new Date(),
      shop: { create: { name: "Hồi Lương Bình", slug: "hoi-luong-binh-own" } },
    },
    include: { shop: true },
  });
  const listing = await testDb.db.listing.create({
    data: { shopId: seller.shop!.id, title: "Hoa hồi khô", unit: "kg", stockMilli: 10_000, displayUnit: "kg", priceVnd: 80_000 },
  });
  const placed = await orders(testDb.db).place({
    listingId: listing.id,
    quantity: 3,
    buyer: { name: "Đinh Thị Xuân", phone: "+84986135790", address: "Số 77 ngõ Trạm", area: "Hà Nội" },
    buyerChannel: "web",
    source: "web",
  });
  if (!placed.ok) throw new Error("order not placed");
  order = placed.order;

  engine = new Engine({ db: testDb.db, registry, log: pino({ level: "silent" }), provinceCode: "20" });
  channel = new CaptureChannel();
  engine.register(channel);
});

afterAll(async () => {
  await engine?.idle();
});

/** A registered household without a shop, writing on Telegram from its own chat. */
async function householdWithoutShop(chat: string, phone: string): Promise<void> {
  await testDb.db.household.create({
    data: {
      name: "Hoàng Văn An",
      phone,
      provinceCode: "20",
      communeCode: "06463",
      payment: "none",
      consentAt: new Date(),
      accounts: { create: { channel: "telegram", userKey: chat, chatKey: chat, locale: "vi" } },
    },
  });
}

/** The order is as placed, and the chat was told nothing but "not in your shop" for each of its tries. */
async function expectOrderUnmoved(chat: string, tries: number): Promise<void> {
  const row = await testDb.db.order.findUniqueOrThrow({ where: { id: order.id }, include: { pickup: true } });
  expect(row).toMatchObject({ status: "pending", decidedAt: null, declineReason: null, pickup: null });
  expect(channel.texts(chat).every((t) => t === NOT_YOURS_THEN_MENU)).toBe(true);
  expect(channel.texts(chat)).toHaveLength(tries);
}

// Each test has its own household and chat, so that it passes alone and in any order.
describe("a household without a shop", () => {
  it("typing NHAN / TUCHOI / GUI with an order's code is told the order is not in its shop; the order does not move", async () => {
    const chat = "9901";
    await householdWithoutShop(chat, "+84918801801");
    const texts = [`NHAN ${order.code}`, `TUCHOI ${order.code}`, `GUI ${order.code}`];
    for (const text of texts) {
      const outcome = await engine.handle(inbound(chat, { text }), DELIVERED);
      expect(outcome.status, text).toBe("handled");
      expect(outcome.replies.map((r) => r.text), text).toEqual([NOT_YOURS_THEN_MENU]);
    }
    await expectOrderUnmoved(chat, texts.length);
  });

  it("tapping accept / decline / pickup with the order's id is told the same; the order does not move", async () => {
    const chat = "9902";
    await householdWithoutShop(chat, "+84918801802");
    const actions = ["acc", "dec", "pick"];
    for (const action of actions) {
      const outcome = await engine.handle(inbound(chat, { kind: "choice", choiceId: `a.${action}.${order.id}` }), DELIVERED);
      expect(outcome.status, action).toBe("handled");
      expect(outcome.replies.map((r) => r.text), action).toEqual([NOT_YOURS_THEN_MENU]);
    }
    await expectOrderUnmoved(chat, actions.length);
  });
});
