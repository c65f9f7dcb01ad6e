// No token, key, secret, phone number or message text in any log line, whatever fails. The real app
// with the product's logger: Telegram by webhook and by polling, Zalo by webhook, the web order form,
// the web chat and the partner and carrier APIs all carry phone numbers and a marked text while the
// database refuses every order and every turn (tables renamed away), and while malformed updates
// arrive. Every failure is logged (checked), and no captured line holds a configured secret, a bot
// token, a Vietnamese phone number in any spelling, or the marked text.
import { Api, BotError, Context } from "grammy";
import type { Update, UserFromGetMe } from "grammy/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configuredSecrets, loadConfig } from "../src/config.ts";
import { createLogger, serializeError } from "../src/log.ts";
import type { FakeTelegram } from "./fakes/telegram-server.ts";
import type { FakeZalo } from "./fakes/zalo-server.ts";
import { CARRIER_KEYS, PARTNER_KEYS, orderFor, sellerWithListing } from "./support/api.ts";
import { startFakeBotApi, WEBHOOK_SECRET } from "./support/bot.ts";
import { useTestDatabase } from "./support/db.ts";
import { send, startSecApp, telegramText, zaloText, type SecApp } from "./support/security.ts";
import { newZaloUser, startFakeZaloBot, ZALO_WEBHOOK_SECRET } from "./support/zalo.ts";
import { Writable } from "node:stream";

const testDb = useTestDatabase();

/** A text no log line may carry (it stands for what people write to the bot). */
const MARK = "Nhà bà Tư cạnh cây đa xyzzy";
const PHONES = ["0912 345 678", "0912345678", "+84 987 654 321", "84987654321", "091.234.5678"];
/** Vietnamese numbers however spelled; not inside a longer run of digits (ids, timestamps). */
const VN_PHONE = /(?<![\d])(?:\+?84|0)[\s.-]?[35789](?:[\s.-]?\d){8}(?!\d)/;

