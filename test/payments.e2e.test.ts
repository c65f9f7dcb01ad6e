// Paid by transfer, end to end over the fake Telegram server (issue 15): a household gives its Agribank
// account at the end of registration; a buyer orders in chat; on acceptance the buyer gets the amount,
// the bank and the masked account, the VietQR as a photo (decoded here: exact amount, order code as
// memo) and the payload to copy; "Tôi đã chuyển khoản" asks the household, which is reminded a day
// later, then "Đã nhận tiền" tells the buyer. The web order page shows the same code and the state.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeTelegram, SentMessage } from "./fakes/telegram-server.ts";
import { Chat, register, startBot, startFakeBotApi } from "./support/bot.ts";
import { useTestDatabase } from "./support/db.ts";
import { parseVietQr } from "../src/core/vietqr.ts";
import { decodeQrPng as decode } from "./support/qr.ts";
import { launchBrowser, noteIfSkipped, skipBrowserTests } from "./support/browser.ts";

const testDb = useTestDatabase();
const MENU = /Bạn muốn làm gì/;
const ACCOUNT = "8888123456789";

let fake: FakeTelegram;
let bot: Awaited<ReturnType<typeof startBot>>;

beforeAll(async () => {
  fake = await startFakeBotApi();
  bot = await startBot(fake, testDb.url);
});

afterAll(async () => {
  await bot?.stop();
  await fake?.close();
});

const photoBytes = (m: SentMessage) => {
  const sizes = (m.message as { photo?: Array<{ file_id: string }> }).photo ?? [];
  return fake.uploadedFile(sizes.at(-1)?.file_id ?? "");
};

/** A household of a test's own and its shop, as registration names them. */
interface Seller {
  chatId: number;
  name: string;
  /** the account holder's name as the bank writes it, offered as a button */
  accountName: string;
  /** as shared from Telegram, without the plus */
  phone: string;
}

/**
 * 1 kg of the seller's listing, ordered by the service for a buyer who follows it in its Telegram chat
 * (the buy dialogue has its own tests).
 */
async function placeForBuyer(seller: Seller, buyer: Chat, buyerName: string, buyerPhone: string) {
  const listing = await testDb.db.listing.findFirstOrThrow({ where: { shop: { name: `Cửa hàng ${seller.name}` } } });
  return bot.orders.place({
    listingId: listing.id,
    quantity: 1,
    buyer: { name: buyerName, phone: buyerPhone, address: "12 Hàng Bạc, Hoàn Kiếm", area: "Hà Nội" },
    buyerChannel: "telegram",
    buyerChatKey: String(buyer.user.id),
    buyerLocale: "vi",
    source: "chat",
  });
}

/** Registration with an Agribank account (ACCOUNT), then 2 tạ of dried star anise listed at 80k. */
async function registerWithBankAccount(seller: Seller): Promise<Chat> {
  const household = new Chat(fake, { id: seller.chatId, first_name: seller.name, language_code: "vi" });
  await register(household, { name: seller.name, phone: seller.phone, bank: { account: ACCOUNT, accountName: seller.accountName } });
  await household.send("bán 2 tạ hồi khô giá 80k", /🌿/);
  await household.tap("✅ Đăng bán", MENU);
  return household;
}

/** A buyer who has opened the bot, so its chat can follow an order. */
async function buyerChat(chatId: number, name: string): Promise<Chat> {
  const buyer = new Chat(fake, { id: chatId, first_name: name, language_code: "vi" });
  await buyer.send("/mua", /Bạn muốn mua gì/);
  return buyer;
}

