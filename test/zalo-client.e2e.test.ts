// The Zalo sending policy against the fake Bot API: 429/5xx are retried with backoff (fast timings
// here), 401 stops the channel with an alert, a timed-out send is not repeated, 403 marks the chat
// unreachable, answers without `result` are accepted, and long replies are split below 2000.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ZaloApiError, ZaloClient, ZaloNetworkError } from "../src/channels/zalo/client.ts";
import { Outbox } from "../src/engine/outbox.ts";
import type { FakeZalo } from "./fakes/zalo-server.ts";
import { freePort } from "./support/bot.ts";
import { useTestDatabase } from "./support/db.ts";
import { usePostgres } from "./support/paths.ts";
import {
  memoryLogger,
  newZaloUser,
  registerOnZalo,
  startFakeZaloBot,
  startZaloBot,
  ZaloChat,
  type LogLine,
  type ZaloApp,
} from "./support/zalo.ts";

const testDb = useTestDatabase();

let fake: FakeZalo | undefined;
let bot: ZaloApp | undefined;

afterEach(async () => {
  await bot?.stop();
  bot = undefined;
  await fake?.close();
  fake = undefined;
});

async function start(options: Parameters<typeof startFakeZaloBot>[0] = {}, timing = {}) {
  fake = await startFakeZaloBot(options);
  bot = await startZaloBot(fake, testDb.url, "polling", { timing });
  return { fake, bot };
}

const ERROR = 50;
const logged = (lines: LogLine[], msg: RegExp, minLevel = 0) => lines.filter((l) => l.level >= minLevel && msg.test(l.msg ?? ""));
/**
 * The sends to one chat. A new bot also delivers replies an earlier test's bot could not (they wait in
 * the outbox of the shared database), so a test reads the calls to its own chat only.
 */
const sendsTo = (fake: FakeZalo, chat: ZaloChat) => fake.callsTo("sendMessage").filter((c) => c.body.chat_id === chat.user.id);

describe("retries", () => {
  it("retries a 429 after a pause and delivers the reply", async () => {
    const { fake, bot } = await start();
    const chat = new ZaloChat(fake, newZaloUser());
    fake.failNext("sendMessage", { kind: "429" }, { chatId: chat.user.id });
    await chat.send("/start", /đồng ý chứ/);
    expect(chat.messages[0]).toMatch(/Chợ Số giúp bà con/);
    const statuses = sendsTo(fake, chat).map((c) => c.status);
    expect(statuses).toEqual([429, 200]); // one message (greeting and consent question): refused, then delivered
    const [refused, retried] = sendsTo(fake, chat);
    expect(retried.time - refused.time).toBeGreaterThanOrEqual(2); // half the 5 ms base step at least
    expect(logged(bot.logs, /retrying/)).toHaveLength(1);
  });

  it("retries a 500 the same way", async () => {
    const { fake } = await start();
    const chat = new ZaloChat(fake, newZaloUser());
    fake.failNext("sendMessage", { kind: "500" }, { chatId: chat.user.id, times: 2 });
    await chat.send("/start", /đồng ý chứ/);
    expect(sendsTo(fake, chat).map((c) => c.status)).toEqual([500, 500, 200]);
  });

  it("gives up after 5 tries of 429, logs it, and works again afterwards", async () => {
    const { fake, bot } = await start();
    const chat = new ZaloChat(fake, newZaloUser());
    fake.failNext("sendMessage", { kind: "429" }, { chatId: chat.user.id, times: 5 });
    await fake.sendText(chat.user, "/start");
    await fake.waitFor(() => logged(bot.logs, /Zalo send failed; gave up/, ERROR).length === 1);
    expect(sendsTo(fake, chat).map((c) => c.status)).toEqual([429, 429, 429, 429, 429]);
    expect(logged(bot.logs, /Zalo send failed; gave up/)[0]).toMatchObject({ code: 429, detail: "429 Quota exceeded", chat: chat.user.id });
    expect(chat.all).toEqual([]);
    await chat.send("/start", /đồng ý chứ/); // the quota came back: the conversation goes on
  });
});

