// Issue 21 end to end on the Telegram fake with a loopback Viettel Post: the household accepts an order,
// calls a pickup, sees Viettel Post's services and fees, taps one and gets the waybill; Viettel Post's
// webhook then reports the journey — repeated, out of order, with an unknown code, after the final state —
// and the order follows: picked up, delivered; household and buyer hear the steps that matter, once.
// A second order is cancelled before pickup, which cancels its shipment at Viettel Post.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeTelegram } from "./fakes/telegram-server.ts";
import { startFakeViettelPost, type FakeViettelPost } from "./fakes/viettel-post-server.ts";
import { startFakeVnpost, type FakeVnpost } from "./fakes/vnpost-server.ts";
import { call, startApiApp, type ApiApp, type Seller } from "./support/api.ts";
import { seedHouseholds } from "./support/broadcast.ts";
import { Chat, startFakeBotApi } from "./support/bot.ts";
import { createTestDatabase, type TestDatabase } from "./support/db.ts";
import { within } from "./support/within.ts";

const SECRET = "vtp-hook-secret-0123";
let database: TestDatabase;
let fake: FakeTelegram;
let vtp: FakeViettelPost;
let vnp: FakeVnpost;
let app: ApiApp;
let seller: Seller;
const BUYER = 8799;
const SELLER = 8701;

beforeAll(async () => {
  database = await createTestDatabase();
  [fake, vtp, vnp] = await Promise.all([startFakeBotApi(), startFakeViettelPost(), startFakeVnpost()]);
  app = await startApiApp(fake, database.url, {
    env: { VIETTEL_POST_USERNAME: vtp.username, VIETTEL_POST_PASSWORD: vtp.password, VIETTEL_POST_WEBHOOK_SECRET: SECRET, VIETTEL_POST_API_ROOT: vtp.root, CARRIER_TIMEOUT_SECONDS: "0.5",
      VNPOST_USERNAME: vnp.creds.username,
      VNPOST_PASSWORD: vnp.creds.password,
      VNPOST_CUSTOMER_CODE: vnp.creds.customerCode,
      VNPOST_CONTRACT_CODE: "HD-2026-01",
      VNPOST_WEBHOOK_PUBLIC_KEY: vnp.publicKeyPem.replace(/\n/g, "\\n"),
      VNPOST_API_ROOT: vnp.root,
    },
  });
  // The household, its shop and listing written directly (registration is tested elsewhere): 100 kg at 80.000 đ.
  await app.engine.catalog.get(); // seeds the product catalog that listings point to
  const [householdId] = await seedHouseholds(app.db, [{ commune: "06463", telegram: SELLER, product: "hoi-kho" }]);
  await app.db.household.update({ where: { id: householdId }, data: { openedAt: new Date(), name: "Lăng Văn Tài" } });
  const listing = await app.db.listing.findFirstOrThrow({ where: { shop: { householdId } } });
  await app.db.listing.update({ where: { id: listing.id }, data: { title: "Hoa hồi khô", priceVnd: 80_000 } });
  seller = { chat: new Chat(fake, { id: SELLER, first_name: "Tài", language_code: "vi" }), householdId, shopId: listing.shopId, listingId: listing.id };
});
afterAll(async () => {
  await app?.stop();
  await Promise.all([fake?.close(), vtp?.close(), vnp?.close()]);
  await database?.drop();
});

/** An order from a Telegram buyer in Hà Nội, accepted by the household in chat. */
async function acceptedOrder(area = "Hà Nội"): Promise<string> {
  const placed = await app.orders.place({
    listingId: seller.listingId,
    quantity: 3,
    buyer: { name: "Đặng Thị Hương", phone: "+84987111222", address: "12 Hàng Bạc", area },
    buyerChannel: "telegram",
    buyerChatKey: String(BUYER),
    source: "chat",
  });
  if (!placed.ok) throw new Error(placed.reason);
  await seller.chat.act(async () => undefined, new RegExp(`Đơn mới ${placed.order.code}`));
  await seller.chat.tap("✅ Nhận đơn", /Đã nhận đơn/);
  return placed.order.code;
}

