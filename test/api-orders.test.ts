// POST /api/v1/orders end to end over real HTTP: the app runs with the fake Telegram server, a household
// registered and listed through the chat, and partner marketplaces push orders with API keys and
// Idempotency-Keys. The household hears about each order exactly once.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeTelegram } from "./fakes/telegram-server.ts";
import { call, CARRIER_KEYS, newOrderNotices, orderFor, PARTNER_KEYS, sellerWithListing, startApiApp, type ApiApp, type Seller } from "./support/api.ts";
import { startFakeBotApi } from "./support/bot.ts";
import { createTestDatabase, type TestDatabase } from "./support/db.ts";

let database: TestDatabase;
let fake: FakeTelegram;
let app: ApiApp;
let seller: Seller;
const SELLER = 8401;

beforeAll(async () => {
  database = await createTestDatabase();
  fake = await startFakeBotApi();
  app = await startApiApp(fake, database.url);
  // 2 tạ = 200 kg at 80.000 đ/kg
  seller = await sellerWithListing(app, fake, { userId: SELLER, phone: "0918 401 401", sentence: "ban 2 ta hoi kho 80k" });
});
afterAll(async () => {
  await app?.stop();
  await fake?.close();
  await database?.drop();
});

const order = (body: unknown, opts: { key?: string | null; idempotencyKey?: string } = {}) =>
  call(app.url, "/api/v1/orders", {
    key: opts.key === undefined ? PARTNER_KEYS.postmart : opts.key,
    idempotencyKey: opts.idempotencyKey ?? randomUUID(),
    body,
  });

const counts = async () => ({
  orders: await app.db.order.count(),
  records: await app.db.idempotencyRecord.count(),
  notices: newOrderNotices(fake, SELLER).length,
  stock: (await app.db.listing.findUniqueOrThrow({ where: { id: seller.listingId } })).stockMilli,
});

