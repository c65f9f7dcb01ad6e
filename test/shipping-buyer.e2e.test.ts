// Issue 21 end to end from the buyer's side, on the Telegram and Zalo fakes with a loopback Viettel Post:
// the buyer sees Viettel Post's fee and the total before confirming (chat and web form), the order keeps
// it, the household accepts, is offered cash on delivery of goods + fee, books, gets the waybill and a
// printable label link; Viettel Post's webhook takes it to delivered, and the cash collected marks the
// order paid (COD). A carrier that cannot quote (a route it does not serve, or too slow) never stops an
// order: the buyer reads that the household will tell the fee, and the pickup falls back to the post
// office by hand with Chợ Số's own label.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeTelegram } from "./fakes/telegram-server.ts";
import type { FakeZalo } from "./fakes/zalo-server.ts";
import { startFakeViettelPost, type FakeViettelPost } from "./fakes/viettel-post-server.ts";
import { call, startApiApp, type ApiApp, type Seller } from "./support/api.ts";
import { seedHouseholds } from "./support/broadcast.ts";
import { Chat, startFakeBotApi } from "./support/bot.ts";
import { createTestDatabase, type TestDatabase } from "./support/db.ts";
import { choose, newZaloUser, splitNumbered, startFakeZaloBot, ZaloChat } from "./support/zalo.ts";
import { launchBrowser, noteIfSkipped, skipBrowserTests } from "./support/browser.ts";

noteIfSkipped("shipping fee browser test");

const SECRET = "vtp-hook-secret-buyer-42";
const SELLER = 8801;
const ZALO_SELLER = newZaloUser("Nông Thị Hoa");
let database: TestDatabase;
let tg: FakeTelegram;
let zalo: FakeZalo;
let vtp: FakeViettelPost;
let app: ApiApp;
let seller: Seller;
let slug: string;

beforeAll(async () => {
  database = await createTestDatabase();
  [tg, zalo, vtp] = await Promise.all([startFakeBotApi(), startFakeZaloBot(), startFakeViettelPost()]);
  app = await startApiApp(tg, database.url, {
    env: {
      ZALO_BOT_TOKEN: zalo.token,
      ZALO_API_ROOT: zalo.apiRoot,
      VIETTEL_POST_USERNAME: vtp.username,
      VIETTEL_POST_PASSWORD: vtp.password,
      VIETTEL_POST_WEBHOOK_SECRET: SECRET,
      VIETTEL_POST_API_ROOT: vtp.root,
      CARRIER_TIMEOUT_SECONDS: "0.5",
    },
  });
  await app.engine.catalog.get();
  const [householdId] = await seedHouseholds(app.db, [{ commune: "06463", telegram: SELLER, product: "hoi-kho" }]);
  await app.db.household.update({ where: { id: householdId }, data: { openedAt: new Date(), name: "Lăng Văn Tài" } });
  const listing = await app.db.listing.findFirstOrThrow({ where: { shop: { householdId } }, include: { shop: true } });
  await app.db.listing.update({ where: { id: listing.id }, data: { title: "Hoa hồi khô", priceVnd: 80_000 } });
  slug = listing.shop.slug;
  await app.db.shop.update({ where: { id: listing.shopId }, data: { name: "Hồi khô Tài" } });
  // A second household, on Zalo, selling the same: the Zalo buyer orders from it.
  const [zaloHouseholdId] = await seedHouseholds(app.db, [{ commune: "06463", zalo: ZALO_SELLER.id, product: "hoi-kho" }]);
  await app.db.household.update({ where: { id: zaloHouseholdId }, data: { openedAt: new Date(), name: "Nông Thị Hoa" } });
  await app.db.shop.update({ where: { householdId: zaloHouseholdId }, data: { name: "Hồi khô Hoa" } });
  await app.db.listing.updateMany({ where: { shop: { householdId: zaloHouseholdId } }, data: { title: "Hoa hồi khô", priceVnd: 80_000 } });
  seller = { chat: new Chat(tg, { id: SELLER, first_name: "Tài", language_code: "vi" }), householdId, shopId: listing.shopId, listingId: listing.id };
});
afterAll(async () => {
  await app?.stop();
  await Promise.all([tg?.close(), zalo?.close(), vtp?.close()]);
  await database?.drop();
});

const FEE_LINE = "🚚 Phí gửi: 25.000 đ (Viettel Post, 72 giờ)\n💵 Tổng cả phí gửi: 265.000 đ";

