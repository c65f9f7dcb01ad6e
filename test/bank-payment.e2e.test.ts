// Paid by transfer, confirmed by the bank, end to end (issue 21 part 4): a household registers its
// Agribank account in chat on the fake Telegram, accepts an order; the buyer's VietQR photo is decoded;
// the buyer's bank sends the QR's amount with its memo mangled the way MB Bank does, SePay posts it
// (signed, as the fake sender does) and the order is paid without the household touching anything:
// both are told in chat, the order page shows it (over HTTP and in Chromium). A second order is paid
// through Casso (v2 signature) with a split, lower-case code.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseVietQr } from "../src/core/vietqr.ts";
import type { FakeTelegram, SentMessage } from "./fakes/telegram-server.ts";
import { bankMemos, cassoBody, sendCasso, sendSepay, sepayBody } from "./fakes/bank-senders.ts";
import { Chat, register, startBot, startFakeBotApi } from "./support/bot.ts";
import { launchBrowser, noteIfSkipped, skipBrowserTests } from "./support/browser.ts";
import { useTestDatabase } from "./support/db.ts";
import { decodeQrPng } from "./support/qr.ts";

const testDb = useTestDatabase();
const MENU = /Bạn muốn làm gì/;
const SEPAY_SECRET = "sepay-e2e-secret-0123456789";
const CASSO_KEY = "casso-e2e-checksum-0123456789";

let fake: FakeTelegram;
let bot: Awaited<ReturnType<typeof startBot>>;

beforeAll(async () => {
  fake = await startFakeBotApi();
  bot = await startBot(fake, testDb.url, "polling", { SEPAY_WEBHOOK_SECRET: SEPAY_SECRET, CASSO_CHECKSUM_KEY: CASSO_KEY });
});
afterAll(async () => {
  await bot?.stop();
  await fake?.close();
});

/** A household of a test's own, with the Agribank account it types in, and its buyer's chat. */
interface People {
  chatId: number;
  name: string;
  /** the account holder's name as the bank writes it, offered as a button */
  accountName: string;
  /** as shared from Telegram, without the plus */
  phone: string;
  /** as the household types it, spaces and all */
  account: string;
  buyerChatId: number;
}

/**
 * The household registers with its account and lists 2 tạ of dried star anise at 80k; a buyer's 1 kg
 * order is accepted, its VietQR decoded and paid through SePay with the memo mangled the way MB Bank
 * does: both are told in chat, and the order is paid.
 */
async function paidThroughSepay(people: People) {
  const household = new Chat(fake, { id: people.chatId, first_name: people.name, language_code: "vi" });
  await register(household, { name: people.name, phone: people.phone, bank: { account: people.account, accountName: people.accountName } });
  await household.send("bán 2 tạ hồi khô giá 80k", /🌿/);
  await household.tap("✅ Đăng bán", MENU);

  const buyer = new Chat(fake, { id: people.buyerChatId, first_name: "Trần Thị Lan", language_code: "vi" });
  await buyer.send("/mua", /Bạn muốn mua gì/);
  const listing = await testDb.db.listing.findFirstOrThrow({ where: { shop: { name: `Cửa hàng ${people.name}` } } });
  const place = (quantity: number) =>
    bot.orders.place({
      listingId: listing.id, quantity, buyer: { name: "Trần Thị Lan", phone: "+84987654321", address: "12 Hàng Bạc, Hoàn Kiếm", area: "Hà Nội" },
      buyerChannel: "telegram", buyerChatKey: String(people.buyerChatId), buyerLocale: "vi", source: "chat",
    });

  // The first order: accepted, the buyer's VietQR decoded.
  expect((await place(1)).ok).toBe(true);
  await household.act(async () => undefined, /Đơn mới/);
  await household.act(() => fake.tapButton(household.user, "✅ Nhận đơn"), /Khi nhận được 80\.000 đ cho đơn/);
  await buyer.act(async () => undefined, /trả tiền mặt khi nhận hàng/);
  const photo = buyer.messages.find((m: SentMessage) => m.method === "sendPhoto")!;
  const sizes = (photo.message as { photo?: Array<{ file_id: string }> }).photo ?? [];
  const qr = parseVietQr(decodeQrPng(fake.uploadedFile(sizes.at(-1)!.file_id)!)!)!;
  expect(qr).toMatchObject({ amountVnd: 80_000, account: people.account.replace(/ /g, ""), crcOk: true });
  const order = await testDb.db.order.findFirstOrThrow({ where: { code: qr.memo } });

  // The buyer's bank pays exactly what the code says; SePay reports it with the bank's memo.
  const delivery = await sendSepay(`${bot.url}/webhook/bank/sepay`, sepayBody({ amount: qr.amountVnd!, memo: bankMemos.mb(qr.memo!), accountNumber: qr.account, code: null }), {
    kind: "hmac",
    secret: SEPAY_SECRET,
  });
  expect(delivery.statuses).toEqual([200]);
  await household.act(async () => undefined, new RegExp(`💰 Ngân hàng báo đã nhận 80\\.000 đ cho đơn ${order.code}`));
  await buyer.act(async () => undefined, new RegExp(`✅ Ngân hàng đã báo hộ bán nhận 80\\.000 đ cho đơn ${order.code}`));
  expect(await testDb.db.order.findUniqueOrThrow({ where: { id: order.id } })).toMatchObject({ payState: "paid", paidBy: "transfer" });
  return { household, place, order };
}

