// The Zalo Official Account channel end to end: the real app on real HTTP against the fake OA API,
// events posted to its webhook signed as Zalo signs them, on SQLite and PostgreSQL.
import { afterEach, describe, expect, it } from "vitest";
import { startFakeOa, type FakeOa } from "./fakes/zalo-oa-server.ts";
import { useTestDatabase } from "./support/db.ts";
import { OaChat, startOaBot, type OaApp } from "./support/zalo-oa.ts";

const testDb = useTestDatabase();
let fake: FakeOa | undefined;
let bot: OaApp | undefined;

afterEach(async () => {
  await bot?.stop();
  bot = undefined;
  await fake?.close();
  fake = undefined;
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
    expect(fake.sentTo(user.id)).toEqual([]);

    expect(await fake.post(url, event)).toBe(200);
    await fake.waitFor(() => fake!.sentTo(user.id).length > 0);
    expect(await fake.post(url, event)).toBe(200); // the same msg_id again: Zalo's retry, or a replay
    await bot!.engine.idle();
    expect(fake.sentTo(user.id)).toHaveLength(1);
    expect(await testDb.db.processedUpdate.count({ where: { key: { startsWith: `zalo_oa:${fake.appId}:` } } })).toBe(1);
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
