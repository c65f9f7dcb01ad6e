// Registration over Zalo, end to end: the real app on real HTTP against the fake Zalo Bot API, by long
// polling and by webhook, on SQLite (npm run test:sqlite) and PostgreSQL (npm run test:pg). Choices are
// numbered text; people answer "1", "số 2" or the label without accents; the phone is typed.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { tFor } from "../src/i18n/index.ts";
import type { FakeZalo } from "./fakes/zalo-server.ts";
import { useTestDatabase } from "./support/db.ts";
import {
  newZaloUser,
  registerOnZalo,
  startFakeZaloBot,
  startZaloBot,
  ZALO_WEBHOOK_SECRET,
  ZaloChat,
  type ZaloApp,
} from "./support/zalo.ts";

const testDb = useTestDatabase();

const t = tFor("vi");
let fake: FakeZalo | undefined;
let bot: ZaloApp | undefined;

afterEach(async () => {
  await bot?.stop();
  bot = undefined;
  await fake?.close();
  fake = undefined;
});

async function start(mode: "polling" | "webhook", options: Parameters<typeof startFakeZaloBot>[0] = {}) {
  fake = await startFakeZaloBot(options);
  bot = await startZaloBot(fake, testDb.url, mode);
  return { fake, bot };
}

const processed = (fake: FakeZalo, messageId: unknown) =>
  testDb.db.processedUpdate.count({ where: { key: `zalo:${fake.botId}:${String(messageId)}` } });

describe("registration on Zalo", () => {
  it("by long polling: numbered choices as text, answered with 1 / số 2 / words without accents", async () => {
    const { fake } = await start("polling");
    expect(fake.callsTo("deleteWebhook")).toHaveLength(1);
    const chat = new ZaloChat(fake, newZaloUser("Nông Thị Hoa"));

    await chat.send("/start", /đồng ý chứ/);
    // One message: the greeting, the consent question and its numbered choices under it.
    expect(chat.messages).toEqual([
      `${t("register:greeting")}\n\n${t("register:consent")}\n1. ✅ Đồng ý\n2. Không đồng ý\n3. 🛒 Tôi chỉ muốn mua hàng\nTrả lời 1, 2 hoặc 3`,
    ]);

    await chat.send("dong y", /Tên chủ hộ/);
    expect(chat.last).toBe(`${t("register:askName")}\n1. Nông Thị Hoa\nTrả lời 1`); // the Zalo name, offered
    await chat.send("Hoàng Văn Nam", /Số điện thoại di động/);
    expect(chat.last).toBe(t("register:askPhoneType")); // no share button on Zalo: typed

    await chat.send("0912 000 111", /xã hoặc phường nào/);
    expect(chat.messages).toEqual([`Đã nhận số 0912 000 111.\n\n${t("register:askCommune")}`]);
    await chat.send("huu lung", /chọn xã/);
    expect(chat.last).toMatch(/chọn xã của mình:\n1\. Xã Hữu Lũng\n[^]*\n7\. 🔎 Tìm tên khác\nTrả lời 1, 2, 3, 4, 5, 6 hoặc 7$/);
    await chat.send("1", /Đặt tên cho cửa hàng/);
    await chat.send("số 1", /thanh toán điện tử/);
    expect(chat.last).toMatch(/\n1\. Viettel Money\n2\. Postpay \(Bưu điện\)\n3\. MoMo\n/);
    await chat.send("số 2", /Bạn muốn làm gì/);
    expect(chat.messages).toHaveLength(2); // the card under its title, then the menu
    expect(chat.messages[0]).toMatch(/^🎉 Cửa hàng của bạn đã mở!\n\n🏪 Cửa hàng Hoàng Văn Nam\n👤 Hoàng Văn Nam\n📞 0912 000 111\n📍 Xã Hữu Lũng, Lạng Sơn\n💳 Postpay/);

    const household = await testDb.db.household.findUnique({ where: { phone: "+84912000111" }, include: { shop: true, accounts: true } });
    expect(household).toMatchObject({ name: "Hoàng Văn Nam", payment: "postpay", provinceCode: "20" });
    expect(household?.shop?.name).toBe("Cửa hàng Hoàng Văn Nam");
    expect(household?.accounts).toEqual([expect.objectContaining({ channel: "zalo", userKey: chat.user.id, chatKey: chat.user.id })]);
    // Every piece the bot sent fitted Zalo's limits: nothing was refused.
    expect(fake.calls.filter((c) => c.status !== 200 && c.method !== "getUpdates")).toEqual([]);
  });

  it("by webhook: sets the webhook with its secret and registers a household through it", async () => {
    const { fake, bot } = await start("webhook");
    expect(fake.webhook).toMatchObject({ url: `${bot.url}/webhook/zalo`, secret_token: ZALO_WEBHOOK_SECRET });
    const chat = new ZaloChat(fake, newZaloUser("Lý Thị Mai"));
    await registerOnZalo(chat, { phone: "+84 97 333 4444" });
    expect(fake.deliveries.every((d) => d.status === 200)).toBe(true);
    expect(await testDb.db.household.findUnique({ where: { phone: "+84973334444" } })).toMatchObject({ name: "Lý Thị Mai" });
  });

  it("by webhook: answers Zalo once the message's turn is saved, so a crash after the answer loses nothing", async () => {
    const { fake } = await start("webhook");
    const chat = new ZaloChat(fake, newZaloUser());
    await chat.send("/start", /đồng ý chứ/); // the first turn of a process is the slow one
    const status = await fake.sendText(chat.user, "dong y");
    const update = fake.updates.at(-1)!;
    // Read as the answer arrives: the turn is already in the database, its reply sent or owed. (On
    // SQLite a turn commits before the answer is written even when not awaited; PostgreSQL tells.)
    expect({ status, processed: await processed(fake, update.message.message_id) }).toEqual({ status: 200, processed: 1 });
  });

  it("accepts a bare webhook body (no {ok, result} wrapper), as some sources report real traffic", async () => {
    const { fake } = await start("webhook", { webhookEnvelope: "bare" });
    const chat = new ZaloChat(fake, newZaloUser());
    await chat.send("/start", /đồng ý chứ/);
    await chat.send("Đồng ý", /Tên chủ hộ/);
  });
});