describe("an order paid by transfer and confirmed by the bank", () => {
  it("order → VietQR → SePay and Casso webhooks → paid, told in chat and shown on the order page", async () => {
    const { household, place, order } = await paidThroughSepay({
      chatId: 9931, name: "Hoàng Văn Sinh", accountName: "HOANG VAN SINH", phone: "84917300931", account: "8888 1234 5678 9", buyerChatId: 9932,
    });
    const page = await (await fetch(`${bot.url}/don/${order.statusToken}`)).text();
    expect(page).toMatch(/đã trả tiền lúc/);

    // "Đơn hàng" → the order: paid, no "Đã nhận tiền" left to tap.
    await household.send("/menu", MENU);
    await household.tap("📬 Đơn hàng", /Đơn gần đây/);
    await household.tap(household.buttons.find((b) => b.includes(order.code)) ?? household.buttons[0], /💳 Tiền hàng: đã trả tiền/);
    expect(household.buttons).not.toContain("💰 Đã nhận tiền");
    // The pickup of a paid order asks for no cash on delivery: the buyer is never made to pay twice.
    await household.tap("🚚 Gọi bưu điện lấy hàng", /qua hãng nào/);
    await household.tap("Viettel Post", /nặng khoảng 1 kg/);
    await household.tap("✅ Đúng 1 kg", /💵 Thu hộ: không \(người mua đã trả tiền\)/);
    await household.tap("✅ Gửi yêu cầu", /Đã gửi yêu cầu tới Viettel Post/);
    expect(await testDb.db.pickup.findFirstOrThrow({ where: { orderId: order.id } })).toMatchObject({ codVnd: 0 });

    // The second order, 2 kg, paid through Casso with the code split and lower-cased.
    expect((await place(2)).ok).toBe(true);
    await household.act(async () => undefined, /Đơn mới/);
    await household.act(() => fake.tapButton(household.user, "✅ Nhận đơn"), /Khi nhận được 160\.000 đ cho đơn/);
    const second = await testDb.db.order.findFirstOrThrow({ where: { totalVnd: 160_000 } });
    expect(await sendCasso(`${bot.url}/webhook/bank/casso`, cassoBody({ amount: 160_000, memo: bankMemos.splitLower(second.code), accountNumber: "8888123456789" }), CASSO_KEY)).toBe(200);
    await household.act(async () => undefined, new RegExp(`💰 Ngân hàng báo đã nhận 160\\.000 đ cho đơn ${second.code}`));
    expect(await testDb.db.order.findUniqueOrThrow({ where: { id: second.id } })).toMatchObject({ payState: "paid", paidBy: "transfer" });
  });

  it.skipIf(skipBrowserTests)("shows the order paid on its page in Chromium", async () => {
    // An order of its own, paid the same way (another household, another account with the same last digits).
    const { order } = await paidThroughSepay({
      chatId: 9933, name: "Lương Văn Quý", accountName: "LUONG VAN QUY", phone: "84917300933", account: "7777123456789", buyerChatId: 9934,
    });
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      await page.goto(`${bot.url}/don/${order.statusToken}`);
      await page.locator("#payment").waitFor();
      expect(await page.locator("#payment").innerText()).toMatch(/••••6789[\s\S]*đã trả tiền lúc/);
      expect(browser.problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
noteIfSkipped("bank-payment.e2e browser check");