describe("placing an order", () => {
  it("creates the order, reserves the stock and notifies the household once; a replay returns the same answer and changes nothing", async () => {
    const before = await counts();
    const key = randomUUID();
    const first = await order(orderFor(seller.listingId, 2.5), { idempotencyKey: key });
    expect(first.status).toBe(201);
    expect(first.json.order).toMatchObject({ status: "pending", quantity: 2.5, unit: "kg", totalVnd: 200_000, unitPriceVnd: 80_000, title: "Hoa hồi khô" });
    expect(first.json.order.code).toMatch(/^DH[2-9A-Z]{6}$/);
    expect(first.json.order.statusUrl).toMatch(/^\/don\/[A-Za-z0-9_-]{32}$/);

    const saved = await app.db.order.findUniqueOrThrow({ where: { id: first.json.order.id } });
    expect(saved).toMatchObject({
      source: "api:postmart",
      buyerChannel: "api",
      buyerChatKey: null,
      buyerName: "Trần Thị Mai",
      buyerPhone: "+84987654321",
      buyerArea: "Hà Nội",
      quantityMilli: 2500,
    });
    const notices = newOrderNotices(fake, SELLER);
    expect(notices).toHaveLength(before.notices + 1);
    expect(notices.at(-1)).toContain(`🛒 Đơn mới ${first.json.order.code}: 2,5 kg Hoa hồi khô, tổng 200.000 đ.`);
    expect(notices.at(-1)).toContain("Người mua: Trần Thị Mai (Hà Nội)");
    expect(notices.at(-1)).not.toContain("0987"); // the phone is shown only after acceptance
    expect(fake.sent(SELLER).at(-1)?.reply_markup).toMatchObject({ inline_keyboard: [[{ text: "✅ Nhận đơn" }], [{ text: "Từ chối" }], [{ text: "📞 Gọi người mua" }], [{ text: "🚫 Chặn người mua này" }]] });

    // The same request again (keys in another order, other spacing): the first answer, nothing else.
    const body = orderFor(seller.listingId, 2.5);
    const reordered = { buyer: { area: body.buyer.area, address: body.buyer.address, phone: body.buyer.phone, name: body.buyer.name }, quantity: 2.5, listingId: seller.listingId };
    const again = await call(app.url, "/api/v1/orders", {
      key: PARTNER_KEYS.postmart,
      idempotencyKey: key,
      raw: JSON.stringify(reordered, null, 2),
    });
    expect(again.status).toBe(201);
    expect(again.text).toBe(first.text);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    const third = await order(orderFor(seller.listingId, 2.5), { idempotencyKey: key });
    expect(third.json).toEqual(first.json);

    expect(await counts()).toEqual({ orders: before.orders + 1, records: before.records + 1, notices: before.notices + 1, stock: before.stock - 2500 });
  });

  it("refuses the same Idempotency-Key with a different body (409) and creates nothing", async () => {
    const key = randomUUID();
    expect((await order(orderFor(seller.listingId, 1), { idempotencyKey: key })).status).toBe(201);
    const before = await counts();
    const other = await order(orderFor(seller.listingId, 2), { idempotencyKey: key });
    expect(other.status).toBe(409);
    expect(other.json).toMatchObject({ error: "idempotency_key_reused" });
    const otherBuyer = await order(orderFor(seller.listingId, 1, { name: "Lê Văn Nam" }), { idempotencyKey: key });
    expect(otherBuyer.status).toBe(409);
    expect(await counts()).toEqual(before);
  });

  it("keeps each partner's keys apart: the same Idempotency-Key from another partner is another order", async () => {
    const key = `order-${randomUUID()}`;
    const a = await order(orderFor(seller.listingId, 1), { idempotencyKey: key });
    const b = await order(orderFor(seller.listingId, 1), { idempotencyKey: key, key: PARTNER_KEYS.voso });
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.json.order.id).not.toBe(b.json.order.id);
    expect((await app.db.order.findUniqueOrThrow({ where: { id: b.json.order.id } })).source).toBe("api:voso");
  });

  it("creates one order for simultaneous requests with the same key; every caller gets its answer", async () => {
    const before = await counts();
    const key = randomUUID();
    const results = await Promise.all(Array.from({ length: 8 }, () => order(orderFor(seller.listingId, 1), { idempotencyKey: key })));
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(201));
    expect(new Set(results.map((r) => r.text)).size).toBe(1);
    expect(await counts()).toEqual({ orders: before.orders + 1, records: before.records + 1, notices: before.notices + 1, stock: before.stock - 1000 });
  });

  it("answers 404 for an unknown listing, 409 with what is left when the stock is short, 422 when paused; replays those too", async () => {
    const before = await counts();
    const missing = await order(orderFor("nosuchlisting", 1));
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ error: "listing_not_found" });

    const key = randomUUID();
    const tooMuch = await order(orderFor(seller.listingId, 5000), { idempotencyKey: key });
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.json).toMatchObject({ error: "not_enough_stock", availableQuantity: before.stock / 1000, unit: "kg" });
    expect((await order(orderFor(seller.listingId, 5000), { idempotencyKey: key })).text).toBe(tooMuch.text);

    await app.db.listing.update({ where: { id: seller.listingId }, data: { status: "paused" } });
    try {
      const paused = await order(orderFor(seller.listingId, 1));
      expect(paused.status).toBe(422);
      expect(paused.json).toMatchObject({ error: "listing_not_available" });
    } finally {
      await app.db.listing.update({ where: { id: seller.listingId }, data: { status: "active" } });
    }
    const after = await counts();
    expect({ ...after, records: before.records }).toEqual(before);
  });
});

describe("following an order", () => {
  it("gives the partner its own order's status and payment state as they move; another partner's or an unknown code is 404", async () => {
    const placed = await order(orderFor(seller.listingId, 1));
    const code: string = placed.json.order.code;
    const get = (c: string, key: string | null = PARTNER_KEYS.postmart) => call(app.url, `/api/v1/orders/${c}`, { key });
    const first = await get(code.toLowerCase());
    expect(first.status).toBe(200);
    expect(first.json.order).toEqual(placed.json.order);
    expect(first.json.order.payment).toEqual({ state: "unpaid", buyerPaidAt: null, paidAt: null, paidBy: null });

    // The household accepts, then says it has the money: the partner reads both.
    const notice = fake.sent(SELLER).findLast((m) => (m.text ?? "").startsWith(`🛒 Đơn mới ${code}`))!;
    // The acceptance itself (the new-order notice names the code too, and "da nhan tien" typed before
    // the acceptance is in would find the order still waiting).
    await seller.chat.act(() => fake.tapButtonIn(notice.messageId, seller.chat.user, "✅ Nhận đơn"), new RegExp(`Đã nhận đơn ${code}`));
    // A household with no bank account or e-wallet on record (registered with "Chưa có"): the money
    // came in cash, not by transfer.
    const before = await app.db.household.findUniqueOrThrow({ where: { id: seller.householdId }, select: { payment: true, payAccount: true } });
    await app.db.household.update({ where: { id: seller.householdId }, data: { payment: "none", payAccount: null } });
    await seller.chat.send(`da nhan tien ${code.toLowerCase()}`, /đã trả tiền/);
    await app.db.household.update({ where: { id: seller.householdId }, data: before });
    const paid = await get(code);
    expect(paid.status).toBe(200);
    expect(paid.json.order).toMatchObject({ code, status: "accepted", payment: { state: "paid", paidAt: expect.any(String), paidBy: "cash" } });

    expect((await get(code, PARTNER_KEYS.voso)).json).toMatchObject({ error: "order_not_found" });
    expect((await get(code, PARTNER_KEYS.voso)).status).toBe(404);
    expect((await get("DH222222")).status).toBe(404);
    expect((await get("not-a-code")).status).toBe(404);
    expect((await get(code, null)).status).toBe(401);
    expect((await get(code, CARRIER_KEYS.vnpost)).status).toBe(401);
  });
});