const until = async (what: string, check: () => boolean, ms = 20_000) => {
  for (const end = Date.now() + ms; !check(); ) {
    if (Date.now() > end) throw new Error(`waited ${ms} ms for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

let tg: FakeTelegram;
let tgPolled: FakeTelegram;
let zalo: FakeZalo;
let hook: SecApp;
let poll: SecApp;
let web: SecApp;

beforeAll(async () => {
  [tg, tgPolled, zalo] = await Promise.all([startFakeBotApi(), startFakeBotApi(), startFakeZaloBot()]);
  hook = await startSecApp(testDb.url, { telegram: tg, zalo, webhook: true });
  poll = await startSecApp(testDb.url, { telegram: tgPolled });
  web = await startSecApp(testDb.url, {}); // no bot token: the web chat is served
}, 60_000);

afterAll(async () => {
  for (const app of [hook, poll, web]) await app?.stop();
  for (const fake of [tg, tgPolled, zalo]) await fake?.close();
});

describe("log lines under failure", () => {
  it("hold no secret, phone number or message text on any route or channel", async () => {
    const seller = await sellerWithListing(hook, tg, { userId: 6_100_001, phone: "84912000111", name: "Hoàng Văn Sơn", sentence: "ban 10 kg hoi kho 80k" });
    const shop = await testDb.db.shop.findUniqueOrThrow({ where: { id: seller.shopId } });

    // From here every order and every turn fails in the database.
    for (const table of ["Order", "ProcessedUpdate", "Pickup"]) await testDb.db.$executeRawUnsafe(`ALTER TABLE "${table}" RENAME TO "${table}_gone"`);

    const tgHeaders = { "x-telegram-bot-api-secret-token": WEBHOOK_SECRET };
    const json = "application/json";
    // Telegram by webhook: texts and a contact card with phones, malformed updates with phones inside.
    const user = 6_100_002;
    const text = (n: number) => `${MARK}, gọi ${PHONES[n % PHONES.length]}`;
    expect((await send(hook.url, "/webhook/telegram", { body: JSON.stringify(telegramText(900_001, user, text(0))), type: json, headers: tgHeaders })).status).toBe(200);
    await tg.shareContact({ id: user, first_name: "Lan" }, "+84987654321");
    const malformed = [
      { update_id: 900_002, message: { a: 1, text: text(1) } },
      { update_id: 900_003, callback_query: { id: "1", from: { id: user, first_name: "Lan" }, data: 84912345678 } },
      { update_id: 900_004, message: { message_id: 1, date: 1, chat: { id: user, type: "private" }, from: { id: user, first_name: MARK }, text: 912345678 } },
    ];
    for (const u of malformed) expect((await send(hook.url, "/webhook/telegram", { body: JSON.stringify(u), type: json, headers: tgHeaders })).status).toBe(200);

    // Telegram by polling.
    await tgPolled.sendText({ id: 6_100_003, first_name: "Lan" }, text(2));
    await tgPolled.pushUpdate({ message: { a: 1, text: text(3) } } as unknown as Partial<Update>);

    // Zalo by webhook, well formed and not.
    const zaloUser = newZaloUser();
    const zHeaders = { "x-bot-api-secret-token": ZALO_WEBHOOK_SECRET };
    expect((await send(hook.url, "/webhook/zalo", { body: JSON.stringify(zaloText("a1b2c3d4e5f6a7b8c9d0", zaloUser.id, text(4))), type: json, headers: zHeaders })).status).toBe(200);
    const badZalo = { ok: true, result: { event_name: "message.text.received", message: { from: { id: zaloUser.id }, message_id: "ffee", text: 912345678, caption: text(0) } } };
    expect((await send(hook.url, "/webhook/zalo", { body: JSON.stringify(badZalo), type: json, headers: zHeaders })).status).toBe(200);

    // Web order form and web chat.
    const form = new URLSearchParams({ listing: seller.listingId, quantity: "1", name: "Trần Thị Mai", phone: PHONES[0], province: "20", district: "", address: MARK });
    expect((await send(hook.url, `/s/${shop.slug}`, { body: form.toString(), type: "application/x-www-form-urlencoded" })).status).toBe(500);
    const chat = await send(web.url, "/chat/api/send", { body: JSON.stringify({ session: "s".repeat(20), text: text(1) }), type: json });
    expect(chat.status).toBeLessThan(600); // the turn fails inside; the answer is the apology or a 500

    // Partner and carrier APIs.
    const bearer = (key: string) => ({ authorization: `Bearer ${key}`, "idempotency-key": "k-1" });
    const order = orderFor(seller.listingId, 1, { phone: PHONES[2], address: MARK });
    expect((await send(hook.url, "/api/v1/orders", { body: JSON.stringify(order), type: json, headers: bearer(PARTNER_KEYS.postmart) })).status).toBe(500);
    expect((await send(hook.url, "/api/v1/carrier/pickups", { headers: bearer(CARRIER_KEYS.viettel_post) })).status).toBe(500);
    expect((await send(hook.url, "/api/v1/carrier/pickups/p1/status", { body: '{"status":"picked_up"}', type: json, headers: bearer(CARRIER_KEYS.vnpost) })).status).toBe(500);

    // Every failure made its line.
    const has = (app: SecApp, msg: string) => app.lines.some((l) => (JSON.parse(l) as { msg?: string }).msg === msg);
    await until("failed turns logged", () => hook.lines.filter((l) => l.includes('"turn failed"')).length >= 3 && has(poll, "turn failed") && has(web, "turn failed"));
    await until("skipped updates logged", () => hook.lines.filter((l) => l.includes("update skipped (malformed)")).length >= 4 && has(poll, "update skipped (malformed)"));
    expect(has(hook, "web request failed")).toBe(true);
    expect(hook.lines.filter((l) => l.includes('"api request failed"')).length).toBe(3);

    const secrets = [...configuredSecrets(hook.config), ...configuredSecrets(poll.config), tg.token, tgPolled.token, zalo.token, WEBHOOK_SECRET, ZALO_WEBHOOK_SECRET, ...Object.values(PARTNER_KEYS), ...Object.values(CARRIER_KEYS)];
    const lines = [...hook.lines, ...poll.lines, ...web.lines];
    expect(lines.length).toBeGreaterThan(20);
    for (const line of lines) {
      for (const s of secrets) expect(line.includes(s), `a secret in: ${line}`).toBe(false);
      expect(VN_PHONE.test(line), `a phone number in: ${line}`).toBe(false);
      expect(line.includes("xyzzy"), `message text in: ${line}`).toBe(false);
      expect(line.includes("bot_token") || line.includes('"ctx"'), `a context object in: ${line}`).toBe(false);
    }
  }, 90_000);
});

describe("serializeError", () => {
  const token = "7123456789:AAH-secret-token-for-tests_0123456789";
  const update = { update_id: 1, message: { message_id: 1, date: 1, chat: { id: 5, type: "private" }, from: { id: 5, is_bot: false, first_name: "Lan" }, text: `${MARK} 0912345678`, contact: { phone_number: "+84912345678", first_name: "Lan" } } } as unknown as Update;
  const me = { id: 7123456789, is_bot: true, first_name: "B", username: "b_bot" } as UserFromGetMe;

  it("keeps a grammY BotError's type, message and short stack, never its context (token, text, contact)", () => {
    const inner = new TypeError("Cannot read properties of undefined (reading 'type')");
    const err = new BotError(inner, new Context(update, new Api(token), me));
    const out = serializeError(err);
    expect(Object.keys(out).sort()).toEqual(["cause", "message", "stack", "type"]);
    expect(out.type).toBe("BotError");
    expect(out.cause).toMatchObject({ type: "TypeError", message: inner.message });
    expect(out.stack!.split("\n").length).toBeLessThanOrEqual(6);
    expect(JSON.stringify(out)).not.toMatch(/AAH-secret|xyzzy|912345678/);
  });

  it("scrubs tokens, bearer keys and phone numbers from messages, even in a logger without configured secrets", () => {
    const lines: string[] = [];
    const log = createLogger({ level: "info", destination: new Writable({ write: (c: Buffer, _e, done) => (lines.push(c.toString()), done()) }) });
    log.error({ err: new Error(`GET https://api.telegram.org/bot${token}/getMe failed; buyer 0912 345 678, Authorization: Bearer pm_live_abc123xyz`) }, "call failed");
    log.error(new Error("for +84 912 345 678"));
    log.info({ phone: "0912345678", user: { phone: "0912345678", text: MARK }, err: { ctx: { api: { token } } } }, "redacted fields");
    const all = lines.join("");
    expect(all).toContain("call failed");
    expect(all).not.toMatch(/AAH-secret|pm_live_abc123xyz|912 345 678|912345678|xyzzy/);
    expect(all).toContain("[token]");
    expect(all).toContain("[phone]");
  });
});