describe("webhook security", () => {
  it("refuses forged, oversized or malformed calls and changes nothing", async () => {
    const { fake, bot } = await start("webhook");
    const user = newZaloUser();
    const update = {
      ok: true,
      result: {
        event_name: "message.text.received",
        message: { from: { id: user.id, display_name: "X", is_bot: false }, chat: { id: user.id, chat_type: "PRIVATE" }, message_id: "f0f0f0f0f0f0f0f0f0f0", date: Date.now(), text: "/start" },
      },
    };
    const post = (headers: Record<string, string>, body: string) =>
      fetch(`${bot.url}/webhook/zalo`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body })
        .then((r) => r.status)
        .catch(() => "connection closed");
    const secret = { "x-bot-api-secret-token": ZALO_WEBHOOK_SECRET };
    const big = JSON.stringify({ ...update, pad: "x".repeat(1_100_000) });

    expect(await post({}, JSON.stringify(update))).toBe(401);
    expect(await post({ "x-bot-api-secret-token": "wrong-secret" }, JSON.stringify(update))).toBe(401);
    expect(await post({ "x-bot-api-secret-token": `${ZALO_WEBHOOK_SECRET}x` }, JSON.stringify(update))).toBe(401);
    expect(await post({ "x-bot-api-secret-token": "" }, JSON.stringify(update))).toBe(401);
    expect(await post({}, big)).toBe(401); // refused before the body is read
    expect(await post(secret, big)).toBe(413);
    expect(await post(secret, "{not json")).toBe(400);
    expect(await post(secret, JSON.stringify({ hello: "world" }))).toBe(400);
    expect(await post(secret, JSON.stringify({ ok: true, result: { nothing: 1 } }))).toBe(400);

    // A marker from the same chat with the right secret (another message id): turns of one chat run
    // in order, so once it is answered, anything a refused call had started would have shown.
    const marker = { ok: true, result: { ...update.result, message: { ...update.result.message, message_id: "e0e0e0e0e0e0e0e0e0e0" } } };
    expect(await post(secret, JSON.stringify(marker))).toBe(200);
    await fake.waitForMessages(user.id, 1);
    expect(fake.sent(user.id)).toHaveLength(1); // the marker's greeting (with the consent question) only
    expect(await testDb.db.processedUpdate.count({ where: { key: { startsWith: `zalo:${fake.botId}:` } } })).toBe(1);
    expect(await processed(fake, "e0e0e0e0e0e0e0e0e0e0")).toBe(1);
    expect(await processed(fake, "f0f0f0f0f0f0f0f0f0f0")).toBe(0);

    // The refused update itself, now with the right secret, is processed.
    expect(await post(secret, JSON.stringify(update))).toBe(200);
    await fake.waitFor(() => fake.sent(user.id).length > 1);
    expect(await processed(fake, "f0f0f0f0f0f0f0f0f0f0")).toBe(1);
  });
});