describe("who may order", () => {
  it("answers 401 without a valid partner key and creates nothing", async () => {
    const before = await counts();
    for (const key of [null, "wrong-key-but-long-enough-000000", PARTNER_KEYS.postmart.slice(0, -1), `${PARTNER_KEYS.postmart}x`, CARRIER_KEYS.vnpost]) {
      const res = await order(orderFor(seller.listingId, 1), { key });
      expect(res.status, String(key)).toBe(401);
      expect(res.json).toMatchObject({ error: "unauthorized" });
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
    }
    const basic = await call(app.url, "/api/v1/orders", {
      headers: { authorization: `Basic ${Buffer.from(`postmart:${PARTNER_KEYS.postmart}`).toString("base64")}` },
      idempotencyKey: "k1",
      body: orderFor(seller.listingId, 1),
    });
    expect(basic.status).toBe(401);
    // 401 comes before the body is read: even a malformed one.
    expect((await call(app.url, "/api/v1/orders", { raw: "{oops", idempotencyKey: "k2" })).status).toBe(401);
    expect(await counts()).toEqual(before);
  });
});

describe("bad requests", () => {
  const name10k = "Nguyễn ".repeat(1500);
  const cases: Array<[string, string, unknown]> = [
    ["negative quantity", "quantity", { ...orderFor("L1"), quantity: -1 }],
    ["zero quantity", "quantity", { ...orderFor("L1"), quantity: 0 }],
    ["huge quantity", "quantity", { ...orderFor("L1"), quantity: 1e12 }],
    ["quantity finer than grams", "quantity", { ...orderFor("L1"), quantity: 0.0001 }],
    ["quantity as text", "quantity", { ...orderFor("L1"), quantity: "2" }],
    ["missing listing", "listingId", { quantity: 1, buyer: orderFor("L1").buyer }],
    ["listing id as number", "listingId", { ...orderFor("L1"), listingId: 42 }],
    ["listing id with odd characters", "listingId", { ...orderFor("L1"), listingId: "../../etc" }],
    ["missing buyer", "buyer", { listingId: "L1", quantity: 1 }],
    ["buyer as text", "buyer", { listingId: "L1", quantity: 1, buyer: "Mai" }],
    ["missing buyer.phone", "buyer.phone", { listingId: "L1", quantity: 1, buyer: { name: "Trần Mai", address: "12 Phố Huế", area: "Hà Nội" } }],
    ["landline", "buyer.phone", orderFor("L1", 1, { phone: "0205 3871 234" })],
    ["foreign phone", "buyer.phone", orderFor("L1", 1, { phone: "+1 202 555 0143" })],
    ["phone as number", "buyer.phone", orderFor("L1", 1, { phone: 987654321 })],
    ["10 kB name", "buyer.name", orderFor("L1", 1, { name: name10k })],
    ["script in name", "buyer.name", orderFor("L1", 1, { name: "<script>alert(1)</script>" })],
    ["digits for a name", "buyer.name", orderFor("L1", 1, { name: "12345" })],
    ["script in address", "buyer.address", orderFor("L1", 1, { address: "<script>alert(1)</script> 12 Phố Huế" })],
    ["img tag in area", "buyer.area", orderFor("L1", 1, { area: "<img src=x onerror=alert(1)>" })],
    ["short address", "buyer.address", orderFor("L1", 1, { address: "HN" })],
    ["10 kB address", "buyer.address", orderFor("L1", 1, { address: "a".repeat(10_000) })],
    ["control characters", "buyer.address", orderFor("L1", 1, { address: "12 Phố Huế\u0000\u0007" })],
    ["note with markup", "note", { ...orderFor("L1"), note: "<b>giao sớm</b>" }],
    ["note as object", "note", { ...orderFor("L1"), note: { text: "x" } }],
    ["an array", "(body)", [orderFor("L1")]],
    ["null", "(body)", null],
  ];

  it.each(cases)("%s → 400 naming %s, nothing created", async (_what, field, body) => {
    const before = await counts();
    const withListing = JSON.parse(JSON.stringify(body).replaceAll('"L1"', JSON.stringify(seller.listingId)));
    const res = await order(withListing);
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error: "invalid_body", field });
    expect(res.json.issues[0].field).toBe(field);
    expect(res.json.message).toMatch(new RegExp(`^${field.replace(/[.()]/g, "\\$&")}: `));
    expect(await counts()).toEqual(before);
  });

  it("names every bad field, the first one first", async () => {
    const res = await order({ listingId: seller.listingId, quantity: -2, buyer: { name: "", phone: "abc", address: "x", area: "" } });
    expect(res.status).toBe(400);
    expect(res.json.field).toBe("quantity");
    expect(res.json.issues.map((i: { field: string }) => i.field)).toEqual(["quantity", "buyer.name", "buyer.phone", "buyer.address", "buyer.area"]);
  });

  it("answers malformed JSON, other content types, oversized bodies and missing keys with JSON errors", async () => {
    const before = await counts();
    const post = (opts: Parameters<typeof call>[2]) => call(app.url, "/api/v1/orders", { key: PARTNER_KEYS.postmart, idempotencyKey: randomUUID(), ...opts });

    const malformed = await post({ raw: '{"listingId": "x", "quantity": 1,' });
    expect([malformed.status, malformed.json?.error]).toEqual([400, "invalid_json"]);
    expect(malformed.headers.get("content-type")).toMatch(/^application\/json/);
    expect((await post({ raw: "" })).json?.error).toBe("invalid_json");
    expect((await post({ raw: '{"__proto__": {"x": 1}}' })).status).toBe(400);

    const form = await post({ raw: "listingId=x", contentType: "application/x-www-form-urlencoded" });
    expect([form.status, form.json?.error]).toEqual([415, "unsupported_media_type"]);
    const text = await post({ raw: "listingId=x", contentType: "text/plain" });
    expect([text.status, text.json?.error, text.json?.field]).toEqual([400, "invalid_body", "(body)"]);

    const big = await post({ body: { ...orderFor(seller.listingId), note: "a".repeat(70 * 1024) } });
    expect([big.status, big.json?.error]).toEqual([413, "body_too_large"]);

    const noKey = await call(app.url, "/api/v1/orders", { key: PARTNER_KEYS.postmart, body: orderFor(seller.listingId) });
    expect([noKey.status, noKey.json?.error]).toEqual([400, "idempotency_key_required"]);
    const longKey = await post({ idempotencyKey: "k".repeat(201), body: orderFor(seller.listingId) });
    expect([longKey.status, longKey.json?.error]).toEqual([400, "invalid_idempotency_key"]);
    const fractionalKg = await post({ body: orderFor(seller.listingId, 1.5) }); // kg may be fractional
    expect(fractionalKg.status).toBe(201);

    const unknown = await call(app.url, "/api/v1/nothing-here", { key: PARTNER_KEYS.postmart });
    expect([unknown.status, unknown.json?.error]).toEqual([404, "not_found"]);

    const after = await counts();
    expect(after.orders).toBe(before.orders + 1);
    expect(after.notices).toBe(before.notices + 1);
  });

  it("sells counted units whole", async () => {
    const other = await sellerWithListing(app, fake, { userId: 8402, phone: "0918 402 402", name: "Vi Thị Lan", sentence: "ban 50 qua na 10k" });
    const listing = await app.db.listing.findUniqueOrThrow({ where: { id: other.listingId } });
    expect(listing.unit).not.toBe("kg");
    const half = await order(orderFor(other.listingId, 2.5));
    expect([half.status, half.json.field]).toEqual([400, "quantity"]);
    const whole = await order(orderFor(other.listingId, 3));
    expect(whole.status).toBe(201);
    expect(newOrderNotices(fake, 8402)).toHaveLength(1);
  });
});