describe("configuredSecrets", () => {
  it("names the value of every secret setting: Zalo OA, bank webhooks, metrics", () => {
    const secrets = {
      ZALO_OA_APP_SECRET: "oa-app-secret-0001",
      ZALO_OA_SECRET_KEY: "oa-webhook-key-0002",
      ZALO_OA_REFRESH_TOKEN: "oa-refresh-token-0003",
      SEPAY_WEBHOOK_SECRET: "sepay-hmac-secret-0004",
      SEPAY_API_KEY: "sepay-api-key-000000005",
      CASSO_CHECKSUM_KEY: "casso-checksum-key-0006",
      CASSO_SECURE_TOKEN: "casso-secure-token-0007",
      METRICS_TOKEN: "metrics-token-00000008",
    };
    const config = loadConfig({ DATABASE_URL: "file:./x.db", ZALO_OA_APP_ID: "1234567890", ...secrets });
    const named = configuredSecrets(config);
    // every setting whose name says it is a secret, as loaded (a public key is not one)
    const secretLike = Object.entries(config).filter(([k, v]) => typeof v === "string" && /SECRET|TOKEN|PASSWORD|_KEY$/.test(k) && !/PUBLIC_KEY/.test(k));
    expect(secretLike.map(([k]) => k).sort()).toEqual(Object.keys(secrets).sort());
    for (const [k, v] of secretLike) expect(named, k).toContain(v);
  });
});
