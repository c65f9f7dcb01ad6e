/**
 * Proves the fake Telegram server speaks the real wire format, by driving it
 * with grammY itself (Api, Bot, webhookCallback, auto-retry).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { autoRetry } from "@grammyjs/auto-retry";
import { Api, Bot, GrammyError, HttpError, InlineKeyboard, InputFile, webhookCallback } from "grammy";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { within } from "../support/within.ts";
import { startFakeTelegram, type FakeTelegram } from "./telegram-server.ts";

let fake: FakeTelegram;
let api: Api;

beforeEach(async () => {
  fake = await startFakeTelegram();
  api = new Api(fake.token, { apiRoot: fake.apiRoot });
});

afterEach(async () => {
  await fake.close();
});

/** A raw POST, to check status codes and bodies byte for byte. */
async function post(method: string, body: unknown, token = fake.token) {
  const res = await fetch(`${fake.apiRoot}/bot${token}/${method}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("fake Telegram Bot API server", () => {
  it("answers getMe, rejects a wrong token with 401 and unknown methods with 404", async () => {
    expect(fake.apiRoot).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const me = await api.getMe();
    expect(me).toMatchObject({ id: 7000000001, is_bot: true, username: "cho_so_test_bot" });

    const wrong = new Api("123:wrong", { apiRoot: fake.apiRoot });
    await expect(wrong.getMe()).rejects.toMatchObject({ error_code: 401, description: "Unauthorized" });

    expect(await post("noSuchMethod", {})).toEqual({
      status: 404,
      body: { ok: false, error_code: 404, description: "Not Found: method not found" },
    });
    expect(fake.calls.map((c) => [c.method, c.status])).toEqual([["getMe", 200], ["getMe", 401], ["noSuchMethod", 404]]);
  });

  it("delivers a /start command and a tapped inline button to a polling bot", async () => {
    const bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot } });
    const taps: string[] = [];
    bot.command("start", (ctx) =>
      ctx.reply(`Xin chào ${ctx.from?.first_name}`, {
        reply_markup: new InlineKeyboard().text("Bán rau", "sell:veg").text("Mua", "buy"),
      }),
    );
    bot.on("callback_query:data", async (ctx) => {
      taps.push(ctx.callbackQuery.data);
      await ctx.answerCallbackQuery();
      await ctx.editMessageText("Đã chọn: bán rau"); // no reply_markup: Telegram drops the keyboard
    });
    const running = bot.start({ timeout: 1 });
    const lan = { id: 42, first_name: "Lan" };

    await fake.sendText(lan, "/start");
    const [welcome] = await fake.waitForMessages(42, 1);
    expect(welcome.message).toMatchObject({
      message_id: 2, // the user's /start was message 1 in this chat
      chat: { id: 42, type: "private", first_name: "Lan" },
      from: { id: 7000000001, is_bot: true },
      text: "Xin chào Lan",
      reply_markup: { inline_keyboard: [[{ text: "Bán rau", callback_data: "sell:veg" }, { text: "Mua", callback_data: "buy" }]] },
    });
    expect(() => fake.tapButton(lan, "Bán cá")).toThrow(/Available: "Bán rau" \(data "sell:veg"\), "Mua" \(data "buy"\)/);

    await fake.tapButton(lan, "Bán rau");
    await fake.waitFor(() => fake.lastText(42) === "Đã chọn: bán rau");
    expect(taps).toEqual(["sell:veg"]);
    expect(fake.callbackAnswers).toEqual([fake.updates.at(-1)?.callback_query?.id]);
    expect(welcome.message.reply_markup).toBeUndefined();
    expect(() => fake.tapButton(lan, "Mua")).toThrow(/no message with an inline keyboard/);

    await bot.stop();
    await running;
  });

  it("lets auto-retry wait out a 429 without violations", async () => {
    api.config.use(autoRetry());
    fake.failNext("sendMessage", { kind: "429", retryAfter: 1 });
    const started = Date.now();
    const message = await api.sendMessage(7, "hello");
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(message).toMatchObject({ chat: { id: 7 }, text: "hello" });
    expect(fake.callsTo("sendMessage").map((c) => c.status)).toEqual([429, 200]);
    expect(fake.violations).toBe(0);
  });

  it("uses the real 429/500 wire format and counts early retries as violations", async () => {
    fake.failNext("sendMessage", { kind: "429", retryAfter: 5 }, { chatId: 7 });
    expect(await post("sendMessage", { chat_id: 7, text: "x" })).toEqual({
      status: 429,
      body: { ok: false, error_code: 429, description: "Too Many Requests: retry after 5", parameters: { retry_after: 5 } },
    });
    await sleep(1000); // past the in-flight grace period (250 ms, plus however late the event loop ran)
    expect((await post("sendMessage", { chat_id: 7, text: "x" })).status).toBe(429);
    expect(fake.violations).toBe(1);
    expect((await post("sendMessage", { chat_id: 8, text: "other chat is fine" })).status).toBe(200);

    fake.failNext("getMe", { kind: "500" });
    expect(await post("getMe", {})).toEqual({ status: 500, body: { ok: false, error_code: 500, description: "Internal Server Error" } });

    fake.setRateLimit(2);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await post("sendChatAction", { chat_id: 9, action: "typing" })).status);
    expect(statuses).toEqual([200, 200, 429]);
    expect(fake.busiestWindow(1000, (c) => c.method === "sendChatAction")).toBe(3);

    // With a tolerance the limit holds within a shorter window: 2 per 100 ms here.
    fake.setRateLimit(2, { toleranceMs: 900 });
    await sleep(1000); // past the flood wait the 429 above asked for
    expect((await post("sendChatAction", { chat_id: 10, action: "typing" })).status).toBe(200);
    expect((await post("sendChatAction", { chat_id: 10, action: "typing" })).status).toBe(200);
    await sleep(150); // (a slower machine only waits longer: no false pass or failure)
    expect((await post("sendChatAction", { chat_id: 10, action: "typing" })).status).toBe(200);
  });

  // Retried: in one CI run (PostgreSQL suite beside the SQLite one, load ~8) the 500 ms hold measured
  // 22 ms; the cause is not found yet (issue 24). This tests the fake itself, not the product.
  it("with plusLoopLag, forgives as much bunching as its event loop ran late, and no more", { retry: 2 }, async () => {
    const typing = (chat: number) => post("sendChatAction", { chat_id: chat, action: "typing" }).then((r) => r.status);
    /** Holds this process's event loop, as a busy machine or a long synchronous stretch of the app would. */
    const holdLoop = (ms: number) => {
      const until = Date.now() + ms;
      while (Date.now() < until);
    };
    fake.setRateLimit(2, { perChat: true, plusLoopLag: true });
    // A loop on time: the limit holds over (nearly) the whole second.
    expect([await typing(11), await typing(11), await typing(11)]).toEqual([200, 200, 429]);
    // Two requests, then the loop is held up for 500 ms: the third, 600 ms after them, is forgiven, since
    // the window shrinks by the lag measured (to about 500 ms).
    expect([await typing(12), await typing(12)]).toEqual([200, 200]);
    holdLoop(500);
    await sleep(100); // the lag is measured when the loop runs again
    expect(fake.loopLagSince(Date.now() - 1000)).toBeGreaterThanOrEqual(450);
    expect(await typing(12)).toBe(200);
    // The same without plusLoopLag: the held-up loop is no excuse (600 ms is well within the second).
    fake.setRateLimit(2, { perChat: true });
    expect([await typing(13), await typing(13)]).toEqual([200, 200]);
    holdLoop(500);
    await sleep(100);
    expect(await typing(13)).toBe(429);
  });

  it("holds requests for the latency asked, so sends made at once can take effect out of order", async () => {
    fake.setLatency((method, chatId) => (method === "sendMessage" && chatId === 1 ? 300 : 0));
    const slow = api.sendMessage(1, "first, slow");
    await fake.waitFor(() => fake.callsTo("sendMessage").length === 1); // the slow one has arrived
    await api.sendMessage(2, "second, fast");
    expect(fake.sent().map((m) => m.text)).toEqual(["second, fast"]);
    await slow;
    expect(fake.sent().map((m) => m.text)).toEqual(["second, fast", "first, slow"]);
    fake.setLatency(null);
    await api.sendMessage(1, "no latency");
    expect(fake.sent().at(-1)?.text).toBe("no latency");
  });

  it("surfaces a scripted 403 as GrammyError for that chat only", async () => {
    fake.failNext("sendMessage", { kind: "403" }, { chatId: 5 });
    await expect(api.sendMessage(6, "ok")).resolves.toMatchObject({ chat: { id: 6 } });
    const error = await api.sendMessage(5, "blocked?").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GrammyError);
    expect(error).toMatchObject({ error_code: 403, description: "Forbidden: bot was blocked by the user" });
    await expect(api.sendMessage(5, "times: 1 is used up")).resolves.toMatchObject({ chat: { id: 5 } });
  });

  it("drops the connection for a scripted timeout", async () => {
    fake.failNext("sendChatAction", { kind: "timeout", ms: 100 });
    const error = await api.sendChatAction(1, "typing").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    await expect(api.sendChatAction(1, "typing")).resolves.toBe(true);
    expect(fake.callsTo("sendChatAction").map((c) => c.status)).toEqual([0, 200]);
  });

  it("posts updates to a webhook with the secret header, and refuses getUpdates meanwhile", async () => {
    // canUseWebhookReply makes grammY answer the webhook POST with the sendMessage call itself.
    const bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot, canUseWebhookReply: (m) => m === "sendMessage" } });
    bot.on("message:text", (ctx) => ctx.reply(`echo: ${ctx.message.text}`));
    const handle = webhookCallback(bot, "http", { secretToken: "s3cr3t_token" });
    const secrets: unknown[] = [];
    const server = http.createServer((req, res) => {
      secrets.push(req.headers["x-telegram-bot-api-secret-token"]);
      void handle(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    try {
      await bot.api.setWebhook(url, { secret_token: "s3cr3t_token" });
      expect(fake.webhook).toEqual({ url, secret_token: "s3cr3t_token" });

      expect(await fake.sendText({ id: 9, first_name: "Minh" }, "chào")).toBe(200);
      expect(secrets).toEqual(["s3cr3t_token"]);
      expect(fake.lastText(9)).toBe("echo: chào");
      expect(fake.calls.at(-1)).toMatchObject({ method: "sendMessage", via: "webhook-reply", status: 200 });

      const conflict = await api.getUpdates().catch((e: unknown) => e);
      expect(conflict).toBeInstanceOf(GrammyError);
      expect(conflict).toMatchObject({ error_code: 409 });

      fake.webhook = { url, secret_token: "not_the_right_one" };
      expect(await fake.sendText({ id: 9 }, "giả mạo")).toBe(401); // grammY rejects a wrong secret
      expect(await api.getWebhookInfo()).toMatchObject({ url, pending_update_count: 0, last_error_message: expect.stringContaining("401") });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("implements getUpdates offsets, long polling, re-delivery, conflicts and prompt close", async () => {
    await fake.sendText({ id: 1 }, "a");
    await fake.sendText({ id: 1 }, "b");
    const both = await api.getUpdates({ offset: 0 });
    expect(both.map((u) => u.message?.text)).toEqual(["a", "b"]);
    expect(both[1].update_id).toBe(both[0].update_id + 1);
    const rest = await api.getUpdates({ offset: both[1].update_id }); // confirms "a"
    expect(rest.map((u) => u.message?.text)).toEqual(["b"]);

    // A poll of 300 s that answers within 20 s was woken by the update, not by its timeout.
    const offset = both[1].update_id + 1;
    const waiting = api.getUpdates({ offset, timeout: 300 });
    await fake.waitFor(() => fake.calls.at(-1)?.method === "getUpdates" && fake.calls.at(-1)?.status === undefined);
    await fake.sendText({ id: 1 }, "c");
    const [c] = await within(waiting, 20_000, "the held poll answers with the new update");
    expect(c.message?.text).toBe("c");

    // A test can re-deliver an update the bot already confirmed.
    await api.getUpdates({ offset: c.update_id + 1, timeout: 0 });
    await fake.pushUpdate(c);
    expect((await api.getUpdates({ offset: c.update_id + 1 })).map((u) => u.update_id)).toEqual([c.update_id]);

    // A second poller terminates the first, like two bot instances would.
    const isHeld = () => fake.calls.at(-1)?.method === "getUpdates" && fake.calls.at(-1)?.status === undefined;
    const first = api.getUpdates({ timeout: 5 }).catch((e: unknown) => e);
    await fake.waitFor(isHeld);
    await api.getUpdates({ timeout: 0 });
    expect(await first).toMatchObject({ error_code: 409, description: expect.stringContaining("terminated by other getUpdates") });

    const held = api.getUpdates({ timeout: 300 });
    await fake.waitFor(isHeld);
    await fake.close();
    expect(await within(held, 20_000, "close() ends the held poll")).toEqual([]);
  });

  it("models edits, parse errors and button limits like Telegram", async () => {
    const keyboard = new InlineKeyboard().text("OK", "ok");
    const m = await api.sendMessage(3, "<b>Giá</b> 10.000đ &amp; rẻ", { parse_mode: "HTML", reply_markup: keyboard });
    expect(m.text).toBe("Giá 10.000đ & rẻ");
    await expect(api.editMessageText(3, m.message_id, "<b>Giá</b> 10.000đ &amp; rẻ", { parse_mode: "HTML", reply_markup: keyboard }))
      .rejects.toMatchObject({ error_code: 400, description: expect.stringContaining("message is not modified") });
    const edited = await api.editMessageText(3, m.message_id, "Hết hàng");
    expect(edited).toMatchObject({ message_id: m.message_id, text: "Hết hàng", edit_date: expect.any(Number) });
    expect(edited).not.toHaveProperty("reply_markup");
    await expect(api.deleteMessage(3, m.message_id)).resolves.toBe(true);
    await expect(api.deleteMessage(3, m.message_id)).rejects.toMatchObject({ description: "Bad Request: message to delete not found" });
    expect(fake.sent(3)[0]).toMatchObject({ text: "Hết hàng", deleted: true });

    await expect(api.sendMessage(3, "giá <5kg", { parse_mode: "HTML" })).rejects.toMatchObject({
      error_code: 400, description: expect.stringContaining("can't parse entities"),
    });
    await expect(api.sendMessage(3, "Giá 10.000đ", { parse_mode: "MarkdownV2" })).rejects.toMatchObject({
      description: expect.stringContaining("Character '.' is reserved"),
    });
    const longData = "chọn:rau cải ngọt Lạng Sơn hữu cơ loại một, giao tận nhà"; // 56 chars, 75 bytes
    expect(longData.length).toBeLessThan(64);
    await expect(api.sendMessage(3, "x", { reply_markup: new InlineKeyboard().text("Rau", longData) })).rejects.toMatchObject({
      description: "Bad Request: BUTTON_DATA_INVALID",
    });
  });

  it("stores commands per scope and language", async () => {
    await api.setMyCommands([{ command: "start", description: "Bắt đầu" }]);
    await api.setMyCommands([{ command: "start", description: "Start" }], { language_code: "en" });
    await api.setMyCommands([{ command: "admin", description: "Quản trị" }], { scope: { type: "chat", chat_id: 99 } });
    expect(await api.getMyCommands()).toEqual([{ command: "start", description: "Bắt đầu" }]);
    expect(await api.getMyCommands({ language_code: "en" })).toEqual([{ command: "start", description: "Start" }]);
    expect(fake.commandsFor({ scope: { type: "chat", chat_id: 99 } })).toEqual([{ command: "admin", description: "Quản trị" }]);
    expect([...fake.commands.keys()]).toEqual(["default|", "default|en", "chat:99|"]);
    await expect(api.setMyCommands([{ command: "Bán-Rau", description: "x" }])).rejects.toMatchObject({ description: "Bad Request: BOT_COMMAND_INVALID" });
  });

  it("builds contact, photo and sticker updates, and accepts photos by file_id and multipart upload", async () => {
    await fake.shareContact({ id: 11, first_name: "Hoa" }, "+84912345678");
    await fake.shareContact({ id: 11 }, "0987654321", { ownerId: 12, firstName: "Tuấn" });
    await fake.sendPhoto({ id: 11 }, { caption: "Ảnh rau" });
    await fake.sendSticker({ id: 11 });
    const [own, other, photoUpdate, sticker] = await api.getUpdates();
    expect(own.message).toMatchObject({ from: { id: 11, first_name: "Hoa" }, contact: { phone_number: "+84912345678", first_name: "Hoa", user_id: 11 } });
    expect(other.message?.contact).toEqual({ phone_number: "0987654321", first_name: "Tuấn", user_id: 12 });
    const photo = photoUpdate.message?.photo ?? [];
    expect(photo).toHaveLength(3);
    expect(photo[2]).toMatchObject({ file_id: expect.any(String), file_unique_id: expect.any(String), width: 1280, height: 960 });
    expect(photoUpdate.message?.caption).toBe("Ảnh rau");
    expect(sticker.message?.sticker).toMatchObject({ type: "regular", emoji: "👍" });

    const resent = await api.sendPhoto(11, photo[2].file_id, { caption: "Đã nhận" });
    expect(resent.photo).toEqual(photo);
    const uploaded = await api.sendPhoto(11, new InputFile(new Uint8Array([1, 2, 3, 4]), "rau.jpg"), {
      caption: "Mới", reply_markup: new InlineKeyboard().text("Mua", "buy:1"),
    });
    expect(uploaded).toMatchObject({ caption: "Mới", reply_markup: { inline_keyboard: [[{ text: "Mua", callback_data: "buy:1" }]] } });
    // the upload as it arrived: its name, size and bytes
    expect(fake.calls.at(-1)?.body.photo).toEqual({ filename: "rau.jpg", size: 4, data: Buffer.from([1, 2, 3, 4]) });
    expect(fake.sentTexts(11)).toEqual(["Đã nhận", "Mới"]);
    await expect(api.sendPhoto(11, "not-a-file-id")).rejects.toMatchObject({ error_code: 400 });

    await fake.tapButton({ id: 11 }, "buy:1"); // by callback_data
    const updates = await api.getUpdates({ offset: sticker.update_id + 1 });
    expect(updates[0].callback_query).toMatchObject({ data: "buy:1", from: { id: 11 }, message: { message_id: uploaded.message_id } });
  });

  it("explains what was sent when waitForMessages times out", async () => {
    await api.sendMessage(20, "một");
    await expect(fake.waitForMessages(20, 2, { timeoutMs: 50 })).rejects.toThrow(/expected 2 message\(s\) to chat 20, the bot sent 1:\n.*"một"/);
  });
});
