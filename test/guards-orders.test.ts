// A household acts only on its own shop's orders (flows/orders.ts, ownOrder). Two households on the
// fake Telegram server; a partner places an order with household B's shop. Household A then tries
// B's order every way it can: typing "NHAN / TUCHOI / GUI <code>" and tapping forged buttons whose
// callback data carries B's order id. Each try is answered "not in your shop", and nothing about the
// order reaches A: no buyer name, phone or address, no total, no status; the order stays as it was.
import { randomUUID } from "node:crypto";
import type { Message } from "grammy/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeTelegram } from "./fakes/telegram-server.ts";
import { call, orderFor, PARTNER_KEYS, sellerWithListing, startApiApp, type ApiApp, type Seller } from "./support/api.ts";
import { Chat, startFakeBotApi } from "./support/bot.ts";
import { useTestDatabase } from "./support/db.ts";

const testDb = useTestDatabase();

const NOT_YOURS = "Không tìm thấy đơn này trong cửa hàng của bạn.";
const MENU = /Bạn muốn làm gì/;
const BUYER = { name: "Đinh Thị Xuân", phone: "0986 135 790", address: "Số 77 ngõ Trạm, phường Hoàn Kiếm", area: "Hà Nội" };
/** Who orders from A's own shop. */
const OWN_BUYER = { name: "Phạm Văn Tư", phone: "0977 246 801", address: "Thôn Đông, xã Yên Phong", area: "Bắc Ninh" };
/** Anything that would tell A about B's orders or their buyer. */
const REVEALING = [/Đinh Thị Xuân/, /0986 ?135 ?790/, /986135790/, /ngõ Trạm/, /Hoàn Kiếm/, /Hà Nội/, /240\.000/, /đã được xử lý/, /qua hãng nào/, /Vì sao bạn từ chối/, /chưa thể gọi lấy hàng/];

let fake: FakeTelegram;
let app: ApiApp;
let a: Seller; // the household that tries
let b: Seller; // the shop the orders belong to

async function placeOrder(listingId: string, kg: number, buyer: typeof BUYER) {
  const res = await call(app.url, "/api/v1/orders", { key: PARTNER_KEYS.postmart, idempotencyKey: randomUUID(), body: orderFor(listingId, kg, buyer) });
  expect(res.status).toBe(201);
  return res.json.order as { id: string; code: string };
}

/** A fresh 3 kg order with B's shop, once B has been told of it (each test has its own: any order). */
async function orderForB() {
  let order: { id: string; code: string } | undefined;
  const notice = (await b.chat.act(async () => (order = await placeOrder(b.listingId, 3, BUYER)), /^🛒 Đơn mới/)).at(-1)!; // the matched one
  expect(notice.text).toContain(order!.code);
  return { ...order!, notice };
}

beforeAll(async () => {
  fake = await startFakeBotApi();
  app = await startApiApp(fake, testDb.url);
  a = await sellerWithListing(app, fake, { userId: 8_801, phone: "0918 801 801", name: "Hoàng Văn An", sentence: "ban 10 kg hoi kho 80k" });
  b = await sellerWithListing(app, fake, { userId: 8_802, phone: "0918 802 802", name: "Lương Thị Bình", sentence: "ban 1 ta hoi kho 80k" });
  // A has an order of its own, so it has real order buttons in its chat.
  await a.chat.act(() => placeOrder(a.listingId, 1, OWN_BUYER), /^🛒 Đơn mới/);
});
afterAll(async () => {
  await app?.stop();
  await fake?.close();
});

/** A callback query on A's own latest order notice, with the callback data swapped for `data`. */
function forgedTap(chat: Chat, data: string) {
  const notice = [...chat.all].reverse().find((m) => m.text?.startsWith("🛒 Đơn mới") && m.message.reply_markup);
  if (!notice) throw new Error("A has no order notice with buttons");
  const message = structuredClone(notice.message) as Message;
  return fake.pushUpdate({
    callback_query: {
      id: String(4_300_000_000_000_000_000n + BigInt(Math.floor(Math.random() * 1e9))),
      from: { id: chat.user.id, is_bot: false, first_name: chat.user.first_name ?? "A", language_code: "vi" },
      message,
      chat_instance: String(-(8_100_000_000_000_000_000n + BigInt(chat.user.id))),
      data,
    },
  });
}

/**
 * Try once. The first answer must be "not in your shop" (and the menu); then "/menu" marks the end of that turn (one
 * chat's updates are handled in order), and nothing but the menu may have come in between.
 */
async function expectRefused(action: () => Promise<unknown>, what: string) {
  const [first] = await a.chat.act(action, /./);
  expect(first.text, what).toBe(`${NOT_YOURS}\n\nBạn muốn làm gì?`); // with the menu as the way forward
  const rest = await a.chat.act(() => fake.sendText(a.chat.user, "/menu"), MENU);
  expect(rest.map((m) => m.text), what).toEqual([expect.stringMatching(MENU)]);
}

