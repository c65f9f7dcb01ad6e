// Paid by transfer on Zalo, end to end (issues 15 and 21): Zalo shows no buttons and no QR photo (its
// images are fetched by https URL, which a test server has not), so the household and the buyer answer
// by typing what each notice offers. The household has an Agribank account (written directly: the bank
// questions have their own tests on Telegram); the buyer orders from Zalo.
// - First order: the buyer reads the amount, bank, masked account and the VietQR payload as text (it
//   parses to the exact amount and code; the order page's PNG decodes to the same), says it paid; the
//   household answers "Chưa nhận"; then the buyer's bank pays and SePay's webhook marks the order paid,
//   and both are told.
// - Second order: the household types that it received the money; the buyer is told.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseVietQr } from "../src/core/vietqr.ts";
import { bankMemos, sendSepay, sepayBody } from "./fakes/bank-senders.ts";
import type { FakeTelegram } from "./fakes/telegram-server.ts";
import type { FakeZalo } from "./fakes/zalo-server.ts";
import { startApiApp, type ApiApp } from "./support/api.ts";
import { seedHouseholds } from "./support/broadcast.ts";
import { startFakeBotApi } from "./support/bot.ts";
import { createTestDatabase, type TestDatabase } from "./support/db.ts";
import { decodeQrPng } from "./support/qr.ts";
import { choose, newZaloUser, startFakeZaloBot, ZaloChat } from "./support/zalo.ts";

const SEPAY_SECRET = "sepay-zalo-e2e-secret-0123456789";
const ACCOUNT = "8888123456789";
const SELLER = newZaloUser("Hoàng Văn Sinh");
const BUYER = newZaloUser("Trần Thị Lan");

let database: TestDatabase;
let tg: FakeTelegram;
let zalo: FakeZalo;
let app: ApiApp;
let listingId = "";

beforeAll(async () => {
  database = await createTestDatabase();
  [tg, zalo] = await Promise.all([startFakeBotApi(), startFakeZaloBot()]);
  app = await startApiApp(tg, database.url, { env: { ZALO_BOT_TOKEN: zalo.token, ZALO_API_ROOT: zalo.apiRoot, SEPAY_WEBHOOK_SECRET: SEPAY_SECRET } });
  await app.engine.catalog.get();
  const [householdId] = await seedHouseholds(app.db, [{ commune: "06463", zalo: SELLER.id, product: "hoi-kho" }]);
  await app.db.household.update({
    where: { id: householdId },
    data: { openedAt: new Date(), name: "Hoàng Văn Sinh", payment: "bank", payBankBin: "970405", payAccount: ACCOUNT, payAccountName: "HOANG VAN SINH" },
  });
  const listing = await app.db.listing.findFirstOrThrow({ where: { shop: { householdId } } });
  await app.db.listing.update({ where: { id: listing.id }, data: { title: "Hoa hồi khô", priceVnd: 80_000, stockMilli: 100_000 } });
  listingId = listing.id;
});
afterAll(async () => {
  await app?.stop();
  await Promise.all([tg?.close(), zalo?.close()]);
  await database?.drop();
});


async function acceptedOrder(household: ZaloChat, kilos: number): Promise<string> {
  const placed = await app.orders.place({
    listingId,
    quantity: kilos,
    buyer: { name: "Trần Thị Lan", phone: "+84987654321", address: "12 Hàng Bạc, Hoàn Kiếm", area: "Hà Nội" },
    buyerChannel: "zalo",
    buyerChatKey: BUYER.id,
    buyerLocale: "vi",
    source: "chat",
  });
  if (!placed.ok) throw new Error(placed.reason);
  const code = placed.order.code;
  await household.act(async () => undefined, new RegExp(`Đơn mới ${code}`));
  await choose(household, "✅ Nhận đơn", new RegExp(`Khi nhận được ${(kilos * 80).toString()}\\.000 đ cho đơn ${code}, bạn chọn "Đã nhận tiền"`));
  return code;
}