/** Pickup with Viettel Post, 3 kg, cash on delivery: ends with the quote (or `then`). */
async function callPickup(code: string, then = new RegExp(`Giá gửi đơn ${code} qua Viettel Post \\(3 kg\\)`), carrier = "Viettel Post") {
  const chat = seller.chat;
  await chat.tap("🚚 Gọi bưu điện lấy hàng", /qua hãng nào/);
  await chat.tap(carrier, /nặng khoảng 3 kg/);
  await chat.tap("✅ Đúng 3 kg", /thu hộ tiền hàng 240\.000 đ/);
  await chat.tap("✅ Thu hộ 240.000 đ", /Gửi yêu cầu lấy hàng/);
  await chat.tap("✅ Gửi yêu cầu", new RegExp(`Đang hỏi giá cước ${carrier.replace(/[()]/g, ".")} cho đơn ${code}`));
  await chat.act(async () => undefined, then);
}

const hook = (waybill: string, status: number, at: string, extra: Parameters<FakeViettelPost["push"]>[5] = {}) =>
  vtp.push(`${app.url}/webhook/carrier/viettel_post`, SECRET, waybill, status, at, extra);
const buyerTexts = () => fake.sentTexts(BUYER);

/** Pickup called and booked as "Tiết kiệm"; its waybill, once the buyer has been told it. */
async function bookedEconomy(code: string): Promise<string> {
  await callPickup(code);
  await seller.chat.tap("Tiết kiệm: 25.000 đ, 72 giờ", /Đang đặt Tiết kiệm/);
  await seller.chat.act(async () => undefined, /Mã vận đơn: PKE\d+/);
  const waybill = /Mã vận đơn: (PKE\d+)/.exec(seller.chat.last.text!)![1];
  await fake.waitFor(() => buyerTexts().some((t) => t.includes(`Mã vận đơn: ${waybill}`)));
  return waybill;
}