async function expectUnchanged(id: string, status: string) {
  const order = await testDb.db.order.findUniqueOrThrow({ where: { id }, include: { pickup: true } });
  expect(order).toMatchObject({ status, shopId: b.shopId, declineReason: null });
  if (status === "pending") expect(order.decidedAt).toBeNull();
  expect(order.pickup).toBeNull();
}

describe("another shop's order", () => {
  it("typed code: NHAN / TUCHOI / GUI with another shop's order code is refused and reveals nothing", async () => {
    const theirs = await orderForB();
    for (const text of [`NHAN ${theirs.code}`, `nhận ${theirs.code.toLowerCase()}`, `TUCHOI ${theirs.code}`, `Từ chối ${theirs.code}`, `GUI ${theirs.code}`]) {
      await expectRefused(() => fake.sendText(a.chat.user, text), text);
    }
    await expectUnchanged(theirs.id, "pending");
  });

  it("tap: forged accept / decline / pickup buttons carrying another shop's order id are refused and reveal nothing", async () => {
    const theirs = await orderForB();
    for (const action of ["acc", "dec", "pick"]) {
      await expectRefused(() => forgedTap(a.chat, `a.${action}.${theirs.id}`), `tap a.${action}`);
    }
    await expectUnchanged(theirs.id, "pending");
  });

  it("after its own shop accepted it, the order is still not A's: no status, no pickup", async () => {
    const theirs = await orderForB();
    await b.chat.act(() => fake.tapButtonIn(theirs.notice.messageId, b.chat.user, "✅ Nhận đơn"), /Đã nhận đơn/);
    expect(b.chat.last.text).toContain("0986 135 790"); // B, whose order it is, now sees the phone
    for (const text of [`NHAN ${theirs.code}`, `GUI ${theirs.code}`, `TUCHOI ${theirs.code}`]) {
      await expectRefused(() => fake.sendText(a.chat.user, text), text);
    }
    for (const action of ["acc", "dec", "pick"]) {
      await expectRefused(() => forgedTap(a.chat, `a.${action}.${theirs.id}`), `tap a.${action}`);
    }
    await expectUnchanged(theirs.id, "accepted");
  });

  it("a household whose shop is gone gets the same refusal for B's order, typed or tapped, and nothing of it", async () => {
    const theirs = await orderForB();
    const user = { id: 8_809, first_name: "Lương Văn Tám", language_code: "vi" };
    await testDb.db.household.create({
      data: {
        name: "Lương Văn Tám", phone: "+84918809809", provinceCode: "20", communeCode: "06463", payment: "none",
        consentAt: new Date(), openedAt: new Date(), lastChannel: "telegram",
        accounts: { create: { channel: "telegram", userKey: String(user.id), chatKey: String(user.id) } },
      },
    });
    const shopless = new Chat(fake, user);
    for (const text of [`NHAN ${theirs.code}`, `GUI ${theirs.code}`]) {
      const [first] = await shopless.act(() => fake.sendText(user, text), /./);
      expect(first.text, text).toMatch(new RegExp(`^${NOT_YOURS}`));
    }
    // A tap carrying B's order id, as if from an old notice in this chat.
    const [tapped] = await shopless.act(
      () => fake.pushUpdate({ callback_query: { id: "4300000000000000999", from: { ...user, is_bot: false }, chat_instance: "-8100000000000008809", data: `a.acc.${theirs.id}`,
        message: { message_id: 1, date: Math.floor(Date.now() / 1000), chat: { id: user.id, type: "private", first_name: user.first_name }, text: "🛒" } } as never }),
      /./,
    );
    expect(tapped.text).toMatch(new RegExp(`^${NOT_YOURS}`));
    const everything = shopless.all.map((m) => m.text ?? "").join("\n");
    for (const re of REVEALING) expect(everything).not.toMatch(re);
    await expectUnchanged(theirs.id, "pending");
  });

  it("nothing of B's order ever reached A's chat, while A's own order works as usual", async () => {
    const everything = a.chat.all.map((m) => m.text ?? "").join("\n");
    for (const re of REVEALING) expect(everything).not.toMatch(re);
    for (const o of await testDb.db.order.findMany({ where: { shopId: b.shopId } })) expect(everything).not.toContain(o.code);
    // A's own order: the same words work (so the refusals above are about whose order it is)
    let own: { id: string; code: string } | undefined;
    await a.chat.act(async () => (own = await placeOrder(a.listingId, 1, OWN_BUYER)), /^🛒 Đơn mới/);
    await a.chat.act(() => fake.sendText(a.chat.user, `NHAN ${own!.code}`), /Đã nhận đơn/);
    expect(a.chat.last.text).toContain("0977 246 801");
    expect((await testDb.db.order.findUniqueOrThrow({ where: { id: own!.id } })).status).toBe("accepted");
    // Positive marker that A's chat is quiet again (the acceptance's follow-up, its payment question,
    // has come): the tests above read A's next answers first, whatever order they run in.
    await a.chat.act(() => fake.sendText(a.chat.user, "/menu"), MENU);
  });
});