/** The household accepts the order just placed and books Viettel Post "Tiết kiệm"; returns the waybill and the label link. */
async function acceptAndBook(code: string): Promise<{ waybill: string; label: string }> {
  const chat = seller.chat;
  await chat.act(async () => undefined, new RegExp(`Đơn mới ${code}`));
  await chat.tap("✅ Nhận đơn", new RegExp(`Đã nhận đơn ${code}`));
  await chat.tap("🚚 Gọi bưu điện lấy hàng", /qua hãng nào/);
  await chat.tap("Viettel Post", /nặng khoảng 3 kg/);
  // The buyer agreed to goods + fee: that is what the post office collects.
  await chat.tap("✅ Đúng 3 kg", /Bưu điện thu hộ 265\.000 đ khi giao \(COD\)\? Gồm tiền hàng 240\.000 đ và phí gửi 25\.000 đ/);
  await chat.tap("✅ Thu hộ 265.000 đ", /Gửi yêu cầu lấy hàng/);
  await chat.tap("✅ Gửi yêu cầu", /Đang hỏi giá cước Viettel Post/);
  await chat.act(async () => undefined, new RegExp(`Giá gửi đơn ${code} qua Viettel Post`));
  await chat.tap("Tiết kiệm: 25.000 đ, 72 giờ", /Đang đặt Tiết kiệm/);
  await chat.act(async () => undefined, /Mã vận đơn: PKE\d+/);
  const text = chat.last.text!;
  const waybill = /Mã vận đơn: (PKE\d+)/.exec(text)![1];
  const label = /In phiếu gửi hàng: (\S+)/.exec(text)![1];
  return { waybill, label };
}


const hook = (waybill: string, status: number, at: string) => vtp.push(`${app.url}/webhook/carrier/viettel_post`, SECRET, waybill, status, at);

/** Viettel Post's journey to delivered; then the order is delivered and paid by the cash collected. */
async function deliver(code: string, waybill: string) {
  for (const [status, at] of [[105, "07/12/2026 09:00:00"], [200, "07/12/2026 10:00:00"], [500, "08/12/2026 08:00:00"], [501, "08/12/2026 10:30:00"]] as const) {
    expect(await hook(waybill, status, at)).toEqual([200]);
  }
  const order = await app.db.order.findFirstOrThrow({ where: { code }, include: { pickup: true } });
  expect(order).toMatchObject({ status: "delivered", payState: "paid", paidBy: "cod" });
  expect(order.pickup).toMatchObject({ waybill, status: "delivered", codVnd: 265_000 });
  return order;
}

/**
 * A Telegram buyer orders 3 kg to Cao Bằng, a route Viettel Post does not price: the fee is left to the
 * household, which accepts and asks for a pickup; the carrier cannot quote, so the household gets
 * Chợ Số's own label. Returns the order's code and the label link.
 */
async function orderWithOwnLabel(buyerIs: { chatId: number; name: string; phone: string; street: string }): Promise<{ code: string; label: string }> {
  const buyer = new Chat(tg, { id: buyerIs.chatId, first_name: buyerIs.name.split(" ").at(-1), language_code: "vi" });
  await buyer.send("mua 3 kg hoi kho", /Bạn chọn một nơi/);
  await buyer.tap(buyer.buttons.find((b) => b.startsWith("Hồi khô Tài"))!, /Tên người nhận hàng/);
  await buyer.send(buyerIs.name, /Số điện thoại người nhận/);
  await buyer.send(buyerIs.phone, /tỉnh hoặc thành phố/);
  await buyer.send("Cao Bằng", /Địa chỉ cụ thể/);
  await buyer.send(buyerIs.street, /Đơn của bạn/);
  for (let i = 0; i < 50 && buyer.last.text!.includes("đang hỏi bưu điện"); i++) await buyer.tap("🔄 Xem phí gửi", /Đơn của bạn/);
  expect(buyer.last.text).toContain("🚚 Phí gửi: người bán sẽ báo lại khi gửi hàng.");
  await buyer.tap("✅ Đặt hàng", /Đã gửi đơn/);
  const code = /Đã gửi đơn (DH\w+)/.exec(buyer.last.text!)![1];

  const chat = seller.chat;
  await chat.act(async () => undefined, new RegExp(`Đơn mới ${code}`));
  await chat.tap("✅ Nhận đơn", new RegExp(`Đã nhận đơn ${code}`));
  await chat.tap("🚚 Gọi bưu điện lấy hàng", /qua hãng nào/);
  await chat.tap("Viettel Post", /nặng khoảng 3 kg/);
  await chat.tap("✅ Đúng 3 kg", /thu hộ tiền hàng 240\.000 đ/);
  await chat.tap("✅ Thu hộ 240.000 đ", /Gửi yêu cầu lấy hàng/);
  await chat.tap("✅ Gửi yêu cầu", /Đang hỏi giá cước/);
  await chat.act(async () => undefined, new RegExp(`Chưa hỏi được giá của Viettel Post cho đơn ${code}`));
  const label = /In phiếu gửi hàng: (\S+)/.exec(chat.last.text!)![1];
  return { code, label };
}