describe("Viettel Post: quote, book, track", () => {
  it("quotes, books with the waybill, follows the webhook to delivered; told once per step that matters", async () => {
    const code = await acceptedOrder();
    await callPickup(code);
    expect(seller.chat.buttons).toEqual(["Tiết kiệm: 25.000 đ, 72 giờ", "Chuyển phát nhanh: 37.000 đ, 24 giờ"]);
    await seller.chat.tap("Tiết kiệm: 25.000 đ, 72 giờ", /Đang đặt Tiết kiệm/);
    await seller.chat.act(async () => undefined, /Mã vận đơn: PKE\d+/);
    const waybill = /Mã vận đơn: (PKE\d+)/.exec(seller.chat.last.text!)![1];
    expect(seller.chat.buttons).toEqual(["Huỷ đơn này"]);

    // What Viettel Post got: our code as the reference, CHECK_UNIQUE, COD of the goods only (ORDER_PAYMENT 3).
    const sent = vtp.orders.get(waybill)!;
    expect(sent.reference).toBe(code);
    expect(sent.body).toMatchObject({ CHECK_UNIQUE: true, ORDER_SERVICE: "VTK", ORDER_PAYMENT: 3, MONEY_COLLECTION: 240_000, PRODUCT_WEIGHT: 3000, SENDER_PROVINCE: 22, SENDER_WARD: 22001, RECEIVER_PROVINCE: 1, RECEIVER_PHONE: "0987111222" });
    await fake.waitFor(() => buyerTexts().some((t) => t.includes(`Mã vận đơn: ${waybill}`)));

    // The journey, as Viettel Post sends it: repeats, a late 200 after 300, an unknown code, an event after delivery.
    expect(await hook(waybill, 105, "06/12/2026 09:00:00")).toEqual([200]);
    expect(await hook(waybill, 105, "06/12/2026 09:00:00")).toEqual([200]);
    expect(await hook(waybill, 300, "06/12/2026 13:00:00", { omitReturning: true })).toEqual([200]);
    expect(await hook(waybill, 200, "06/12/2026 10:00:00", { tokenIn: "header" })).toEqual([200]);
    expect(await hook(waybill, 777, "06/12/2026 14:00:00", { tokenIn: "body" })).toEqual([200]);
    expect(await hook(waybill, 500, "07/12/2026 08:00:00")).toEqual([200]);
    expect(await hook(waybill, 501, "07/12/2026 10:30:00")).toEqual([200]);
    expect(await hook(waybill, 504, "08/12/2026 10:30:00")).toEqual([200]);
    expect(await hook("PKE_NOT_OURS", 501, "07/12/2026 10:30:00")).toEqual([200]);

    const order = await app.db.order.findFirstOrThrow({ where: { code }, include: { pickup: true } });
    expect(order.status).toBe("delivered");
    expect(order.pickup).toMatchObject({ booking: "booked", waybill, status: "delivered", trackStep: "delivered", service: "VTK", feeVnd: 25_000 });
    const events = await app.db.carrierEvent.findMany({ where: { pickupId: order.pickup!.id }, orderBy: { at: "asc" } });
    expect(events.map((e) => e.code)).toEqual(["105", "200", "300", "777", "500", "501", "504"]);

    // The buyer's order page shows the journey with the waybill (plain HTML: nothing here needs a browser).
    const statusPage = await call(app.url, `/don/${order.statusToken}`);
    expect(statusPage.text).toContain(`Hành trình (mã vận đơn ${waybill})`);
    const journey = [...statusPage.text.matchAll(/<li class="done">(\d\d:\d\d[^<]*)<\/li>/g)].map((m) => m[1].replace(/^[^·]*· /, ""));
    // Late (200 after 300), unknown (777) and post-final (504) events are kept but are no steps.
    expect(journey.slice(-4)).toEqual(["Bưu điện đã lấy hàng", "Đang trên đường", "Đang giao tới bạn", "Đã giao"]);
    expect(statusPage.text).not.toContain("Đã hoàn về người bán");
    await fake.waitFor(() => buyerTexts().some((t) => t.includes(`Đơn ${code} đã giao`)));
    await fake.waitFor(() => fake.sentTexts(SELLER).some((t) => t.includes(`Đơn ${code} đã giao tới người mua`)));
    const forBuyer = buyerTexts().filter((t) => t.includes(code));
    expect(forBuyer.filter((t) => /đã lấy hàng/.test(t))).toHaveLength(1);
    expect(forBuyer.filter((t) => /đang được giao tới bạn/.test(t))).toHaveLength(1);
    expect(forBuyer.filter((t) => /đã giao/.test(t))).toHaveLength(1);
    expect(forBuyer.some((t) => /hoàn về|trên đường/.test(t))).toBe(false);
  });

  it("the way back: a failed attempt, returning, returned; each side told what matters to it once, no COD marked paid", async () => {
    const code = await acceptedOrder();
    const waybill = await bookedEconomy(code);
    const sellerBefore = fake.sentTexts(SELLER).length;
    const buyerBefore = buyerTexts().length;

    // Viettel Post's return path: 506 (not home), 505 (return asked), 502 and 515 (same step, repeated), 504 (back).
    for (const [status, at] of [[105, "06/12/2026 09:00:00"], [506, "07/12/2026 09:00:00"], [505, "08/12/2026 09:00:00"], [502, "08/12/2026 15:00:00"], [515, "09/12/2026 08:00:00"], [504, "10/12/2026 10:00:00"], [501, "10/12/2026 11:00:00"]] as const) {
      expect(await hook(waybill, status, at)).toEqual([200]);
    }
    const order = await app.db.order.findFirstOrThrow({ where: { code }, include: { pickup: true } });
    expect(order).toMatchObject({ status: "returned", payState: "unpaid", paidBy: null });
    expect(order.pickup).toMatchObject({ status: "returned", trackStep: "returned" });

    await fake.waitFor(() => fake.sentTexts(SELLER).some((t) => t.includes(`Đơn ${code} đã hoàn về tới bạn`)));
    await fake.waitFor(() => buyerTexts().some((t) => t.includes(`Đơn ${code} đã được hoàn về người bán`)));
    const toSeller = fake.sentTexts(SELLER).slice(sellerBefore).filter((t) => t.includes(code));
    const toBuyer = buyerTexts().slice(buyerBefore).filter((t) => t.includes(code));
    expect(toSeller).toEqual([
      `🚚 Viettel Post đã lấy hàng đơn ${code}.`,
      `⚠️ Bưu tá chưa giao được đơn ${code}. Viettel Post sẽ giao lại.`,
      `↩️ Đơn ${code} không giao được, đang được hoàn về cho bạn.`,
      `↩️ Đơn ${code} đã hoàn về tới bạn.`,
    ]);
    // The buyer is not told the parcel is on its way back, only that it failed and then went back.
    expect(toBuyer).toEqual([
      `🚚 Viettel Post đã lấy hàng đơn ${code}. Mã vận đơn: ${waybill}`,
      `⚠️ Bưu tá chưa giao được đơn ${code}. Viettel Post sẽ giao lại.`,
      `↩️ Đơn ${code} đã được hoàn về người bán.`,
    ]);

    const statusPage = await call(app.url, `/don/${order.statusToken}`);
    const journey = [...statusPage.text.matchAll(/<li class="done">(\d\d:\d\d[^<]*)<\/li>/g)].map((m) => m[1].replace(/^[^·]*· /, ""));
    expect(journey.slice(-4)).toEqual(["Bưu điện đã lấy hàng", "Chưa giao được, sẽ giao lại", "Đang hoàn về người bán", "Đã hoàn về người bán"]);
  });

  it("answers Viettel Post at once while the buyer's chat is slow to take a message: no retry, the notice follows", async () => {
    const code = await acceptedOrder();
    const waybill = await bookedEconomy(code);
    // Telegram holds the buyer's next message for 8 s; Viettel Post gives up on an answer after 3 s
    // (it asks for one within a second) and would send the event again.
    fake.failNext("sendMessage", { kind: "timeout", ms: 8000 }, { chatId: BUYER });
    expect(await hook(waybill, 105, "06/12/2026 09:00:00", { timeoutMs: 3000 })).toEqual([200]);
    expect(await app.db.carrierEvent.count({ where: { waybill } })).toBe(1);
    await fake.waitFor(() => buyerTexts().some((t) => t.includes(`Viettel Post đã lấy hàng đơn ${code}`)), { timeoutMs: 30_000 });
  });

  it("refuses a webhook without the secret; cancels a booked shipment before pickup", async () => {
    const wrong = await call(app.url, "/webhook/carrier/viettel_post", { body: { DATA: { ORDER_NUMBER: "X", ORDER_STATUS: 501 }, TOKEN: "nope" } });
    expect(wrong.status).toBe(401);
    expect((await call(app.url, "/webhook/carrier/nobody", { body: {} })).status).toBe(404);

    const code = await acceptedOrder();
    await callPickup(code);
    await seller.chat.tap("Chuyển phát nhanh: 37.000 đ, 24 giờ", /Đang đặt Chuyển phát nhanh/);
    await seller.chat.act(async () => undefined, /Mã vận đơn: PKE\d+/);
    const waybill = /Mã vận đơn: (PKE\d+)/.exec(seller.chat.last.text!)![1];
    const stock = (await app.db.listing.findUniqueOrThrow({ where: { id: seller.listingId } })).stockMilli;
    await seller.chat.tap("Huỷ đơn này", /Đang huỷ đơn/);
    await seller.chat.act(async () => undefined, new RegExp(`Đã huỷ đơn ${code}`));
    expect(vtp.orders.get(waybill)!.status).toBe(107);
    expect(vtp.calls.filter((c) => c.path === "/v2/order/UpdateOrder").at(-1)!.body).toMatchObject({ TYPE: 4, ORDER_NUMBER: waybill });
    const order = await app.db.order.findFirstOrThrow({ where: { code }, include: { pickup: true } });
    expect(order.status).toBe("cancelled");
    expect(order.pickup).toBeNull();
    expect((await app.db.listing.findUniqueOrThrow({ where: { id: seller.listingId } })).stockMilli).toBe(stock + 3000);
    await fake.waitFor(() => buyerTexts().some((t) => t.includes(`đã huỷ đơn ${code}`)));
    // Viettel Post's own "cancelled" event afterwards is acknowledged and changes nothing.
    expect(await hook(waybill, 107, "06/12/2026 11:00:00")).toEqual([200]);
  });

  it("a booking whose answer is lost: retried with the same code (a duplicate), its waybill comes with the webhook", async () => {
    const code = await acceptedOrder();
    await callPickup(code);
    vtp.createThenStall(1500);
    await seller.chat.tap("Tiết kiệm: 25.000 đ, 72 giờ", /Đang đặt Tiết kiệm/);
    const pickupOf = () => app.db.pickup.findFirstOrThrow({ where: { order: { code } } });
    const unanswered = async () => {
      while ((await pickupOf()).attempts < 1) await new Promise((r) => setTimeout(r, 50));
    };
    await within(unanswered(), 5000, "the first createOrder given up as unanswered");
    expect(await pickupOf()).toMatchObject({ booking: "booking", waybill: null });
    // The retry (due after its backoff) meets CHECK_UNIQUE: nothing new is created.
    await app.shipments.tick(new Date(Date.now() + 60_000));
    expect(await pickupOf()).toMatchObject({ booking: "placed", waybill: null });
    const atVtp = [...vtp.orders.values()].filter((o) => o.reference === code);
    expect(atVtp).toHaveLength(1);
    expect(vtp.calls.filter((c) => c.path === "/v2/order/createOrder" && c.body?.ORDER_NUMBER === code)).toHaveLength(2);
    expect(await hook(atVtp[0].waybill, 103, "06/12/2026 15:00:00")).toEqual([200]);
    expect(await pickupOf()).toMatchObject({ booking: "booked", waybill: atVtp[0].waybill });
    await seller.chat.act(async () => undefined, new RegExp(`Mã vận đơn: ${atVtp[0].waybill}`));
    expect(fake.sentTexts(SELLER).filter((t) => t.includes(`Mã vận đơn: ${atVtp[0].waybill}`))).toHaveLength(1);
  });

  it("a route Viettel Post does not price: the request goes to the post office by hand, and both sides are told", async () => {
    const code = await acceptedOrder("Cao Bằng");
    await callPickup(code, new RegExp(`Chưa hỏi được giá của Viettel Post cho đơn ${code}`));
    expect(await app.db.pickup.findFirstOrThrow({ where: { order: { code } } })).toMatchObject({ booking: "manual", waybill: null, status: "open" });
    await fake.waitFor(() => buyerTexts().some((t) => t === `🚚 Đơn ${code} sẽ được Viettel Post lấy hàng và giao tới bạn.`));
    expect([...vtp.orders.values()].some((o) => o.reference === code)).toBe(false);
  });

  it("Vietnam Post: quote, book, a signed batch of statuses; a bad signature is refused and retried by the sender", async () => {
    const code = await acceptedOrder();
    await callPickup(code, new RegExp(`Giá gửi đơn ${code} qua Vietnam Post`), "Vietnam Post (Bưu điện)");
    expect(seller.chat.buttons).toEqual(["Chuyển phát thường: 22.500 đ", "Chuyển phát nhanh: 37.000 đ"]);
    await seller.chat.tap("Chuyển phát thường: 22.500 đ", /Đang đặt Chuyển phát thường/);
    await seller.chat.act(async () => undefined, /Mã vận đơn: EB\d+VN/);
    const itemCode = /Mã vận đơn: (EB\d+VN)/.exec(seller.chat.last.text!)![1];
    expect(vnp.orders.get(itemCode)!.info).toMatchObject({ saleOrderCode: code, addonService: [{ code: "GTG021", propValue: "PROP0018:240000" }] });

    const url = `${app.url}/webhook/carrier/vnpost`;
    // A captured call, signed over "picked up", with "delivered" appended: the appended claim is asked of
    // VNPost, which still says "created" (1): only the signed step moves the parcel.
    const sendDate = "07/12/2026 09:00:00";
    expect(await vnp.tampered(url, { itemCode, status: 6 }, [{ itemCode, status: 14 }], sendDate)).toEqual([200]);
    expect(await app.db.order.findFirstOrThrow({ where: { code }, include: { pickup: true } })).toMatchObject({ status: "picked_up", pickup: { trackStep: "picked_up" } });
    // VNPost's API failing while the appended record is asked about: 503, nothing applied, and the
    // retry (VNPost's API back) goes through.
    vnp.failGetOrders(1);
    expect(await vnp.tampered(url, { itemCode, status: 10 }, [{ itemCode, status: 14 }], sendDate)).toEqual([503]);
    expect((await app.db.pickup.findFirstOrThrow({ where: { order: { code } } })).trackStep).toBe("picked_up");
    expect(await vnp.tampered(url, { itemCode, status: 10 }, [{ itemCode, status: 14 }], sendDate)).toEqual([200]);
    expect((await app.db.pickup.findFirstOrThrow({ where: { order: { code } } })).trackStep).toBe("in_transit");
    const before = await app.db.order.findFirstOrThrow({ where: { code }, include: { pickup: true } });
    expect(await vnp.push(url, [{ itemCode, status: 14 }], "07/12/2026 10:30:00", { badSignature: true })).toEqual([401, 401, 401, 401, 401]);
    expect(await app.db.order.findFirstOrThrow({ where: { code }, include: { pickup: true } })).toEqual(before);
    expect(await vnp.push(url, [{ itemCode, status: 6 }, { itemCode: "EB000000000VN", status: 14 }, { itemCode, status: 14 }], "07/12/2026 10:30:00")).toEqual([200]);
    const order = await app.db.order.findFirstOrThrow({ where: { code }, include: { pickup: true } });
    expect(order.status).toBe("delivered");
    expect(order.pickup).toMatchObject({ carrier: "vnpost", waybill: itemCode, trackStep: "delivered" });
  });
});
