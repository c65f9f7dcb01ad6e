// Buyers' price alerts (issue 16 part 4), end to end: the real app against the fake Telegram server.
// Buyers ask in chat; a household's listing goes live; the matcher queues and the broadcast dispatcher
// sends. Checked: exactly one message per matching subscriber (commune and price ceiling respected,
// the seller itself left out); at most one per product and day; the stop link (GET asks, POST stops);
// TAT (the announcements' opt-out) and an unreachable chat get nothing; and an app stopped in the middle
// of sending, then started again, leaves every subscriber with exactly one message.
import { afterEach, describe, expect, it } from "vitest";
import type { App } from "../src/app.ts";
import { vnDay } from "../src/broadcast/alerts.ts";
import { createServices } from "../src/core/services.ts";
import type { FakeTelegram, SimUser } from "./fakes/telegram-server.ts";
import { Chat, startFakeBotApi } from "./support/bot.ts";
import { seedHouseholds, startBroadcastApp } from "./support/broadcast.ts";
import { useTestDatabase } from "./support/db.ts";

const testDb = useTestDatabase({ perTest: true });
const CHI_LANG = "06463";
const DONG_DANG = "06184";
const DAY = 86_400_000;

let telegram: FakeTelegram;
let apps: App[] = [];
let nextId = 640_000_000;
const tgUser = (): SimUser => ({ id: ++nextId, first_name: "Lan" });

afterEach(async () => {
  for (const app of apps) await app.stop();
  apps = [];
  await telegram?.close();
});

async function start(broadcast = {}) {
  telegram ??= await startFakeBotApi();
  const app = await startBroadcastApp(testDb.url, { telegram }, broadcast);
  apps.push(app);
  return app;
}

const alertTexts = (user: SimUser) => telegram.sent(user.id).map((m) => m.text ?? "").filter((t) => t.startsWith("🔔 Có "));

/** A household's shop with a live listing, written the way the app writes one. */
async function listing(productId: string, priceVnd: number, commune: string, opts: { unit?: string; seller?: number } = {}) {
  const [id] = await seedHouseholds(testDb.db, [{ commune, telegram: opts.seller }]);
  const shop = await testDb.db.shop.findFirstOrThrow({ where: { householdId: id } });
  const unit = opts.unit ?? "kg";
  return createServices(testDb.db).listings.create({ shopId: shop.id, productId, title: productId, unit, quantity: 50, displayUnit: unit, priceVnd });
}

/** The chats owed an alert message, from the claims. */
const notices = async () => (await testDb.db.priceAlertNotice.findMany({ select: { chatKey: true } })).map((n) => n.chatKey).sort();

