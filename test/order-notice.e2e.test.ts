// The household's order notice end to end: blocking a buyer from it on the Telegram fake (the partner
// API and the web form then refuse that phone), and answering it in words on the Zalo fake ("nhan"
// with two orders waiting asks which, a mistyped code gets "did you mean", "goi nguoi mua" before
// accepting says the phone comes with acceptance and "1" under that answer accepts, "CHAN <code>" blocks, and
// "1" right after a notice accepts the order in the middle of another step).
import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import type { FakeTelegram } from "./fakes/telegram-server.ts";
import type { FakeZalo } from "./fakes/zalo-server.ts";
import { call, orderFor, PARTNER_KEYS, sellerWithListing, startApiApp, type ApiApp } from "./support/api.ts";
import { startFakeBotApi } from "./support/bot.ts";
import { useTestDatabase } from "./support/db.ts";
import { newZaloUser, registerOnZalo, startFakeZaloBot, startZaloBot, ZaloChat, type ZaloApp } from "./support/zalo.ts";

const testDb = useTestDatabase({ perTest: true });
let fake: FakeTelegram | undefined;
let zalo: FakeZalo | undefined;
let app: ApiApp | ZaloApp | undefined;
afterEach(async () => {
  await app?.stop();
  await fake?.close();
  await zalo?.close();
  [app, fake, zalo] = [undefined, undefined, undefined];
});

const SELLER = 8801;
const PHONE = "0987 654 321";
const stockKg = async (listingId: string) => (await testDb.db.listing.findUniqueOrThrow({ where: { id: listingId } })).stockMilli / 1000;
const apiOrder = (url: string, listingId: string, kg: number, phone = PHONE) =>
  call(url, "/api/v1/orders", { key: PARTNER_KEYS.voso, idempotencyKey: randomUUID(), body: orderFor(listingId, kg, { phone }) });