describe("redelivery", () => {
  for (const mode of ["webhook", "polling"] as const) {
    it(`handles a redelivered message once (${mode})`, async () => {
      const { fake } = await start(mode);
      const chat = new ZaloChat(fake, newZaloUser());
      await chat.send("/start", /đồng ý chứ/);
      await chat.send("1", /Tên chủ hộ/);
      const before = chat.all.length;
      const agree = fake.updates.at(-1)!;
      await fake.redeliver(agree); // same message_id again
      await chat.send("Lộc Văn Bình", /Số điện thoại di động/);
      expect(chat.all.length).toBe(before + 1); // only the phone question: the "1" was not handled twice
      expect(await processed(fake, agree.message.message_id)).toBe(1);
    });
  }

  it("does not mistake another bot's message with the same id for a redelivery", async () => {
    const { fake } = await start("webhook");
    const chat = new ZaloChat(fake, newZaloUser());
    await chat.send("/start", /đồng ý chứ/);
    const messageId = fake.updates.at(-1)!.message.message_id;
    await testDb.db.processedUpdate.deleteMany({ where: { key: `zalo:${fake.botId}:${String(messageId)}` } });
    await testDb.db.processedUpdate.create({ data: { key: `zalo:1999999999999999999:${String(messageId)}` } });
    await fake.redeliver();
    await fake.waitForMessages(chat.user.id, 2); // handled again: the other bot's key did not count
  });
});

describe("numbered lists that are not a step's question", () => {
  it("maps a typed number to the language list, mid-registration and at the menu", async () => {
    const { fake } = await start("webhook");
    const chat = new ZaloChat(fake, newZaloUser());
    await chat.send("/start", /đồng ý chứ/);
    await chat.send("/ngonngu", /Chọn ngôn ngữ/);
    expect(chat.last).toBe("Chọn ngôn ngữ / Choose a language:\n1. Tiếng Việt\n2. English\nTrả lời 1 hoặc 2");
    // "2" is English here, not "Không đồng ý" of the consent question asked before.
    await chat.send("2", /agree/i);
    expect(chat.messages).toHaveLength(1);
    expect(chat.messages[0]).toMatch(/^Switched to English\.\n\nTo open a shop/);
    await chat.send("/ngonngu", /Choose a language/);
    await chat.send("tieng viet", /đồng ý chứ/);

    const registered = new ZaloChat(fake, newZaloUser("Hà Thị Thu"));
    await registerOnZalo(registered, { phone: "0915 246 810" });
    await registered.send("/ngonngu", /Chọn ngôn ngữ/);
    await registered.send("2", /What would you like to do/);
    await registered.send("hello", /What would you like to do/);
    // The language list is off screen now: "1" is the menu's first item again.
    await registered.send("1", /What do you want to sell\?/);
  });
});

describe("messages Zalo cannot show the bot", () => {
  it("answers an unsupported event with a friendly Vietnamese text and the same question", async () => {
    const { fake } = await start("webhook");
    const chat = new ZaloChat(fake, newZaloUser());
    // A newcomer whose first message is unreadable is still welcomed.
    await chat.unsupported(/đồng ý chứ/);
    expect(chat.messages[0]).toMatch(/Chợ Số giúp bà con/);

    // The hint comes with the question, a blank line apart, in one message.
    const hint = () => chat.messages[0].split("\n\n")[0];
    await chat.unsupported(/đồng ý chứ/);
    expect(chat.messages).toEqual([expect.stringMatching(/\n1\. ✅ Đồng ý\n2\. Không đồng ý\n3\. 🛒 Tôi chỉ muốn mua hàng\nTrả lời 1, 2 hoặc 3$/)]);
    expect(hint()).toBe(t("common:unreadable"));
    expect(hint()).toMatch(/nhờ người nhà nhắn giúp/);
    expect(hint().length).toBeLessThan(200);

    await chat.send("1", /Tên chủ hộ/);
    await chat.unsupported(/Tên chủ hộ/);
    expect(hint()).toBe(t("common:unreadable"));
    await chat.sticker(/Tên chủ hộ/);
    expect(hint()).toBe(t("common:unreadable"));
    // A photo is readable, just not an answer to this question.
    await chat.image({ url: "https://example.com/na.jpg" }, /Tên chủ hộ/);
    expect(chat.messages).toHaveLength(1);
    expect(hint()).toBe(t("common:needText"));
    for (const m of chat.all) expect(m).not.toMatch(/Error|undefined|null|prisma/i);
    expect(await testDb.db.household.count({ where: { accounts: { some: { userKey: chat.user.id } } } })).toBe(0);
  });
});