describe("a dead token (401)", () => {
  it("stops polling and sending, and raises a fatal alert once", async () => {
    const { fake, bot } = await start();
    const chat = new ZaloChat(fake, newZaloUser());
    fake.failNext("sendMessage", { kind: "401" }, { chatId: chat.user.id }); // not a reply an earlier test left
    await fake.sendText(chat.user, "/start");
    await fake.waitFor(() => bot.zalo!.stopped);
    const alerts = bot.logs.filter((l) => l.level >= ERROR && l.alert === "zalo-token-rejected");
    expect(alerts).toHaveLength(1);
    expect(alerts[0].level).toBe(60); // fatal
    expect(alerts[0].msg).toMatch(/ZALO_BOT_TOKEN/);

    await fake.waitFor(() => fake.callsTo("getUpdates").every((c) => c.status !== undefined)); // the held poll ended
    // The poll loop has ended (it logs so as it leaves): nothing is left that could poll on its own.
    await fake.waitFor(() => logged(bot.logs, /Zalo polling stopped/).length === 1);
    const calls = fake.calls.length;
    await fake.sendText(chat.user, "còn đó không?");
    expect(fake.calls.length).toBe(calls); // no more polls, no more sends
    expect(await bot.zalo!.send(chat.user.id, [{ text: "x" }], "vi")).toMatchObject({ ok: false, reason: "failed" });
    expect(fake.calls.length).toBe(calls);
    expect(JSON.stringify(bot.logs)).not.toContain(fake.token.split(":")[1]); // the secret part never logged
  });

  it("at start leaves the app running (Telegram would carry on) with the Zalo channel stopped", async () => {
    // A reply an earlier run could not send waits in the outbox: the refused token is not used for it.
    const leftover = { channel: "zalo" as const, chatKey: newZaloUser().id, locale: "vi" };
    await testDb.db.$transaction((tx) => new Outbox(testDb.db, { postgres: usePostgres, leaseMs: 30_000 }).write(tx, [{ to: leftover, messages: [{ text: "x" }] }], 0));
    fake = await startFakeZaloBot();
    fake.failNext("getMe", { kind: "401" });
    bot = await startZaloBot(fake, testDb.url, "polling", { delivery: { sweepEveryMs: 20 } });
    expect(bot.zalo!.stopped).toBe(true);
    expect(bot.logs.filter((l) => l.alert === "zalo-token-rejected")).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 200)); // several sweeps
    expect(fake.calls.map((c) => c.method)).toEqual(["getMe"]); // no deleteWebhook, no polling, no leftover sent
    expect(await testDb.db.chatOutbox.count({ where: { chatKey: leftover.chatKey } })).toBe(1); // kept for a start with a good token
    await testDb.db.chatOutbox.deleteMany({ where: { chatKey: leftover.chatKey } }); // the next tests start clean
    expect((await fetch(`${bot.url}/healthz`)).status).toBe(200);
  });

  it("refuses webhook deliveries once stopped", async () => {
    fake = await startFakeZaloBot();
    bot = await startZaloBot(fake, testDb.url, "webhook");
    const chat = new ZaloChat(fake, newZaloUser());
    fake.failNext("sendMessage", { kind: "401" }, { chatId: chat.user.id }); // not a reply an earlier test left
    expect(await fake.sendText(chat.user, "/start")).toBe(200);
    await fake.waitFor(() => bot!.zalo!.stopped);
    expect(await fake.sendText(chat.user, "1")).toBe(503);
  });
});

describe("a send that times out", () => {
  it("is not repeated (it may have been delivered); the person can carry on", async () => {
    const { fake, bot } = await start({}, { requestTimeoutMs: 300 });
    const chat = new ZaloChat(fake, newZaloUser());
    fake.failNext("sendMessage", { kind: "hang", deliver: true }, { chatId: chat.user.id });
    await fake.sendText(chat.user, "/start");
    await fake.waitFor(() => logged(bot.logs, /timed out; not repeated/, ERROR).length === 1);
    // The person carries on: the same chat's next turn is the marker (a chat's messages go out in
    // order, so a repeat of the timed-out send would come before its answer).
    await chat.send("/start", /^Mình tiếp tục[^]*đồng ý chứ/);
    const mine = sendsTo(fake, chat);
    expect(mine.map((c) => c.status)).toEqual([0, 200]); // the timed-out send was not repeated
    expect(chat.all).toHaveLength(2); // the greeting with the consent question arrived exactly once
    expect(chat.last).toMatch(/^Mình tiếp tục từ chỗ bạn dừng lần trước nhé\.\n\nĐể mở cửa hàng/);
  });
});

describe("a chat that cannot be reached (403)", () => {
  it("marks the account unreachable, also when Zalo puts the error only in the body", async () => {
    const { fake } = await start({ errorsAsHttp200: true });
    const chat = new ZaloChat(fake, newZaloUser("Vi Văn Tám"));
    await registerOnZalo(chat, { phone: "0916 135 790" });
    fake.failNext("sendMessage", { kind: "403" }, { chatId: chat.user.id });
    await fake.sendText(chat.user, "/menu");
    await expect
      .poll(async () => (await testDb.db.channelAccount.findFirst({ where: { channel: "zalo", userKey: chat.user.id } }))?.unreachable)
      .toBe(true);
    await chat.send("/menu", /Bạn muốn làm gì/); // writing again makes it reachable again
    expect((await testDb.db.channelAccount.findFirst({ where: { channel: "zalo", userKey: chat.user.id } }))?.unreachable).toBe(false);
  });
});