describe("the order notice", () => {
  it("Telegram: 'Chặn người mua này' declines the buyer's waiting orders, puts the stock back, and their next orders are refused politely", async () => {
    fake = await startFakeBotApi();
    const api = await startApiApp(fake, testDb.url);
    app = api;
    const seller = await sellerWithListing(api, fake, { userId: SELLER, phone: "0918 801 801", sentence: "ban 10 kg hoi kho 80k" });
    expect((await apiOrder(api.url, seller.listingId, 2)).status).toBe(201);
    await seller.chat.act(async () => undefined, /Đơn mới/);
    expect((await apiOrder(api.url, seller.listingId, 1)).status).toBe(201);
    await seller.chat.act(async () => undefined, /Đơn mới/);
    expect(await stockKg(seller.listingId)).toBe(7);

    await seller.chat.tap("🚫 Chặn người mua này", /Chặn người mua của đơn/);
    expect(seller.chat.buttons).toEqual(["🚫 Chặn", "Không chặn"]);
    await seller.chat.tap("🚫 Chặn", /Đã chặn người mua/);
    expect(seller.chat.paragraphs.join("\n")).toContain("Đã từ chối 2 đơn đang chờ của họ");
    expect(await stockKg(seller.listingId)).toBe(10);
    expect(await testDb.db.order.count({ where: { listingId: seller.listingId, status: "declined", declineReason: "người bán không nhận đơn của bạn" } })).toBe(2);

    const again = await apiOrder(api.url, seller.listingId, 1);
    expect(again).toMatchObject({ status: 403, json: { error: "buyer_blocked" } });
    const shop = await testDb.db.shop.findUniqueOrThrow({ where: { id: seller.shopId } });
    const form = { listing: seller.listingId, quantity: "1", name: "Trần Thị Mai", phone: PHONE, province: "01", district: "Phường Hoàn Kiếm", address: "12 Hàng Bạc" };
    const web = await fetch(`${api.url}/s/${shop.slug}`, { method: "POST", redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(form).toString() });
    expect(web.status).toBe(403);
    expect(await web.text()).toContain("cửa hàng này không nhận đơn của số điện thoại này");
    // another phone still orders
    expect((await apiOrder(api.url, seller.listingId, 1, "0912 111 222")).status).toBe(201);
    expect(await stockKg(seller.listingId)).toBe(9);
  });

  it("Zalo: 'nhan' with two waiting asks which; a mistyped code gets 'did you mean'; 'goi nguoi mua', '1' and 'chan <code>' work in words", async () => {
    zalo = await startFakeZaloBot();
    const bot = await startZaloBot(zalo, testDb.url);
    app = bot;
    const household = new ZaloChat(zalo, newZaloUser("Lăng Văn Đức"));
    await registerOnZalo(household, { phone: "0916 404 606", name: "Lăng Văn Đức" });
    await household.send("bán 50 kg na dai 35 nghìn", /🌿/);
    await household.send("1", /Bạn muốn làm gì/);
    const listingId = (await testDb.db.listing.findFirstOrThrow()).id;
    const placeFrom = (phone: string, kg: number) =>
      bot.orders.place({ listingId, quantity: kg, buyer: { name: "Trần Thị Mai", phone, address: "12 Hàng Bạc", area: "Hà Nội" }, buyerChannel: "web", source: "web" });
    const first = await placeFrom("+84987654321", 2);
    const second = await placeFrom("+84912111222", 3);
    if (!first.ok || !second.ok) throw new Error("orders not placed");
    await zalo.waitFor(() => household.all.filter((t) => t.startsWith("🛒 Đơn mới")).length === 2);

    await household.send("nhan", /Bạn có 2 đơn đang chờ/);
    expect(household.last).toContain(`1. ${first.order.code}: 2 kg ${first.order.title}, 70.000 đ`);
    expect(household.last).toContain(`2. ${second.order.code}: 3 kg ${second.order.title}, 105.000 đ`);
    await household.send("2", /Đã nhận đơn/);
    expect(household.last).toContain(second.order.code);

    const code = first.order.code;
    const slip = `${code.slice(0, -1)}${code.endsWith("Z") ? "Y" : "Z"}`;
    await household.send(`nhan ${slip}`, new RegExp(`Không thấy đơn ${slip}, bạn có ý đơn ${code}\\?`));

    // "Gọi người mua": the phone only once the order is accepted.
    await household.send("goi nguoi mua", new RegExp(`Bạn nhận đơn ${code} thì mình gửi ngay số điện thoại`));
    expect(household.last).not.toContain("987");
    expect(household.last).toContain("1. ✅ Nhận đơn\n2. Từ chối");
    // the numbers under that answer are its own
    await household.send("1", new RegExp(`Đã nhận đơn ${code}`));
    expect(household.messages.join("\n").match(/0987 654 321/g)).toHaveLength(1);
    await household.send(`goi ${second.order.code}`, /📞 Người mua đơn/);
    expect(household.last).toContain("0912 111 222");

    await household.send(`chan ${code}`, new RegExp(`Chặn người mua của đơn ${code}`));
    await household.send("co", /Đã chặn người mua/);
    expect(await placeFrom("+84987654321", 1)).toEqual({ ok: false, reason: "blocked" });

    // In the middle of listing something, "1" right after a new order's notice accepts that order, and
    // the listing's question comes back.
    await household.send("bán 20 kg hồi khô 90 nghìn", /🌿/);
    const draft = household.last;
    const third = await placeFrom("+84903333444", 1);
    if (!third.ok) throw new Error("order not placed");
    await zalo.waitFor(() => household.all.at(-1)!.includes(third.order.code));
    await household.send("1", /🌿/);
    expect(household.messages.join("\n")).toContain(`Đã nhận đơn ${third.order.code}`);
    expect(household.last).toBe(draft);
    expect(await testDb.db.order.findUniqueOrThrow({ where: { id: third.order.id } })).toMatchObject({ status: "accepted" });
  });
});
