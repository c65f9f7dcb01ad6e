// Webhook secrets and API keys over real HTTP, with wrong secrets of exactly the right length: the
// first, the middle or the last character changed, a letter's case changed, or an accented letter in
// place of another. Each is refused (401) and processes nothing; the same update with the right secret is
// then processed (the positive marker that the counts below are read after).
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { FakeTelegram } from "./fakes/telegram-server.ts";
import type { FakeZalo } from "./fakes/zalo-server.ts";
import { call, CARRIER_KEYS, orderFor, PARTNER_KEYS, startApiApp, type ApiApp } from "./support/api.ts";
import { startBot, startFakeBotApi, WEBHOOK_SECRET } from "./support/bot.ts";
import { useTestDatabase } from "./support/db.ts";
import { newZaloUser, startFakeZaloBot, startZaloBot, ZALO_WEBHOOK_SECRET, type ZaloApp } from "./support/zalo.ts";

const testDb = useTestDatabase();

/** Wrong secrets with as many characters as `secret`. */
function sameLength(secret: string): Record<string, string> {
  const at = (i: number, c: string) => secret.slice(0, i) + (secret[i] === c ? (c === "x" ? "y" : "x") : c) + secret.slice(i + 1);
  const mid = Math.floor(secret.length / 2);
  const out = {
    first: at(0, "X"),
    middle: at(mid, "x"),
    last: at(secret.length - 1, "Q"),
    case: at(secret.search(/[a-z]/), secret[secret.search(/[a-z]/)].toUpperCase()),
    accented: at(mid, "é"), // headers carry Latin-1: é is one byte on the wire, two in UTF-8
  };
  for (const [what, w] of Object.entries(out)) {
    expect(w.length, what).toBe(secret.length);
    expect(w, what).not.toBe(secret);
  }
  return out;
}

describe("Telegram webhook", () => {
  let fake: FakeTelegram | undefined;
  let bot: Awaited<ReturnType<typeof startBot>> | undefined;
  afterAll(async () => {
    await bot?.stop();
    await fake?.close();
  });

  it("refuses every equal-length wrong secret with 401 and processes none of those updates", async () => {
    fake = await startFakeBotApi();
    bot = await startBot(fake, testDb.url, "webhook");
    const userId = 7_700_000 + Math.floor(Math.random() * 100_000);
    let updateId = 880_000;
    const update = () => ({
      update_id: ++updateId,
      message: { message_id: updateId, date: 1, chat: { id: userId, type: "private" }, from: { id: userId, is_bot: false, first_name: "Vi" }, text: "/start" },
    });
    const post = (secret: string, body: object) =>
      fetch(`${bot!.url}/webhook/telegram`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": secret },
        body: JSON.stringify(body),
      });
    const key = (id: number) => `telegram:${fake!.token.split(":")[0]}:${id}`;

    const forged: number[] = [];
    for (const [what, secret] of Object.entries(sameLength(WEBHOOK_SECRET))) {
      const u = update();
      forged.push(u.update_id);
      const res = await post(secret, u);
      expect(res.status, what).toBe(401);
    }

    // The right secret: processed (Telegram's route answers after handling the update).
    const real = update();
    expect((await post(WEBHOOK_SECRET, real)).status).toBe(200);
    await fake.waitFor(() => fake!.sentTexts(userId).some((t) => /đồng ý chứ/.test(t)));
    expect(await testDb.db.processedUpdate.count({ where: { key: key(real.update_id) } })).toBe(1);
    expect(await testDb.db.processedUpdate.count({ where: { key: { in: forged.map(key) } } })).toBe(0);
    // one /start was answered, not six
    expect(fake.sentTexts(userId).filter((t) => /đồng ý chứ/.test(t))).toHaveLength(1);
  });
});

describe("Zalo webhook", () => {
  let fake: FakeZalo | undefined;
  let bot: ZaloApp | undefined;
  afterEach(async () => {
    await bot?.stop();
    await fake?.close();
  });

  it("refuses every equal-length wrong secret with 401 and processes none of those updates", async () => {
    fake = await startFakeZaloBot();
    bot = await startZaloBot(fake, testDb.url, "webhook");
    const user = newZaloUser();
    let n = 0;
    const update = () => {
      const id = `${"c0de".repeat(4)}${String(++n).padStart(4, "0")}`;
      return {
        id,
        body: {
          ok: true,
          result: {
            event_name: "message.text.received",
            message: { from: { id: user.id, display_name: "Vi", is_bot: false }, chat: { id: user.id, chat_type: "PRIVATE" }, message_id: id, date: Date.now(), text: "/start" },
          },
        },
      };
    };
    const post = (secret: string, body: object) =>
      fetch(`${bot!.url}/webhook/zalo`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-bot-api-secret-token": secret },
        body: JSON.stringify(body),
      });
    const key = (id: string) => `zalo:${fake!.botId}:${id}`;

    const forged: string[] = [];
    for (const [what, secret] of Object.entries(sameLength(ZALO_WEBHOOK_SECRET))) {
      const u = update();
      forged.push(u.id);
      expect((await post(secret, u.body)).status, what).toBe(401);
    }

    // The right secret, same chat, sent last: Zalo updates of one chat are handled in order, so once
    // its answer is out, any forged update that had got in would have been handled too.
    const real = update();
    expect((await post(ZALO_WEBHOOK_SECRET, real.body)).status).toBe(200);
    await fake.waitFor(() => fake!.sentTexts(user.id).some((t) => /đồng ý chứ/.test(t)));
    expect(await testDb.db.processedUpdate.count({ where: { key: key(real.id) } })).toBe(1);
    expect(await testDb.db.processedUpdate.count({ where: { key: { in: forged.map(key) } } })).toBe(0);
    expect(fake.sentTexts(user.id).filter((t) => /đồng ý chứ/.test(t))).toHaveLength(1);
  });
});

describe("partner and carrier API keys", () => {
  let fake: FakeTelegram | undefined;
  let app: ApiApp | undefined;
  afterAll(async () => {
    await app?.stop();
    await fake?.close();
  });

  it("refuse every equal-length wrong key with 401; the right key gets past", async () => {
    fake = await startFakeBotApi();
    app = await startApiApp(fake, testDb.url);
    const before = await testDb.db.order.count();
    const order = (key: string) => call(app!.url, "/api/v1/orders", { key, idempotencyKey: randomUUID(), body: orderFor("no-such-listing", 1) });

    for (const [what, key] of Object.entries(sameLength(PARTNER_KEYS.postmart))) {
      const res = await order(key);
      expect(res.status, `partner key, ${what}`).toBe(401);
      expect(res.json).toMatchObject({ error: "unauthorized" });
    }
    for (const [what, key] of Object.entries(sameLength(CARRIER_KEYS.vnpost))) {
      expect((await call(app.url, "/api/v1/carrier/pickups", { key })).status, `carrier key, ${what}`).toBe(401);
    }
    // the right keys pass the check (the listing does not exist; the carrier has no pickups yet)
    expect((await order(PARTNER_KEYS.postmart)).json).toMatchObject({ error: "listing_not_found" });
    expect((await call(app.url, "/api/v1/carrier/pickups", { key: CARRIER_KEYS.vnpost })).status).toBe(200);
    expect(await testDb.db.order.count()).toBe(before);
  });
});
