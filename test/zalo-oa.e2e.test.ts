// The Zalo Official Account channel end to end: the real app on real HTTP against the fake OA API,
// events posted to its webhook signed as Zalo signs them, on SQLite and PostgreSQL. Then a household's
// work over the OA (and the fake Telegram for linking): a listing with a photo, an order accepted by a
// button tap, images out, notices in the paid band (48 h to 7 days: held back, ZNS) and outside the 7-day
// messaging window (kept, ZNS, "chưa báo được" for
// the officer), an announcement to OA followers, linking a Telegram household's OA chat by code, and
// /readyz on a refused token. One file: the app's first start in a process costs seconds.
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { ACK_WAIT_MS } from "../src/http/ack.ts";
import { startFakeOa, TINY_PNG, type FakeOa, type OaUser } from "./fakes/zalo-oa-server.ts";
import type { FakeTelegram } from "./fakes/telegram-server.ts";
import { FAST_BROADCAST, seedHouseholds } from "./support/broadcast.ts";
import { startFakeBotApi } from "./support/bot.ts";
import { useTestDatabase } from "./support/db.ts";
import { usePostgres } from "./support/paths.ts";
import { OaChat, startOaBot, type OaApp } from "./support/zalo-oa.ts";
import { broadcasts } from "../src/broadcast/store.ts";
import { formatVnPhone } from "../src/lang/phone.ts";

const testDb = useTestDatabase();

/** Takes a lock on the turns' table from a connection of its own (PostgreSQL). */
async function holdWriteLock(url: string): Promise<() => Promise<void>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query("BEGIN");
  await client.query('LOCK TABLE "ProcessedUpdate" IN EXCLUSIVE MODE');
  return async () => {
    await client.query("COMMIT");
    await client.end();
  };
}

let fake: FakeOa | undefined;
let bot: OaApp | undefined;
let telegram: FakeTelegram | undefined;
const CHI_LANG = "06463";
const DAY = 24 * 3600_000;

afterEach(async () => {
  await bot?.stop();
  bot = undefined;
  await fake?.close();
  fake = undefined;
  await telegram?.close();
  telegram = undefined;
});

const startBot = async (f: FakeOa, refreshToken = f.firstRefreshToken) => (bot = await startOaBot(f, testDb.url, { refreshToken }));