/** Polls until no alert row is waiting to be sent (every one sent, failed or blocked). */
async function drained() {
  const waiting = () => testDb.db.outboxMessage.count({ where: { broadcastId: { startsWith: "alert:" }, status: { in: ["pending", "sending"] } } });
  const deadline = Date.now() + 15_000;
  while ((await waiting()) > 0) {
    if (Date.now() > deadline) throw new Error(`alert rows still waiting: ${await waiting()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("price alerts", () => {
  it("one message per matching subscriber, once a day per product; the stop link and TAT hold", async () => {
    telegram = await startFakeBotApi();
    const app = await start();
    await app.alerts.run(); // the first pass sets the cursor: earlier listings are not news
    const [lan, minh, hoa, tu] = [tgUser(), tgUser(), tgUser(), tgUser()];
    const chats = [lan, minh, hoa, tu].map((u) => new Chat(telegram, u));
    await chats[0].send("báo tôi khi có na dưới 40k", /Đã ghi/);
    expect(chats[0].messages.at(-1)?.text).toMatch(
      /^🔔 Đã ghi: Chợ Số sẽ báo bạn khi có Na dưới 40\.000 đ\/kg trong tỉnh được đăng bán, mỗi ngày nhiều nhất một tin\.\nThôi nhận: http:\/\/127\.0\.0\.1:\d+\/baogia\/huy\/[\w-]{24}/,
    );
    await chats[1].send("/baogia na ở Chi Lăng", /Đã ghi/);
    expect(chats[1].messages.at(-1)?.text).toContain("khi có Na ở Xã Chi Lăng được đăng bán");
    await chats[2].send("bao toi khi co na duoi 30k", /Đã ghi/); // under 30k: a 35k listing is not for her
    await chats[3].send("báo tôi khi có na ở Đồng Đăng", /Đã ghi/); // another commune
    await chats[0].send("/baogia", /đang được báo khi có/);
    expect(chats[0].messages.at(-1)?.text).toContain("• Na dưới 40.000 đ/kg trong tỉnh");

    const first = await listing("na-chi-lang", 35_000, CHI_LANG);
    await app.alerts.run(); // (the app's own pass may run first: the claims make it one either way)
    expect(await notices()).toEqual([`${lan.id}`, `${minh.id}`].sort());
    await drained();
    await telegram.waitFor(() => alertTexts(lan).length === 1 && alertTexts(minh).length === 1);
    expect(alertTexts(lan)[0]).toMatch(/^🔔 Có Na mới đăng bán: 35\.000 đ\/kg, Xã Chi Lăng\.\nXem và đặt mua: http:\/\/127\.0\.0\.1:\d+\/s\/h[0-9a-f]+\nThôi nhận tin này: http/);
    expect([alertTexts(hoa), alertTexts(tu)]).toEqual([[], []]);

    // The same day, another na listing (and the first one read again): nothing more.
    await listing("na-chi-lang", 32_000, CHI_LANG);
    await testDb.db.listing.update({ where: { id: first.id }, data: { priceVnd: 34_000 } });
    await app.alerts.run();
    expect(await notices()).toEqual([`${lan.id}`, `${minh.id}`].sort());

    // Lan stops by the link: the GET only asks (link previews open it), the POST stops.
    const stopLink = /\/baogia\/huy\/[\w-]+/.exec(alertTexts(lan)[0])![0];
    const page = await app.http.inject({ method: "GET", url: stopLink });
    expect(page.body).toContain("Thôi nhận tin khi có Na dưới 40.000 đ/kg trong tỉnh?");
    expect(await testDb.db.priceAlert.count({ where: { chatKey: String(lan.id) } })).toBe(1);
    const stopped = await app.http.inject({ method: "POST", url: stopLink, headers: { origin: "http://127.0.0.1" } });
    expect(stopped.body).toContain("Đã thôi. Chợ Số sẽ không báo bạn về Na nữa.");
    expect(await testDb.db.priceAlert.count({ where: { chatKey: String(lan.id) } })).toBe(0);
    // Minh's chat is a household that typed TAT; Hoà's chat blocked the bot.
    const [minhHousehold] = await seedHouseholds(testDb.db, [{ commune: CHI_LANG }]);
    await testDb.db.channelAccount.upsert({
      where: { channel_userKey: { channel: "telegram", userKey: String(minh.id) } },
      create: { channel: "telegram", userKey: String(minh.id), chatKey: String(minh.id), householdId: minhHousehold },
      update: { householdId: minhHousehold },
    });
    await chats[1].send("TAT", /Đã tắt thông báo/);
    await testDb.db.priceAlert.update({ where: { channel_chatKey_productId: { channel: "telegram", chatKey: String(hoa.id), productId: "na-chi-lang" } }, data: { maxPriceVnd: null } });
    await testDb.db.channelAccount.upsert({
      where: { channel_userKey: { channel: "telegram", userKey: String(hoa.id) } },
      create: { channel: "telegram", userKey: String(hoa.id), chatKey: String(hoa.id), unreachable: true },
      update: { unreachable: true },
    });

    // The next day (today's messages become yesterday's): a new listing reaches none of them.
    const yesterday = vnDay(new Date(Date.now() - DAY));
    await testDb.db.priceAlertNotice.updateMany({ data: { day: yesterday } });
    await listing("na-chi-lang", 33_000, CHI_LANG);
    await app.alerts.run();
    expect(await notices()).toEqual([`${lan.id}`, `${minh.id}`].sort());
    // Tú's commune gets its listing: one message, today's.
    await listing("na-chi-lang", 36_000, DONG_DANG);
    await app.alerts.run();
    expect(await notices()).toEqual([`${lan.id}`, `${minh.id}`, `${tu.id}`].sort());
    await drained();
    await telegram.waitFor(() => alertTexts(tu).length === 1);
    expect((await testDb.db.priceAlertNotice.findMany({ where: { chatKey: String(tu.id) } })).map((n) => n.day)).toEqual([vnDay(new Date())]);
    expect([alertTexts(lan).length, alertTexts(minh).length, alertTexts(hoa).length, alertTexts(tu).length]).toEqual([1, 1, 0, 1]);
  });

  it("a seller is not told of its own listing; a listing priced in another unit meets only alerts without a ceiling", async () => {
    telegram = await startFakeBotApi();
    const app = await start();
    await app.engine.catalog.get(); // seeds the products
    await app.alerts.run();
    const [seller, capped, open, near] = [tgUser(), tgUser(), tgUser(), tgUser()];
    const alerts = createServices(testDb.db).priceAlerts;
    const subscribe = (u: SimUser, maxPriceVnd: number | null, communeCode: string | null = null) =>
      alerts.subscribe({ productId: "na-chi-lang", communeCode, maxPriceVnd, channel: "telegram", chatKey: String(u.id), locale: "vi" });
    await subscribe(seller, null);
    await subscribe(capped, 40_000); // per kg, the product's unit
    await subscribe(open, null);
    await subscribe(near, null, DONG_DANG);

    // 8.000 đ a fruit is under 40.000 đ/kg as a number, but not a price per kg: only the open alert.
    await listing("na-chi-lang", 8_000, CHI_LANG, { unit: "qua", seller: seller.id });
    await app.alerts.run();
    expect(await notices()).toEqual([`${open.id}`]);
    // The same in kg from another shop in the capped buyer's reach; the seller of the first is
    // now told like anyone (it is not this listing's seller).
    await testDb.db.priceAlertNotice.deleteMany();
    await listing("na-chi-lang", 35_000, CHI_LANG);
    await app.alerts.run();
    expect(await notices()).toEqual([`${seller.id}`, `${capped.id}`, `${open.id}`].sort());
  });

  it("an app stopped in the middle of sending, then started again: every subscriber exactly once", async () => {
    telegram = await startFakeBotApi();
    // Slow sending (20 a second), so that the stop comes with most messages still to send.
    const slow = { rates: { telegram: { rate: 20, burst: 1 } } };
    const first = await start(slow);
    await first.engine.catalog.get(); // seeds the products
    await first.alerts.run();
    const buyers = Array.from({ length: 40 }, tgUser);
    const alerts = createServices(testDb.db).priceAlerts;
    for (const b of buyers) await alerts.subscribe({ productId: "hoi-kho", communeCode: null, maxPriceVnd: null, channel: "telegram", chatKey: String(b.id), locale: "vi" });
    await listing("hoi-kho", 85_000, CHI_LANG);
    await first.alerts.run();
    expect(await testDb.db.priceAlertNotice.count()).toBe(40);
    await telegram.waitFor(() => buyers.filter((b) => alertTexts(b).length > 0).length >= 5);
    await first.stop();
    apps = apps.filter((a) => a !== first);
    const sentBefore = buyers.filter((b) => alertTexts(b).length > 0).length;
    expect(sentBefore).toBeLessThan(40);

    await start(slow);
    await drained();
    await telegram.waitFor(() => buyers.every((b) => alertTexts(b).length >= 1), { timeoutMs: 15_000 });
    expect(buyers.map((b) => alertTexts(b).length)).toEqual(buyers.map(() => 1));
    expect(await testDb.db.outboxMessage.count({ where: { broadcastId: { startsWith: "alert:" }, status: "sent" } })).toBe(40);
  });
});