describe("long replies", () => {
  it("splits a reply over 2000 characters on line breaks, so Zalo never refuses it", async () => {
    const { fake, bot } = await start();
    const chatId = newZaloUser().id;
    const lines = Array.from({ length: 120 }, (_, i) => `Rau cải ngọt Lạng Sơn, bó số ${i + 1}, giá 10.000 đ một bó`);
    const result = await bot.zalo!.send(
      chatId,
      [{ text: lines.join("\n"), choices: [[{ id: "a", label: "Đồng ý" }], [{ id: "b", label: "Không" }]] }],
      "vi",
    );
    expect(result).toEqual({ ok: true });
    const parts = fake.sentTexts(chatId);
    expect(parts.length).toBe(4);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(2000);
    // Joined with line breaks they give the whole text back: every cut was at a line break.
    expect(parts.join("\n")).toBe(`${lines.join("\n")}\n1. Đồng ý\n2. Không\nTrả lời 1 hoặc 2`);

    // No line breaks, and characters that count twice in UTF-16.
    expect(await bot.zalo!.send(chatId, [{ text: "🌾".repeat(2500) }, { text: "x".repeat(4500) }], "vi")).toEqual({ ok: true });
    for (const p of fake.sentTexts(chatId)) expect(p.length).toBeLessThanOrEqual(2000);
    expect(fake.sentTexts(chatId).slice(4).join("")).toBe("🌾".repeat(2500) + "x".repeat(4500));
    expect(fake.calls.filter((c) => c.status === 400)).toEqual([]);
  });

  it("sends a photo with its text as caption, and skips photos that are not URLs", async () => {
    const { fake, bot } = await start();
    const chatId = newZaloUser().id;
    await bot.zalo!.send(chatId, [{ text: "Hoa hồi khô", photo: { ref: "https://example.com/hoi.jpg" } }, { text: "Na", photo: { ref: "AgACAgIAAx-telegram-file-id" } }], "vi");
    expect(fake.sent(chatId)).toMatchObject([
      { method: "sendPhoto", photo: "https://example.com/hoi.jpg", caption: "Hoa hồi khô" },
      { method: "sendMessage", text: "Na" },
    ]);
  });
});

describe("the client on its own", () => {
  it("accepts {ok:true} without result for sendChatAction and for a send", async () => {
    fake = await startFakeZaloBot();
    const client = new ZaloClient({ token: fake.token, apiRoot: fake.apiRoot, log: memoryLogger().log });
    await expect(client.sendChatAction({ chat_id: "c", action: "typing" })).resolves.toBeUndefined();
    fake.failNext("sendMessage", { kind: "no-result" });
    await expect(client.sendMessage({ chat_id: "c", text: "xin chào" })).resolves.toEqual({});
    await expect(client.getMe()).resolves.toMatchObject({ id: fake.botId });
    expect(await client.getWebhookInfo()).toEqual({ url: "", updated_at: expect.any(Number) });
  });

  it("backs off 1 s doubling to 30 s with jitter, and retries a refused connection (nothing was sent)", async () => {
    const sleeps: number[] = [];
    const client = new ZaloClient({
      token: "1234:secret-token",
      apiRoot: `http://127.0.0.1:${await freePort()}`, // nobody listens here
      log: memoryLogger().log,
      timing: { sleep: async (ms) => void sleeps.push(ms), random: () => 1 },
    });
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => client.backoff(n))).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
    const low = new ZaloClient({ token: "1:x", log: memoryLogger().log, timing: { random: () => 0 } });
    expect(low.backoff(1)).toBe(500);

    const err = await client.sendMessage({ chat_id: "c", text: "x" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZaloNetworkError);
    expect((err as ZaloNetworkError).reachedServer).toBe(false);
    expect(sleeps).toEqual([1000, 2000, 4000, 8000]); // 5 tries in all
  });

  it("treats an empty long poll (408) as no updates", async () => {
    fake = await startFakeZaloBot();
    const client = new ZaloClient({ token: fake.token, apiRoot: fake.apiRoot, log: memoryLogger().log });
    await expect(client.getUpdates({ timeout: 0.1 })).resolves.toEqual([]);
    await fake.sendText(newZaloUser(), "chào");
    expect((await client.getUpdates({ timeout: 1 })).map((u) => u.message?.text)).toEqual(["chào"]);
    await expect(new ZaloClient({ token: `${fake.botId}:wrong`, apiRoot: fake.apiRoot, log: memoryLogger().log }).getMe())
      .rejects.toBeInstanceOf(ZaloApiError);
  });
});