describe("the buyer sees the shipping fee before confirming", () => {
  it("Telegram: fee and total in the summary, kept with the order; accept, book (COD goods + fee), label, webhooks, delivered, paid", async () => {
    const buyer = new Chat(tg, { id: 8811, first_name: "Hương", language_code: "vi" });
    await buyer.send("mua 3 kg hoi kho", /Bạn chọn một nơi/);
    await buyer.tap(buyer.buttons.find((b) => b.startsWith("Hồi khô Tài"))!, /Tên người nhận hàng/);
    await buyer.send("Đặng Thị Hương", /Số điện thoại người nhận/);
    await buyer.send("0987 111 222", /tỉnh hoặc thành phố/);
    // The fee is asked now, while the buyer types the address.
    await buyer.send("Hà Nội", /Địa chỉ cụ thể/);
    await buyer.send("12 Hàng Bạc", /Đơn của bạn/);
    // Viettel Post still answering: the buyer may look again (a button), and is never held up.
    for (let i = 0; i < 50 && buyer.last.text!.includes("đang hỏi bưu điện"); i++) await buyer.tap("🔄 Xem phí gửi", /Đơn của bạn/);
    expect(buyer.last.text).toContain("💰 Tổng: 240.000 đ");
    expect(buyer.last.text).toContain(FEE_LINE);
    expect(buyer.buttons).toEqual(["✅ Đặt hàng", "✏️ Sửa số lượng"]);
    await buyer.tap("✅ Đặt hàng", /Đã gửi đơn/);
    const code = /Đã gửi đơn (DH\w+)/.exec(buyer.last.text!)![1];
    const stored = await app.db.order.findFirstOrThrow({ where: { code } });
    expect(JSON.parse(stored.shippingQuote!)).toEqual({ carrier: "viettel_post", service: "VTK", name: "Tiết kiệm", feeVnd: 25_000, eta: "72 giờ" });

    const { waybill, label } = await acceptAndBook(code);
    expect(vtp.orders.get(waybill)!.body).toMatchObject({ ORDER_NUMBER: code, ORDER_PAYMENT: 3, MONEY_COLLECTION: 265_000 });
    // The label link goes to Viettel Post's own label, a fresh print code for this waybill; only the household has it.
    const printed = await fetch(label, { redirect: "manual" });
    expect(printed.status).toBe(302);
    const to = new URL(printed.headers.get("location")!);
    expect(`${to.origin}${to.pathname}`).toBe("https://digitalize.viettelpost.vn/DigitalizePrint/report.do");
    expect(to.searchParams.get("bill")).toMatch(new RegExp(`^PRINT-${waybill}-\\d+$`));
    expect(vtp.calls.filter((c) => c.path === "/v2/order/printing-code").at(-1)!.body.ORDER_ARRAY).toEqual([waybill]);
    await tg.waitFor(() => tg.sentTexts(8811).some((t) => t.includes(`Mã vận đơn: ${waybill}`)));
    expect(tg.sentTexts(8811).some((t) => t.includes("/nhan/"))).toBe(false);

    const order = await deliver(code, waybill);
    const page = await call(app.url, `/don/${order.statusToken}`);
    expect(page.text).toContain("Phí gửi: 25.000 đ (Viettel Post, 72 giờ)");
    expect(page.text).toContain("Đã giao");
    await tg.waitFor(() => tg.sentTexts(8811).some((t) => t.includes(`Đơn ${code} đã giao`)));
  });

  it("Zalo, buyer and household: the fee in the numbered summary; accept, book by typed numbers, label, delivered, paid (COD)", async () => {
    const user = newZaloUser("Lò Thị Én");
    const buyer = new ZaloChat(zalo, user);
    await buyer.send("mua 3 kg hoi kho", /Bạn chọn một nơi/);
    await buyer.pick(splitNumbered(buyer.last).buttons.find((b) => b.startsWith("Hồi khô Hoa"))!, /Tên người nhận hàng/);
    await buyer.send("Lò Thị Én", /Số điện thoại người nhận/);
    await buyer.send("0912 333 444", /tỉnh hoặc thành phố/);
    await buyer.send("Hà Nội", /Địa chỉ cụ thể/);
    await buyer.send("5 Kim Mã", /Đơn của bạn/);
    for (let i = 0; i < 50 && buyer.last.includes("đang hỏi bưu điện"); i++) await buyer.pick("🔄 Xem phí gửi", /Đơn của bạn/);
    expect(buyer.last).toContain(FEE_LINE);
    await buyer.pick("✅ Đặt hàng", /Đã gửi đơn/);
    const code = /Đã gửi đơn (DH\w+)/.exec(buyer.last)![1];

    // The household on Zalo answers by typing the numbers it is shown.
    const household = new ZaloChat(zalo, ZALO_SELLER);
    await household.act(async () => undefined, new RegExp(`Đơn mới ${code}`));
    await choose(household, "✅ Nhận đơn", new RegExp(`Đã nhận đơn ${code}`));
    await choose(household, "🚚 Gọi bưu điện lấy hàng", /qua hãng nào/);
    await choose(household, "Viettel Post", /nặng khoảng 3 kg/);
    await choose(household, "✅ Đúng 3 kg", /Bưu điện thu hộ 265\.000 đ khi giao/);
    await choose(household, "✅ Thu hộ 265.000 đ", /Gửi yêu cầu lấy hàng/);
    await choose(household, "✅ Gửi yêu cầu", /Đang hỏi giá cước Viettel Post/);
    await household.act(async () => undefined, new RegExp(`Giá gửi đơn ${code} qua Viettel Post`));
    await choose(household, "Tiết kiệm: 25.000 đ, 72 giờ", /Đang đặt Tiết kiệm/);
    await household.act(async () => undefined, /Mã vận đơn: PKE\d+/);
    const waybill = /Mã vận đơn: (PKE\d+)/.exec(household.last)![1];
    expect(household.last).toMatch(/🏷️ In phiếu gửi hàng: http:\/\/127\.0\.0\.1:\d+\/nhan\/[A-Za-z0-9_-]{32}/);
    expect(household.last).not.toMatch(/bấm|nút/);
    expect(vtp.orders.get(waybill)!.body).toMatchObject({ ORDER_NUMBER: code, ORDER_PAYMENT: 3, MONEY_COLLECTION: 265_000 });

    await zalo.waitFor(() => zalo.sentTexts(user.id).some((t) => t.includes(`Mã vận đơn: ${waybill}`)));
    await deliver(code, waybill);
    await zalo.waitFor(() => zalo.sentTexts(user.id).some((t) => t.includes(`Đơn ${code} đã giao`)));
    await zalo.waitFor(() => household.all.some((t) => t.includes(`Đơn ${code} đã giao tới người mua`)));
  });

  it("web: the form shows a summary with fee and total, 'Sửa lại' keeps the values, 'Đặt hàng' places it with the fee", async () => {
    const form = { listing: seller.listingId, quantity: "3", name: "Trần Thị Mai", phone: "0987 654 321", province: "01", district: "", address: "Số 12 ngõ 34 Phố Huế" };
    const post = (extra: Record<string, string> = {}) =>
      fetch(`${app.url}/s/${slug}`, { method: "POST", redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ ...form, ...extra }) });
    const before = await app.db.order.count();
    const summary = await post();
    const html = await summary.text();
    expect(summary.status).toBe(200);
    expect(html).toContain("Xem lại đơn hàng");
    expect(html).toContain("Tiền hàng: 240.000 đ");
    expect(html).toContain("Phí gửi: 25.000 đ (Viettel Post, 72 giờ)");
    expect(html).toContain("Tổng cả phí gửi: 265.000 đ");
    expect(await app.db.order.count()).toBe(before); // nothing placed yet

    const edit = await (await post({ edit: "1" })).text();
    expect(edit).toContain('value="Trần Thị Mai"');
    expect(await app.db.order.count()).toBe(before);

    const placed = await post({ confirm: "1" });
    expect(placed.status).toBe(303);
    const status = await call(app.url, placed.headers.get("location")!);
    expect(status.text).toContain("Phí gửi: 25.000 đ (Viettel Post, 72 giờ)");
    const order = await app.db.order.findFirstOrThrow({ where: { buyerName: "Trần Thị Mai" }, orderBy: { createdAt: "desc" } });
    expect(JSON.parse(order.shippingQuote!)).toMatchObject({ feeVnd: 25_000, carrier: "viettel_post" });
  });

  it("a carrier that cannot quote never stops an order: too slow (web) or a route it does not serve (chat); the household prints Chợ Số's own label", async () => {
    // Too slow: the form says the household will tell the fee, and the order goes through.
    vtp.stallPrices(1500);
    const form = { listing: seller.listingId, quantity: "2", name: "Lục Văn Minh", phone: "0912 765 432", province: "04", district: "", address: "Thôn Nà Pò, xã Hà Quảng" };
    const body = new URLSearchParams(form);
    const summary = await (await fetch(`${app.url}/s/${slug}`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body })).text();
    vtp.stallPrices(0);
    expect(summary).toContain("Phí gửi: người bán sẽ báo lại khi gửi hàng.");
    expect(summary).toContain("Tổng tiền hàng: 160.000 đ");
    body.set("confirm", "1");
    expect((await fetch(`${app.url}/s/${slug}`, { method: "POST", redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded" }, body })).status).toBe(303);
    expect((await app.db.order.findFirstOrThrow({ where: { buyerName: "Lục Văn Minh" } })).shippingQuote).toBeNull();

    // Cao Bằng in chat: Viettel Post does not price the route.
    const { code, label } = await orderWithOwnLabel({ chatId: 8812, name: "Hoàng Văn Minh", phone: "0912 888 999", street: "Thôn Bản Giốc" });
    const page = await fetch(label, { redirect: "manual" });
    const text = await page.text();
    expect(page.status).toBe(200);
    expect(page.headers.get("cache-control")).toBe("no-store");
    for (const part of [`Phiếu gửi hàng ${code}`, `Chưa có mã vận đơn: ghi mã đơn ${code} khi gửi.`, "Hoàng Văn Minh", "0912 888 999", "Thôn Bản Giốc, Cao Bằng", "Lăng Văn Tài", "Xã Chi Lăng, Lạng Sơn", "Khối lượng: 3 kg", "Thu hộ (COD): 240.000 đ"]) {
      expect(text).toContain(part);
    }
    // An unknown token shows nothing.
    expect((await fetch(`${app.url}/nhan/${"x".repeat(32)}`)).status).toBe(404);
  });
});

describe.skipIf(skipBrowserTests)("in a browser", () => {
  it("the order form's summary, its two buttons, and the order page with the fee; the label prints without the site's frame", async () => {
    const ownLabel = await orderWithOwnLabel({ chatId: 8813, name: "Nông Văn Khải", phone: "0912 777 666", street: "Thôn Nặm Nhũng" });
    const manual = await app.db.pickup.findFirstOrThrow({ where: { order: { code: ownLabel.code } } });
    expect(manual).toMatchObject({ booking: "manual", labelToken: expect.any(String) });
    expect(ownLabel.label).toMatch(new RegExp(`/nhan/${manual.labelToken}$`));
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      await page.goto(`${app.url}/s/${slug}`);
      const card = page.locator("article").first();
      await card.locator("summary").click();
      const form = card.locator("form");
      await form.locator('[name="quantity"]').fill("3");
      await form.locator('[name="name"]').fill("Vi Thị Thu");
      await form.locator('[name="phone"]').fill("0987 222 333");
      await form.locator('[name="province"]').selectOption({ label: "Thành phố Hà Nội" });
      await form.locator('[name="address"]').fill("8 Lý Thái Tổ");
      await form.locator('button[type="submit"]').click();
      await page.locator("h1", { hasText: "Xem lại đơn hàng" }).waitFor();
      const summary = (await page.locator("main").textContent()) ?? "";
      expect(summary).toContain("Phí gửi: 25.000 đ (Viettel Post, 72 giờ)");
      expect(summary).toContain("Tổng cả phí gửi: 265.000 đ");
      // "Sửa lại" goes back to the form, filled in; sending it again shows the summary again.
      await page.getByRole("button", { name: "Sửa lại" }).click();
      await page.locator('input[name="name"][value="Vi Thị Thu"]').waitFor();
      await page.locator("article form").first().locator('button[type="submit"]').click();
      await page.getByRole("button", { name: "✅ Đặt hàng" }).click();
      await page.waitForURL(/\/don\/[A-Za-z0-9_-]{32}$/);
      const status = (await page.locator("main").textContent()) ?? "";
      expect(status).toContain("Phí gửi: 25.000 đ (Viettel Post, 72 giờ)");
      expect(await app.db.order.count({ where: { buyerName: "Vi Thị Thu" } })).toBe(1);

      // Chợ Số's own label, for an order of this test's own: on paper, only the label (no site header or footer).
      await page.goto(ownLabel.label);
      await page.emulateMedia({ media: "print" });
      expect(await page.locator("header").isVisible()).toBe(false);
      expect(await page.locator(".label").isVisible()).toBe(true);
      expect(browser.problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