describe("an order paid by bank transfer", () => {
  it("gives the buyer a VietQR with the exact amount and code, and both sides a one-tap payment state", async () => {
    // Registration with a bank account: three short questions, only because the household has one.
    const seller: Seller = { chatId: 9901, name: "Hoàng Văn Sinh", accountName: "HOANG VAN SINH", phone: "84917300901" };
    const household = new Chat(fake, { id: 9901, first_name: "Hoàng Văn Sinh", language_code: "vi" });
    await register(household, { name: "Hoàng Văn Sinh", phone: "84917300901", bank: { account: "8888 1234 56", accountName: "HOANG VAN SINH" } });
    // The household sees its own account in full.
    expect(household.all.map((m) => m.text ?? "").join("\n")).toContain("Agribank · 8888123456 · HOANG VAN SINH");

    // It changes the account in "Sửa thông tin": a bad number gets a short answer, not a dead end.
    await household.tap("✏️ Sửa thông tin", /sửa thông tin nào/);
    await household.tap("Tài khoản thanh toán", /thanh toán điện tử/);
    await household.tap("Ứng dụng ngân hàng", /ngân hàng nào/);
    await household.send("agri", /Số tài khoản Agribank/);
    await household.send("12ab", /chỉ gồm chữ số/);
    await household.send(ACCOUNT, /Tên chủ tài khoản/);
    await household.send("Hoàng Văn Sinh", MENU);
    expect(household.all.map((m) => m.text ?? "").join("\n")).toContain(`Agribank · ${ACCOUNT} · HOANG VAN SINH`);

    await household.send("bán 2 tạ hồi khô giá 80k", /🌿/);
    await household.tap("✅ Đăng bán", MENU);

    // The buyer follows its order in this chat (placed here by the service: the buy dialogue has its own tests).
    const buyer = await buyerChat(9902, "Trần Thị Lan");
    const placed = await placeForBuyer(seller, buyer, "Trần Thị Lan", "+84987654321");
    expect(placed.ok).toBe(true);
    const order = await testDb.db.order.findFirstOrThrow({ where: { buyerChatKey: "9902" } });
    expect(order).toMatchObject({ totalVnd: 80_000, payState: "unpaid" });
    // Not accepted yet: nothing to pay, so no code, neither on the order page nor as its image.
    expect(await (await fetch(`${bot.url}/don/${order.statusToken}`)).text()).not.toContain("vietqr.png");
    const early = await fetch(`${bot.url}/don/${order.statusToken}/vietqr.png`);
    expect([early.status, early.headers.get("content-type")]).toEqual([404, expect.stringContaining("text/html")]);

    await household.act(async () => undefined, /Đơn mới/);
    await household.act(() => fake.tapButton(household.user, "✅ Nhận đơn"), /Khi nhận được 80\.000 đ cho đơn/);
    expect(household.buttons).toEqual(["💰 Đã nhận tiền", "Chưa nhận"]);

    // The buyer: the accepted notice, then the code as a photo, the payload to copy, cash still possible.
    await buyer.act(async () => undefined, /trả tiền mặt khi nhận hàng/);
    const photo = buyer.messages.find((m) => m.method === "sendPhoto")!;
    expect(photo.caption).toContain("Số tiền: 80.000 đ");
    expect(photo.caption).toContain("Ngân hàng: Agribank");
    expect(photo.caption).toContain("Tài khoản: ••••6789 (HOANG VAN SINH)");
    expect(photo.caption).toContain(`Nội dung: ${order.code}`);
    const payload = decode(photoBytes(photo)!);
    expect(parseVietQr(payload!)).toMatchObject({ bin: "970405", account: ACCOUNT, amountVnd: 80_000, memo: order.code, dynamic: true, crcOk: true });
    expect(buyer.messages.some((m) => m.text === `Mã để dán vào ứng dụng ngân hàng:\n${payload}\n\nMã QR cũng có ở trang đơn: ${bot.url}/don/${order.statusToken}`)).toBe(true);
    // Words meant for people never show the whole account (only the code itself carries it).
    for (const m of buyer.all) expect((m.text ?? m.caption ?? "").replace(payload!, "")).not.toContain(ACCOUNT);

    // "Tôi đã chuyển khoản": the household is asked to check.
    const payMessage = buyer.messages.find((m) => /trả tiền mặt/.test(m.text ?? ""))!;
    await buyer.tap("✅ Tôi đã chuyển khoản", /Cảm ơn bạn/);
    await household.act(async () => undefined, /Người mua báo đã chuyển 80\.000 đ cho đơn/);
    const saidPaid = await testDb.db.order.findUniqueOrThrow({ where: { id: order.id } });
    expect(saidPaid.payState).toBe("buyer_paid");
    // A second tap changes nothing.
    await buyer.act(() => fake.tapButtonIn(payMessage.messageId, buyer.user, "✅ Tôi đã chuyển khoản"), /người mua báo đã chuyển khoản/);

    // A day without an answer: one reminder, once.
    const paidAt = saidPaid.buyerPaidAt!.getTime();
    expect(await bot.orders.remindPayments(new Date(paidAt + 23 * 3600_000))).toBe(0);
    expect(await bot.orders.remindPayments(new Date(paidAt + 24 * 3600_000 + 1000))).toBe(1);
    expect(await bot.orders.remindPayments(new Date(paidAt + 30 * 3600_000))).toBe(0);
    await household.act(async () => undefined, /⏰ Người mua báo đã chuyển 80\.000 đ/);

    // "Chưa nhận", typed the way Zalo shows it (no buttons there): the buyer is asked to check.
    await household.send(`chua nhan ${order.code.toLowerCase()}`, /chưa nhận tiền/);
    await buyer.act(async () => undefined, /Hộ bán chưa thấy tiền đơn/);
    expect((await testDb.db.order.findUniqueOrThrow({ where: { id: order.id } })).payState).toBe("unpaid");
    // The buyer says so again from the same message; now the money is there.
    await buyer.act(() => fake.tapButtonIn(payMessage.messageId, buyer.user, "✅ Tôi đã chuyển khoản"), /Cảm ơn bạn/);
    await household.act(async () => undefined, /Người mua báo đã chuyển 80\.000 đ cho đơn/);
    await household.tap("💰 Đã nhận tiền", /đã trả tiền/);
    await buyer.act(async () => undefined, /Hộ bán đã nhận đủ 80\.000 đ/);
    const paid = await testDb.db.order.findUniqueOrThrow({ where: { id: order.id } });
    expect(paid).toMatchObject({ payState: "paid", paidBy: "transfer" });
    expect(paid.paidAt).not.toBeNull();

    // "Đơn hàng" → the order: its payment state, no "Đã nhận tiền" once paid.
    await household.send("/menu", MENU);
    await household.tap("📬 Đơn hàng", /Đơn gần đây/);
    await household.tap(household.buttons[0], /💳 Tiền hàng: đã trả tiền/);
    expect(household.buttons).not.toContain("💰 Đã nhận tiền");

    // The web order page: the same code, drawn by the app; the state with its time; the account masked.
    const page = await (await fetch(`${bot.url}/don/${order.statusToken}`)).text();
    expect(page).toContain("••••6789");
    expect(page).toMatch(/đã trả tiền lúc/);
    expect(page).toContain(`/don/${order.statusToken}/vietqr.png`);
    const image = await fetch(`${bot.url}/don/${order.statusToken}/vietqr.png`);
    expect(image.headers.get("content-type")).toBe("image/png");
    expect(decode(Buffer.from(await image.arrayBuffer()))).toBe(payload);
    // The public shop page shows nothing of the account.
    const shop = await testDb.db.shop.findFirstOrThrow({ where: { name: "Cửa hàng Hoàng Văn Sinh" } });
    const shopPage = await (await fetch(`${bot.url}/s/${shop.slug}`)).text();
    expect(shopPage).not.toContain("6789");
    expect(shopPage).not.toContain("Agribank");
  });

  it.skipIf(skipBrowserTests)("shows the same code on the order page in Chromium, with the state and the masked account", async () => {
    // An order of its own, accepted and paid by transfer, as the first test walks through it.
    const seller: Seller = { chatId: 9903, name: "Lương Văn Quý", accountName: "LUONG VAN QUY", phone: "84917300903" };
    const household = await registerWithBankAccount(seller);
    const buyer = await buyerChat(9904, "Đặng Thu Hà");
    const placed = await placeForBuyer(seller, buyer, "Đặng Thu Hà", "+84987654304");
    if (!placed.ok) throw new Error(placed.reason);
    const { code, statusToken } = placed.order;
    await household.act(async () => undefined, new RegExp(`Đơn mới ${code}`));
    await household.tap("✅ Nhận đơn", new RegExp(`Khi nhận được 80\\.000 đ cho đơn ${code}`));
    await buyer.act(async () => undefined, /trả tiền mặt khi nhận hàng/);
    const payloadSeen = decode(photoBytes(buyer.messages.find((m) => m.method === "sendPhoto")!)!)!;
    expect(parseVietQr(payloadSeen)).toMatchObject({ account: ACCOUNT, amountVnd: 80_000, memo: code });
    await buyer.tap("✅ Tôi đã chuyển khoản", /Cảm ơn bạn/);
    await household.act(async () => undefined, new RegExp(`Người mua báo đã chuyển 80\\.000 đ cho đơn ${code}`));
    await household.tap("💰 Đã nhận tiền", /đã trả tiền/);

    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      await page.goto(`${bot.url}/don/${statusToken}`);
      const img = page.locator("#payment img.qr");
      await img.waitFor();
      expect(await img.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);
      expect(decode(await img.screenshot())).toBe(payloadSeen);
      expect(await page.locator("#payment").innerText()).toMatch(/••••6789[\s\S]*đã trả tiền lúc/);
      expect(await page.locator("#vietqr-payload").inputValue()).toBe(payloadSeen);
      expect(browser.problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it("takes an e-wallet by phone instead (VNPT Money): whole for the household, masked for the buyer, no QR", async () => {
    // A household that gave a bank account at registration, so the move to a wallet must clear it.
    const seller: Seller = { chatId: 9905, name: "Vi Văn Hào", accountName: "VI VAN HAO", phone: "84917300905" };
    const household = await registerWithBankAccount(seller);
    const buyer = await buyerChat(9906, "Chu Thị Vân");
    await household.send("/menu", MENU);
    await household.tap("✏️ Sửa thông tin", /sửa thông tin nào/);
    await household.tap("Tài khoản thanh toán", /thanh toán điện tử/);
    expect(household.buttons).toContain("VNPT Money");
    await household.tap("VNPT Money", /Số điện thoại ví VNPT Money của bạn/);
    expect(household.buttons).toEqual(["📱 Dùng số 0917 300 905", "Để sau"]);
    await household.send("12345", /Mình chưa đọc được số điện thoại|không phải số di động/);
    await household.send("0917 300 999", MENU);
    expect(household.all.map((m) => m.text ?? "").join("\n")).toContain("VNPT Money · 0917 300 999");
    expect(await testDb.db.household.findFirstOrThrow({ where: { phone: "+84917300905" } })).toMatchObject({
      payment: "vnpt_money",
      payAccount: "+84917300999",
      payBankBin: null,
      payAccountName: null,
    });

    const placed = await placeForBuyer(seller, buyer, "Chu Thị Vân", "+84987654306");
    if (!placed.ok) throw new Error(placed.reason);
    const code = placed.order.code;
    await household.act(async () => undefined, new RegExp(`Đơn mới ${code}`));
    await household.tap("✅ Nhận đơn", new RegExp(`Khi nhận được 80\\.000 đ cho đơn ${code}`));
    expect(household.buttons).toEqual(["💰 Đã nhận tiền", "Chưa nhận"]);
    const told = await buyer.act(async () => undefined, /Hộ bán nhận tiền qua VNPT Money \(0917 \*\*\* 999\)/);
    expect(told.some((m) => m.method === "sendPhoto")).toBe(false);
    for (const m of buyer.all) expect(m.text ?? m.caption ?? "").not.toMatch(/300 ?999|84917300999/);
  });
});
noteIfSkipped("payments.e2e browser check");