describe("an order paid by transfer, on Zalo", () => {
  it("VietQR as text, 'đã chuyển' and 'chưa nhận' typed, then SePay's webhook pays it; a second one confirmed by the household", async () => {
    const household = new ZaloChat(zalo, SELLER);
    const buyer = new ZaloChat(zalo, BUYER);
    const code = await acceptedOrder(household, 1);

    // The buyer: amount, bank, masked account, the code as memo; the payload to copy parses to all of it.
    await buyer.act(async () => undefined, /trả tiền mặt khi nhận hàng/);
    const said = buyer.messages.join("\n");
    expect(said).toContain(`💳 Chuyển khoản cho đơn ${code}\nSố tiền: 80.000 đ\nNgân hàng: Agribank\nTài khoản: ••••6789 (HOANG VAN SINH)\nNội dung: ${code}`);
    const payload = /Mã để dán vào ứng dụng ngân hàng:\n(.+)/.exec(said)![1];
    expect(parseVietQr(payload)).toMatchObject({ bin: "970405", account: ACCOUNT, amountVnd: 80_000, memo: code, dynamic: true, crcOk: true });
    expect(said.replace(payload, "")).not.toContain(ACCOUNT);
    // The order page the message links to draws the same code.
    const pageUrl = /Mã QR cũng có ở trang đơn: (\S+)/.exec(said)![1];
    const png = await fetch(`${pageUrl}/vietqr.png`);
    expect(png.headers.get("content-type")).toBe("image/png");
    expect(decodeQrPng(Buffer.from(await png.arrayBuffer()))).toBe(payload);

    // "Tôi đã chuyển khoản", typed: the household is asked; it answers "Chưa nhận", the buyer is told.
    await choose(buyer, "✅ Tôi đã chuyển khoản", /Cảm ơn bạn/);
    await household.act(async () => undefined, new RegExp(`Người mua báo đã chuyển 80\\.000 đ cho đơn ${code}`));
    expect((await app.db.order.findUniqueOrThrow({ where: { code } })).payState).toBe("buyer_paid");
    await choose(household, "Chưa nhận", /chưa nhận tiền/);
    await buyer.act(async () => undefined, new RegExp(`Hộ bán chưa thấy tiền đơn ${code}`));
    expect((await app.db.order.findUniqueOrThrow({ where: { code } })).payState).toBe("unpaid");

    // The money arrives: SePay reports it with MB Bank's memo, and the order is paid without a tap.
    const delivery = await sendSepay(`${app.url}/webhook/bank/sepay`, sepayBody({ amount: 80_000, memo: bankMemos.mb(code), accountNumber: ACCOUNT, code: null }), {
      kind: "hmac",
      secret: SEPAY_SECRET,
    });
    expect(delivery.statuses).toEqual([200]);
    await household.act(async () => undefined, new RegExp(`💰 Ngân hàng báo đã nhận 80\\.000 đ cho đơn ${code}`));
    await buyer.act(async () => undefined, new RegExp(`✅ Ngân hàng đã báo hộ bán nhận 80\\.000 đ cho đơn ${code}`));
    expect(await app.db.order.findUniqueOrThrow({ where: { code } })).toMatchObject({ payState: "paid", paidBy: "transfer" });
    const page = await (await fetch(pageUrl)).text();
    expect(page).toMatch(/đã trả tiền lúc/);

    // The second order: the household says it has the money (typed, as the notice offers it).
    const second = await acceptedOrder(household, 2);
    await buyer.act(async () => undefined, new RegExp(`Nội dung: ${second}`));
    await choose(household, "💰 Đã nhận tiền", /đã trả tiền/);
    await buyer.act(async () => undefined, new RegExp(`Hộ bán đã nhận đủ 160\\.000 đ cho đơn ${second}`));
    expect(await app.db.order.findUniqueOrThrow({ where: { code: second } })).toMatchObject({ payState: "paid", paidBy: "transfer" });
  });
});
