// Orders in chat, end to end over the fake Telegram server: a buyer orders, the household hears at
// once and accepts with one tap (only then sees the buyer's phone and address), calls the post office;
// declines with a reason; unanswered orders are reminded and expire, releasing the stock.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { FakeTelegram } from "./fakes/telegram-server.ts";
import { Chat, register, startBot, startFakeBotApi } from "./support/bot.ts";
import { useTestDatabase } from "./support/db.ts";
import { newZaloUser, registerOnZalo, startFakeZaloBot, startZaloBot, ZaloChat, type ZaloApp } from "./support/zalo.ts";
import type { FakeZalo } from "./fakes/zalo-server.ts";

const testDb = useTestDatabase();

let fake: FakeTelegram;
let bot: Awaited<ReturnType<typeof startBot>>;
let nextId = 9500;
let nextPhone = 300;

const MENU = /Bạn muốn làm gì/;

afterEach(async () => {
  await bot?.stop();
  await fake?.close();
});

async function seller(): Promise<Chat> {
  const chat = new Chat(fake, { id: ++nextId, first_name: "Hoàng Văn Sinh", language_code: "vi" });
  await register(chat, { phone: `0917 ${++nextPhone} ${String(nextId).slice(-3)}`, name: "Hoàng Văn Sinh" });
  await chat.send("bán 2 tạ hồi khô giá 80k", /🌿/);
  await chat.tap("✅ Đăng bán", MENU);
  return chat;
}