describe("Zalo OA", () => {
  it("registers a household, consent by a tap on an oa.query.show button", async () => {
    fake = await startFakeOa();
    const { url } = await startBot(fake);
    const chat = new OaChat(fake, url, fake.user());
    await chat.send("/start", /đồng ý chứ/);
    expect(chat.last.buttons?.map((b) => b.title)).toEqual(["✅ Đồng ý", "Không đồng ý", "🛒 Tôi chỉ muốn mua hàng"]);
    expect(chat.last.buttons?.every((b) => b.type === "oa.query.show")).toBe(true);
    await chat.tap("✅ Đồng ý", /Tên chủ hộ/);
    await chat.send("Hoàng Văn Nam", /Số điện thoại di động/);
    await chat.send("0912 000 222", /xã hoặc phường nào/);
    await chat.send("chi lang", /chọn xã/);
    // More than 5 choices: numbered text, answered by number.
    expect(chat.last.buttons).toBeUndefined();
    expect(chat.last.text).toMatch(/\n1\. Xã Chi Lăng\n/);
    await chat.send("1", /Đặt tên cho cửa hàng/);
    await chat.send("1", /thanh toán điện tử/);
    await chat.send("Viettel Money", /Bạn muốn làm gì/);
    const household = await testDb.db.household.findUnique({ where: { phone: "+84912000222" }, include: { accounts: true } });
    expect(household?.accounts).toEqual([expect.objectContaining({ channel: "zalo_oa", userKey: chat.user.id })]);
    expect(household?.lastChannel).toBe("zalo_oa");
  });

  it("refuses forged, stale and foreign events; a replay is handled once", async () => {
    fake = await startFakeOa();
    const { url } = await startBot(fake);
    const user = fake.user();
    const event = fake.textEvent(user, "/start");
    expect(await fake.post(url, event, { signature: `mac=${"0".repeat(64)}` })).toBe(401);
    expect(await fake.post(url, event, { signature: "" })).toBe(401);
    // The body changed after signing: the signature no longer matches.
    expect(await fake.post(url, event, { tamper: (raw) => raw.replace("/start", "/help") })).toBe(401);
    expect(await fake.post(url, fake.textEvent(user, "/start", { timestamp: Date.now() - 2 * 3600_000 }))).toBe(401);
    // From the future (more than the 5 minutes of clock skew allowed), signed as Zalo signs.
    expect(await fake.post(url, fake.textEvent(user, "/start", { timestamp: Date.now() + 10 * 60_000 }))).toBe(401);
    // Another app's event, signed over its own app_id: not ours to handle.
    // (another first digit: the fake's id is random, and one in ten starts with 9 already)
    const foreign = `${fake.appId.startsWith("9") ? "8" : "9"}${fake.appId.slice(1)}`;
    expect(await fake.post(url, { ...fake.textEvent(user, "/start"), app_id: foreign })).toBe(400);
    expect(fake.sentTo(user.id)).toEqual([]);

    expect(await fake.post(url, event)).toBe(200);
    await fake.waitFor(() => fake!.sentTo(user.id).length > 0);
    expect(await fake.post(url, event)).toBe(200); // the same msg_id again: Zalo's retry, or a replay
    await bot!.engine.idle();
    expect(fake.sentTo(user.id)).toHaveLength(1);
    expect(await testDb.db.processedUpdate.count({ where: { key: { startsWith: `zalo_oa:${fake.appId}:` } } })).toBe(1);
  });

  // PostgreSQL: a table lock holds the turn back (on SQLite another connection's write lock makes the
  // app's write fail busy and retry, which does not show the order of commit and answer).
  it.skipIf(!usePostgres)("answers an event once its turn is committed: a crash after the answer loses nothing", async () => {
    fake = await startFakeOa();
    const { url } = await startBot(fake);
    const user = fake.user();
    const committed = () => testDb.db.processedUpdate.count({ where: { key: { startsWith: `zalo_oa:${fake!.appId}:` } } });
    await new OaChat(fake, url, fake.user()).send("/start", /đồng ý chứ/); // the first turn of a process is slow
    // Another connection holds the database's write lock, so that the turn cannot commit yet.
    const release = await holdWriteLock(testDb.url);
    let answeredEarly = true;
    const answered = fake.post(url, fake.textEvent(user, "/start")).then((status) => ({ status, early: answeredEarly }));
    await sleep(ACK_WAIT_MS / 3);
    answeredEarly = false; // not answered while the turn could not commit (nor yet given up waiting)
    await release();
    expect(await answered).toEqual({ status: 200, early: false });
    await bot!.engine.idle();
    expect(await committed()).toBe(2);
  });

  it("follow starts registration; unfollow marks the account unreachable; an image gets a polite answer", async () => {
    fake = await startFakeOa();
    const { url } = await startBot(fake);
    const user = fake.user();
    const chat = new OaChat(fake, url, user);
    await chat.post(fake.followEvent(user), /đồng ý chứ/);
    await chat.post(fake.imageEvent(user), /./);
    expect(chat.last.text).not.toMatch(/đồng ý chứ$/);

    await testDb.db.channelAccount.create({ data: { channel: "zalo_oa", userKey: user.id, chatKey: user.id } });
    expect(await fake.post(url, fake.followEvent(user, "unfollow"))).toBe(200);
    for (let i = 0; i < 100; i++) {
      const account = await testDb.db.channelAccount.findUnique({ where: { channel_userKey: { channel: "zalo_oa", userKey: user.id } } });
      if (account?.unreachable) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const account = await testDb.db.channelAccount.findUnique({ where: { channel_userKey: { channel: "zalo_oa", userKey: user.id } } });
    expect(account?.unreachable).toBe(true);
  });
});

describe("Zalo OA tokens", () => {
  const stored = () => testDb.db.zaloOaToken.findUnique({ where: { appId: fake!.appId } });

  it("refreshes at start and stores both tokens together; an access token Zalo refuses (-216) is refreshed once", async () => {
    fake = await startFakeOa();
    const { url } = await startBot(fake);
    expect(fake.refreshes).toBe(1);
    const row = await stored();
    expect(fake.liveRefreshTokens.has(row!.refreshToken)).toBe(true);
    expect(fake.accessTokens.has(row!.accessToken)).toBe(true);

    fake.accessTokens.clear(); // revoked on Zalo's side before its expiry
    const chat = new OaChat(fake, url, fake.user());
    await chat.send("/start", /đồng ý chứ/);
    expect(fake.refreshes).toBe(2);
    expect(fake.liveRefreshTokens.has((await stored())!.refreshToken)).toBe(true);
  });

  it("a refresh whose answer never arrived: the stored pair is intact, the channel stops with one clear line, a new refresh token brings it back", async () => {
    fake = await startFakeOa();
    fake.dropNextRefreshAnswer = true; // Zalo issued a new pair, the bot died before storing it
    const first = await startBot(fake);
    await fake.waitFor(() => first.channels.status().zalo_oa?.state === "failed", { timeoutMs: 10_000 });
    const row = await stored();
    expect(row).toMatchObject({ refreshToken: fake.firstRefreshToken, accessToken: "" }); // never half-written
    expect(row!.refreshStartedAt).toBeGreaterThan(0);
    const fatal = first.logs.filter((l) => l.level >= 50 && l.channel === "zalo_oa");
    expect(fatal).toHaveLength(1);
    expect(String(fatal[0].detail)).toMatch(/interrupted[^]*ZALO_OA_REFRESH_TOKEN/);
    await first.stop();
    bot = undefined;

    // The operator authorizes the app again and sets the new refresh token.
    const fresh = "operator-new-refresh-token-0001";
    fake.liveRefreshTokens.add(fresh);
    const second = await startBot(fake, fresh);
    expect(second.channels.status().zalo_oa?.state).toBe("connected");
    expect((await stored())!.refreshStartedAt).toBe(0);
    const chat = new OaChat(fake, second.url, fake.user());
    await chat.send("/start", /đồng ý chứ/);
  });
});

/** A household whose shop is on the OA (and optionally Telegram), with a listing of 100 kg at 50.000 đ. */
async function oaHousehold(user: OaUser, extra: { telegram?: number } = {}) {
  const db = testDb.db;
  await bot!.engine.catalog.get(); // seeds the product catalog that listings point to
  const [id] = await seedHouseholds(db, [{ commune: CHI_LANG, product: "hoi-kho", ...(extra.telegram ? { telegram: extra.telegram } : {}) }]);
  if (!extra.telegram) {
    await db.channelAccount.create({ data: { channel: "zalo_oa", userKey: user.id, chatKey: user.id, householdId: id, locale: "vi" } });
    await db.household.update({ where: { id }, data: { lastChannel: "zalo_oa" } });
  }
  const household = await db.household.findUniqueOrThrow({ where: { id }, include: { shop: { include: { listings: true } } } });
  return { id, phone: household.phone, listingId: household.shop!.listings[0]?.id };
}

const webOrder = (app: OaApp, listingId: string) =>
  app.orders.place({
    listingId,
    quantity: 2,
    buyer: { name: "Trần Thị Mai", phone: "0987654321", address: "Số 12 Phố Huế", area: "Hà Nội" },
    buyerChannel: "web",
    source: "web",
  });

/** An officer of the household's commune, on the OA. */
async function oaOfficer(f: FakeOa, app: OaApp) {
  const user = f.user();
  await testDb.db.officer.create({ data: { channel: "zalo_oa", userKey: user.id, chatKey: user.id, communes: JSON.stringify([CHI_LANG]) } });
  return new OaChat(f, app.url, user);
}

describe("Zalo OA: a household's work", () => {
  it("lists with a photo sent on the OA, accepts an order by a tap; images go out by upload, or as a link", async () => {
    fake = await startFakeOa();
    bot = await startOaBot(fake, testDb.url);
    const chat = new OaChat(fake, bot.url, fake.user());
    await oaHousehold(chat.user);

    await chat.send("ban 10 kg hoi kho 80k", /🌿/);
    await chat.tap("📷 Thêm ảnh", /Gửi một ảnh/);
    const photoUrl = `${fake.apiRoot}/img/hoi.png`;
    await chat.post(fake.imageEvent(chat.user, photoUrl), /🌿/);
    await chat.tap("✅ Đăng bán", /Bạn muốn làm gì/);
    const listing = await testDb.db.listing.findFirstOrThrow({ where: { photoRef: photoUrl } });
    expect(listing.photoChannel).toBe("zalo_oa");

    const placed = await webOrder(bot, listing.id);
    if (!placed.ok) throw new Error(placed.reason);
    await fake.waitFor(() => chat.all.some((m) => m.text?.startsWith(`🛒 Đơn mới ${placed.order.code}`)));
    await chat.tap("✅ Nhận đơn", new RegExp(`Đã nhận đơn ${placed.order.code}[^]*📞`));
    expect((await testDb.db.order.findUniqueOrThrow({ where: { id: placed.order.id } })).status).toBe("accepted");

    // Out: uploaded, then sent by attachment id; an image that cannot be had goes as a link.
    expect(await bot.zaloOa!.send(chat.user.id, [{ text: "Ảnh hàng", photo: { ref: photoUrl } }], "vi")).toEqual({ ok: true });
    const [image, caption] = chat.all.slice(-2);
    expect(fake.uploads.get(image.attachmentId!)).toEqual({ bytes: TINY_PNG.length, type: "image/png" });
    expect(caption.text).toBe("Ảnh hàng");
    const missing = `${fake.apiRoot}/nothing-here.png`;
    expect(await bot.zaloOa!.send(chat.user.id, [{ text: "Ảnh khác", photo: { ref: missing } }], "vi")).toEqual({ ok: true });
    expect(chat.all.slice(-2).map((m) => m.text)).toEqual([`Xem ảnh tại đây: ${missing}`, "Ảnh khác"]);
  });

  it("outside the 7-day window: a notice is kept, by ZNS where it works; the officer sees what was not told; the household gets it when it writes", async () => {
    fake = await startFakeOa();
    bot = await startOaBot(fake, testDb.url, { env: { ZALO_OA_ZNS_NEW_ORDER_TEMPLATE_ID: "231677" } });
    const officer = await oaOfficer(fake, bot);
    const [chat, other] = [new OaChat(fake, bot.url, fake.user()), new OaChat(fake, bot.url, fake.user())];
    const household = await oaHousehold(chat.user);
    const otherHousehold = await oaHousehold(other.user);
    chat.user.lastInteraction = other.user.lastInteraction = Date.now() - 8 * DAY;

    // The template is not approved yet: the ZNS is refused, the notice kept, the order not told.
    const placed = await webOrder(bot, household.listingId);
    if (!placed.ok) throw new Error(placed.reason);
    await bot.engine.idle(); // place() returns once the notice was sent or given up for now
    expect(chat.all).toEqual([]);
    expect(fake.zns).toEqual([]);
    expect(await testDb.db.heldNotice.count({ where: { orderId: placed.order.id, znsAt: null } })).toBe(1);
    const account = await testDb.db.channelAccount.findFirstOrThrow({ where: { channel: "zalo_oa", userKey: chat.user.id } });
    expect(account.unreachable).toBe(false); // silent is not gone

    // Approved: the next household's notice goes by ZNS to its phone; that order counts as told.
    fake.znsTemplates.add("231677");
    const told = await webOrder(bot, otherHousehold.listingId);
    if (!told.ok) throw new Error(told.reason);
    await fake.waitFor(() => fake!.zns.length === 1);
    expect(fake.zns[0]).toEqual({
      phone: otherHousehold.phone.slice(1),
      templateId: "231677",
      data: { order_code: told.order.code, product: "hoi-kho", quantity: "2 kg", total: "100.000 đ", shop_name: `Shop ${otherHousehold.id}` },
      trackingId: told.order.code,
    });

    await officer.send("/chuabao", new RegExp(`${placed.order.code} · .* · ${formatVnPhone(household.phone)} · chưa báo được`));
    expect(officer.last.text).not.toContain(told.order.code);

    await chat.send("chao", /Trong lúc bạn vắng/);
    await fake.waitFor(() => chat.all.some((m) => m.text?.startsWith(`🛒 Đơn mới ${placed.order.code}`)));
    expect(chat.all[0].text).toMatch(/^Trong lúc bạn vắng/);
    expect(await testDb.db.heldNotice.count({ where: { chatKey: chat.user.id } })).toBe(0);
    await officer.send("/chuabao", /không có đơn nào chưa báo được/);
  });

  it("in the paid band (48 h to 7 days): no paid message; the order notice goes by ZNS and waits; a household seen yesterday is told at once", async () => {
    fake = await startFakeOa();
    bot = await startOaBot(fake, testDb.url, { env: { ZALO_OA_ZNS_NEW_ORDER_TEMPLATE_ID: "231677" } });
    fake.znsTemplates.add("231677");
    const [away, recent] = [new OaChat(fake, bot.url, fake.user()), new OaChat(fake, bot.url, fake.user())];
    const [awayHousehold, recentHousehold] = [await oaHousehold(away.user), await oaHousehold(recent.user)];
    // Last wrote 3 days ago (Zalo would still take a message, and charge for it) and 1 day ago (free).
    away.user.lastInteraction = Date.now() - 3 * DAY;
    recent.user.lastInteraction = Date.now() - 1 * DAY;
    for (const [user, days] of [[away.user, 3], [recent.user, 1]] as const) {
      await testDb.db.channelAccount.updateMany({ where: { channel: "zalo_oa", userKey: user.id }, data: { lastSeenAt: new Date(Date.now() - days * DAY) } });
    }

    const held = await webOrder(bot, awayHousehold.listingId);
    const told = await webOrder(bot, recentHousehold.listingId);
    if (!held.ok || !told.ok) throw new Error("not placed");
    await fake.waitFor(() => recent.all.some((m) => m.text?.startsWith(`🛒 Đơn mới ${told.order.code}`)));
    await fake.waitFor(() => fake!.zns.length === 1);
    await bot.engine.idle();
    expect(fake.zns[0]).toMatchObject({ phone: awayHousehold.phone.slice(1), templateId: "231677", trackingId: held.order.code });
    expect(away.all).toEqual([]);
    expect(fake.sent.filter((m) => m.paid)).toEqual([]);
    expect(await testDb.db.heldNotice.count({ where: { orderId: held.order.id, znsAt: { not: null } } })).toBe(1);

    // The household writes: the kept notice comes first, free again.
    await away.send("chao", /Trong lúc bạn vắng/);
    await fake.waitFor(() => away.all.some((m) => m.text?.startsWith(`🛒 Đơn mới ${held.order.code}`)));
    expect(fake.sent.filter((m) => m.paid)).toEqual([]);
    expect(await testDb.db.heldNotice.count({ where: { chatKey: away.user.id } })).toBe(0);
  });

  it("an announcement reaches OA followers; one silent for 7 days is counted, not marked unreachable", async () => {
    fake = await startFakeOa();
    bot = await startOaBot(fake, testDb.url, { broadcast: { ...FAST_BROADCAST, rates: { zalo_oa: { rate: 200, burst: 5 } } } });
    const users = [fake.user(), fake.user(), fake.user()];
    users[2].lastInteraction = Date.now() - 8 * DAY;
    for (const u of users) await oaHousehold(u);
    const officer = await oaOfficer(fake, bot);
    const row = await testDb.db.officer.findFirstOrThrow({ where: { userKey: officer.user.id } });
    await broadcasts(testDb.db).create({
      officer: { id: row.id, channel: "zalo_oa", chatKey: officer.user.id, locale: "vi" },
      text: "Họp chợ phiên sáng thứ bảy.",
      photo: null,
      audience: { communes: [CHI_LANG], productId: null, channels: ["zalo_oa"] },
      scheduledAt: new Date(),
    });
    bot.broadcasts.kick();
    await fake.waitFor(() => fake!.textsTo(officer.user.id).some((t) => /đã gửi xong/.test(t)), { timeoutMs: 10_000 });
    for (const u of users.slice(0, 2)) expect(fake.textsTo(u.id)).toEqual([expect.stringMatching(/^Họp chợ phiên sáng thứ bảy\.\n\n/)]);
    expect(fake.textsTo(users[2].id)).toEqual([]);
    expect(await testDb.db.channelAccount.count({ where: { channel: "zalo_oa", userKey: { in: users.map((u) => u.id) }, unreachable: true } })).toBe(0);
  });
});

describe("Zalo OA: linking and readiness", () => {
  it("a Telegram household links its OA chat by a code sent to Telegram; its notices then go to the OA", async () => {
    fake = await startFakeOa();
    telegram = await startFakeBotApi();
    bot = await startOaBot(fake, testDb.url, { env: { TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot } });
    const tgUser = 700_000_000 + Math.floor(Math.random() * 1_000_000);
    const household = await oaHousehold(fake.user(), { telegram: tgUser });

    const chat = new OaChat(fake, bot.url, fake.user());
    await chat.send("/start", /đồng ý chứ/);
    await chat.tap("✅ Đồng ý", /Tên chủ hộ/);
    await chat.send("Hoàng Văn Nam", /Số điện thoại di động/);
    await chat.send(household.phone.replace("+84", "0"), /Telegram/);
    const yes = chat.last.buttons?.[0]?.title;
    if (!yes) throw new Error(`no link offer: ${chat.last.text}`);
    await chat.tap(yes, /mã/i);
    const codeMessage = await telegram.waitFor(() => telegram!.sentTexts(tgUser).find((t) => /\d{6}/.test(t)));
    expect(codeMessage).toMatch(/Zalo OA/);
    await chat.send(/\d{6}/.exec(codeMessage)![0], /./);
    const accounts = await testDb.db.channelAccount.findMany({ where: { householdId: household.id }, orderBy: { channel: "asc" } });
    expect(accounts.map((a) => a.channel)).toEqual(["telegram", "zalo_oa"]);
    expect((await testDb.db.household.findUniqueOrThrow({ where: { id: household.id } })).lastChannel).toBe("zalo_oa");

    const placed = await webOrder(bot, household.listingId);
    if (!placed.ok) throw new Error(placed.reason);
    await fake.waitFor(() => chat.all.some((m) => m.text?.startsWith(`🛒 Đơn mới ${placed.order.code}`)));
    expect(telegram.sentTexts(tgUser).filter((t) => t.startsWith("🛒"))).toEqual([]);
  });

  it("/readyz: ready with a live token; a revoked one makes it 503 with the reason, said once in the log", async () => {
    fake = await startFakeOa();
    bot = await startOaBot(fake, testDb.url);
    const ready = async () => {
      const res = await fetch(`${bot!.url}/readyz`);
      return { status: res.status, body: (await res.json()) as { ok: boolean; checks: Record<string, { ok: boolean; problem?: string; detail?: string }> } };
    };
    expect(await ready()).toMatchObject({ status: 200, body: { ok: true, checks: { zalo_oa: { ok: true }, database: { ok: true } } } });

    // Revoked in the developer console: the access token is refused, and so is every refresh token.
    fake.accessTokens.clear();
    fake.liveRefreshTokens.clear();
    const user = fake.user();
    expect(await fake.post(bot.url, fake.textEvent(user, "/start"))).toBe(200);
    await fake.waitFor(() => bot!.zaloOa!.stopped);
    const { status, body } = await ready();
    expect(status).toBe(503);
    expect(body.checks.zalo_oa).toMatchObject({ ok: false, problem: "token_refused", detail: expect.stringMatching(/ZALO_OA_REFRESH_TOKEN/) });
    await ready();
    expect(bot.logs.filter((l) => l.level >= 50 && l.channel === "zalo_oa")).toHaveLength(1);
  });
});