/** An unregistered buyer orders `quantity` of star anise from the first offer. */
async function buyerOrders(quantity: string, name = "Trần Thị Lan"): Promise<Chat> {
  const buyer = new Chat(fake, { id: ++nextId, first_name: name, language_code: "vi" });
  await buyer.send("/mua", /Bạn muốn mua gì/);
  await buyer.send("hồi khô", /nơi bán Hoa hồi khô/);
  await buyer.tap(buyer.buttons[0], /Bạn mua bao nhiêu\? \(còn/);
  await buyer.send(quantity, /Tên người nhận/);
  await buyer.tap(name, /Số điện thoại người nhận/);
  await buyer.send("0987 654 321", /tỉnh hoặc thành phố/);
  await buyer.send("Hà Nội", /Địa chỉ cụ thể/);
  await buyer.send("12 Hàng Bạc, Hoàn Kiếm", /Đơn của bạn/);
  await buyer.tap("✅ Đặt hàng", /Gõ \/mua khi bạn muốn mua thêm/);
  return buyer;
}

const stockOf = async () => (await testDb.db.listing.findFirst({ where: { title: "Hoa hồi khô" }, orderBy: { createdAt: "desc" } }))!;

describe("an order placed in chat", () => {
  it("reaches the household at once; one tap accepts it; then the post office is called", async () => {
    fake = await startFakeBotApi();
    bot = await startBot(fake, testDb.url);
    const household = await seller();
    const before = household.all.length;
    const buyer = await buyerOrders("20 kg");
    expect(buyer.messages).toHaveLength(1); // the order sent, and how to buy more
    expect(buyer.paragraphs[0]).toMatch(/^📨 Đã gửi đơn DH[0-9A-Z]{6} tới Cửa hàng Hoàng Văn Sinh: 20 kg Hoa hồi khô, tổng 1\.600\.000 đ/);
    expect(buyer.paragraphs[1]).toBe("Gõ /mua khi bạn muốn mua thêm.");

    await fake.waitForMessages(household.user.id, before + 1);
    const notice = household.last;
    expect(notice.text).toMatch(/^🛒 Đơn mới DH[0-9A-Z]{6}: 20 kg Hoa hồi khô, tổng 1\.600\.000 đ\.\nNgười mua: Trần Thị Lan \(Hà Nội\)\.$/);
    expect(notice.text).not.toMatch(/0987|Hàng Bạc/); // no phone or address before accepting
    expect(household.buttons).toEqual(["✅ Nhận đơn", "Từ chối", "📞 Gọi người mua", "🚫 Chặn người mua này"]);
    expect((await stockOf()).stockMilli).toBe(180_000); // reserved

    await household.act(() => fake.tapButton(household.user, "✅ Nhận đơn"), /Đã nhận đơn/);
    const accepted = household.last;
    expect(household.last.text).toMatch(/Người mua: Trần Thị Lan\n📞 0987 654 321\n📍 12 Hàng Bạc, Hoàn Kiếm, Hà Nội/);
    await buyer.act(async () => undefined, /đã nhận đơn DH/);

    // A second tap on the old button changes nothing.
    await household.act(() => fake.tapButtonIn(notice.messageId, household.user, "✅ Nhận đơn"), /đã được xử lý rồi/);

    // (the menu came after "đã được xử lý rồi": the button is the one under the accepted order)
    await household.act(() => fake.tapButtonIn(accepted.messageId, household.user, "🚚 Gọi bưu điện lấy hàng"), /qua hãng nào/);
    await household.tap("Viettel Post", /nặng khoảng 20 kg/);
    await household.tap("✅ Đúng 20 kg", /thu hộ tiền hàng 1\.600\.000 đ/);
    await household.tap("✅ Thu hộ 1.600.000 đ", /Gửi yêu cầu lấy hàng/);
    await household.tap("✅ Gửi yêu cầu", MENU);
    // Two lines (with the household's label link) are a message of their own, then the menu.
    expect(household.paragraphs).toEqual([expect.stringMatching(/^🚚 Đã gửi yêu cầu tới Viettel Post\. Bưu tá sẽ liên hệ để lấy hàng\.\n🏷️ In phiếu gửi hàng: http:\/\/\S+\/nhan\/[\w-]{32}$/), "Bạn muốn làm gì?"]);
    const order = await testDb.db.order.findFirstOrThrow({ where: { buyerName: "Trần Thị Lan" }, include: { pickup: true } });
    expect(household.paragraphs[0]).toContain(`/nhan/${order.pickup!.labelToken}`);
    expect(order).toMatchObject({ status: "accepted", totalVnd: 1_600_000, quantityMilli: 20_000, buyerChannel: "telegram" });
    expect(order.pickup).toMatchObject({ carrier: "viettel_post", weightGrams: 20_000, codVnd: 1_600_000, status: "open" });
    await buyer.act(async () => undefined, /sẽ được Viettel Post lấy hàng/);

    await household.tap("📬 Đơn hàng", /Đơn gần đây/);
    expect(household.buttons[0]).toMatch(/^✅ DH[0-9A-Z]{6} · 20 kg Hoa hồi khô$/);
    expect(household.all.map((m) => m.text).join("\n")).toMatch(/Tháng \d\d\/\d{4}: 1 đơn, 1\.600\.000 đ/);
  });

  it("declines with a reason, releasing the stock and telling the buyer", async () => {
    fake = await startFakeBotApi();
    bot = await startBot(fake, testDb.url);
    const household = await seller();
    const buyer = await buyerOrders("1 tạ", "Lê Văn Nam");
    await household.act(async () => undefined, /Đơn mới/);
    expect((await stockOf()).stockMilli).toBe(100_000);
    await household.tap("Từ chối", /Vì sao bạn từ chối/);
    await household.send("Hàng chưa phơi khô", MENU);
    expect(household.paragraphs[0]).toMatch(/^Đã từ chối đơn DH[0-9A-Z]{6}\. Hàng đã được cộng lại vào kho\./);
    expect((await stockOf()).stockMilli).toBe(200_000);
    await buyer.act(async () => undefined, /không nhận đơn DH[0-9A-Z]{6}: Hàng chưa phơi khô/);
  });

  it("refuses to sell more than is left, or in a unit the listing is not sold by", async () => {
    fake = await startFakeBotApi();
    bot = await startBot(fake, testDb.url);
    await seller();
    const buyer = new Chat(fake, { id: ++nextId, first_name: "Vi Thị Hoa", language_code: "vi" });
    await buyer.send("/mua", /Bạn muốn mua gì/);
    await buyer.send("hoi kho", /nơi bán/);
    await buyer.tap(buyer.buttons[0], /Bạn mua bao nhiêu/);
    await buyer.send("3 tạ", /Bạn mua bao nhiêu/);
    expect(buyer.paragraphs[0]).toBe("Chỉ còn 2 tạ. Bạn đặt ít hơn nhé.");
    await buyer.send("50 quả", /Bạn mua bao nhiêu/);
    expect(buyer.paragraphs[0]).toBe("Hàng này bán theo kg. Bạn gõ số kg nhé.");
  });

  it("reminds an unanswered order, then expires it and puts the stock back", async () => {
    fake = await startFakeBotApi();
    bot = await startBot(fake, testDb.url);
    const household = await seller();
    const buyer = await buyerOrders("30 kg", "Nông Văn Tư");
    await household.act(async () => undefined, /Đơn mới/);
    const placed = await testDb.db.order.findFirstOrThrow({ where: { buyerName: "Nông Văn Tư" } });

    expect(await bot.orders.tick(new Date(placed.createdAt.getTime() + 60_000))).toEqual({ reminded: 0, expired: 0, grouped: 0 });
    expect(await bot.orders.tick(new Date(placed.createdAt.getTime() + 3 * 3600_000 + 1000))).toEqual({ reminded: 1, expired: 0, grouped: 0 });
    await household.act(async () => undefined, /⏰ Đơn DH[0-9A-Z]{6} \(30 kg Hoa hồi khô\) đang chờ bạn trả lời/);
    expect(household.buttons).toEqual(["✅ Nhận đơn", "Từ chối", "📞 Gọi người mua", "🚫 Chặn người mua này"]);
    expect(await bot.orders.tick(new Date(placed.createdAt.getTime() + 24 * 3600_000 + 1000))).toEqual({ reminded: 0, expired: 1, grouped: 0 });
    await household.act(async () => undefined, /⌛ Đơn DH[0-9A-Z]{6} đã tự huỷ/);
    await buyer.act(async () => undefined, /⌛ Đơn DH[0-9A-Z]{6} đã tự huỷ vì người bán chưa trả lời kịp/);
    expect((await stockOf()).stockMilli).toBe(200_000);
    expect((await testDb.db.order.findUniqueOrThrow({ where: { id: placed.id } })).status).toBe("expired");
    // Accepting after expiry is refused.
    await household.act(() => fake.tapButton(household.user, "✅ Nhận đơn"), /đã được xử lý rồi \(đã tự huỷ vì quá hạn\)/);
    // Nor does the buyer's phone come any more from the old notice's "Gọi người mua": the order is over.
    const reminder = household.all.find((m) => m.text?.startsWith("⏰"))!;
    const answer = await household.act(() => fake.tapButtonIn(reminder.messageId, household.user, "📞 Gọi người mua"), /đã được xử lý rồi \(đã tự huỷ vì quá hạn\)/);
    expect(answer.map((m) => m.text ?? "").join("\n")).not.toMatch(/0987 ?654 ?321|987654321/);
  });
});

describe("orders on Zalo (no buttons)", () => {
  let zalo: FakeZalo;
  let app: ZaloApp;
  afterEach(async () => {
    await app?.stop();
    await zalo?.close();
  });

  it("numbers the answers in the notice itself, and \"1\" right after it accepts; the buyer's details come once", async () => {
    zalo = await startFakeZaloBot();
    app = await startZaloBot(zalo, testDb.url);
    const household = new ZaloChat(zalo, newZaloUser("Lăng Văn Đức"));
    await registerOnZalo(household, { phone: "0916 404 505", name: "Lăng Văn Đức" });
    await household.send("bán 50 kg na dai 35 nghìn", /🌿/);
    await household.send("1", MENU);

    const buyer = new ZaloChat(zalo, newZaloUser("Phạm Thị Thu"));
    await buyer.send("mua", /Bạn muốn mua gì/);
    await buyer.send("na dai", /nơi bán/);
    await buyer.send("1", /Bạn mua bao nhiêu/);
    await buyer.send("5 kg", /Tên người nhận/);
    await buyer.send("Phạm Thị Thu", /Số điện thoại/);
    await buyer.send("0978 111 222", /tỉnh hoặc thành phố/);
    await buyer.send("Bắc Giang", /Địa chỉ cụ thể/);
    await buyer.send("Thôn Đông, xã Tân Dĩnh", /Đơn của bạn/);
    await buyer.send("1", /Gõ \/mua/);

    await household.act(async () => undefined, /Đơn mới/);
    const notice = household.last;
    const code = /DH[0-9A-Z]{6}/.exec(notice)![0];
    expect(notice).toContain("5 kg Na dai");
    expect(notice).toContain("Phạm Thị Thu (Bắc Giang)");
    expect(notice).not.toContain("0978");
    expect(notice).toContain("1. ✅ Nhận đơn\n2. Từ chối\n3. 📞 Gọi người mua\n4. 🚫 Chặn người mua này");
    expect(notice).toContain(`Trả lời 1, 2, 3 hoặc 4 (hoặc gõ NHAN ${code})`);
    await household.send("1", /Đã nhận đơn/);
    expect(household.messages.join("\n").match(/0978 111 222/g)).toHaveLength(1);
    await buyer.act(async () => undefined, /đã nhận đơn/);
  });
});
