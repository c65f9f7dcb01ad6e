// Registration over Telegram, end to end: the real app on real HTTP against the fake Bot API server,
// by long polling and by webhook, on SQLite (npm run test:sqlite) and PostgreSQL (npm run test:pg).
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { FakeTelegram, SimUser } from "./fakes/telegram-server.ts";
import { Chat, register, startBot, startFakeBotApi, WEBHOOK_SECRET } from "./support/bot.ts";
import { useTestDatabase } from "./support/db.ts";

const testDb = useTestDatabase();

let fake: FakeTelegram;
let bot: Awaited<ReturnType<typeof startBot>> | undefined;
let nextUserId = 5000;

const newUser = (patch: Partial<SimUser> = {}): SimUser => ({
  id: ++nextUserId,
  first_name: "Nguyễn Văn Hùng",
  language_code: "vi",
  ...patch,
});

afterEach(async () => {
  await bot?.stop();
  bot = undefined;
  await fake?.close();
});

async function polling() {
  fake = await startFakeBotApi();
  bot = await startBot(fake, testDb.url, "polling");
}

describe("one chat's updates in order", () => {
  it("a tap and the text typed right after it, in one batch, are taken in that order even when the tap's answer is slow", async () => {
    await polling();
    const chat = new Chat(fake, newUser());
    await chat.send("/start", /đồng ý chứ/);
    fake.setLatency((method) => (method === "answerCallbackQuery" ? 300 : 0));
    // Both queued before the bot's next poll takes them: one getUpdates batch, the tap first.
    await Promise.all([fake.tapButton(chat.user, "✅ Đồng ý"), fake.sendText(chat.user, "Nông Thị Hoa")]);
    await fake.waitFor(() => fake.sentTexts(chat.user.id).some((t) => /Bấm nút bên dưới để gửi số/.test(t)));
    const replies = fake.sentTexts(chat.user.id).slice(1);
    expect(replies[0]).toMatch(/Tên chủ hộ/); // the tap's turn: the name is asked…
    expect(replies[1]).toMatch(/Bấm nút bên dưới để gửi số/); // …and the typed name answers it
  });
});

describe("registration by long polling", () => {
  it("takes a household from /start to its shop and the main menu", async () => {
    await polling();
    const chat = new Chat(fake, newUser());
    await chat.send("/start", /đồng ý chứ/);
    // First contact is one message: the greeting, then the consent question with its buttons under it.
    expect(chat.messages).toHaveLength(1);
    expect(chat.messages[0].text).toMatch(/^Chào bạn! Chợ Số giúp bà con Lạng Sơn bán nông sản.*\n\nĐể mở cửa hàng, Chợ Số cần lưu .*Bạn đồng ý chứ\?$/);
    expect(chat.buttons).toEqual(["✅ Đồng ý", "Không đồng ý", "🛒 Tôi chỉ muốn mua hàng"]);

    await chat.tap("✅ Đồng ý", /Tên chủ hộ/);
    expect(chat.buttons).toEqual(["Nguyễn Văn Hùng"]); // the Telegram name, offered as one tap
    await chat.send("Nông Thị Hoa", /Bấm nút bên dưới để gửi số/);
    const keyboard = fake.replyKeyboard(chat.user.id);
    expect(keyboard?.[0][0]).toMatchObject({ text: "📱 Gửi số điện thoại của tôi", request_contact: true });

    await chat.contact("84912000111", /xã hoặc phường nào/);
    expect(chat.messages.map((m) => m.text)).toEqual(["Đã nhận số 0912 000 111.\n\nBạn ở xã hoặc phường nào? Gõ tên, ví dụ: Chi Lăng"]);
    expect(chat.messages[0].reply_markup).toEqual({ remove_keyboard: true });

    await chat.send("Hữu Lũng", /chọn xã/);
    expect(chat.buttons[0]).toBe("Xã Hữu Lũng");
    expect(chat.buttons.length).toBeLessThanOrEqual(7);
    await chat.tap("Xã Hữu Lũng", /Đặt tên cho cửa hàng/);
    expect(chat.buttons).toEqual(["Cửa hàng Nông Thị Hoa"]);
    await chat.send("Na dai Hữu Lũng", /thanh toán điện tử/);
    expect(chat.buttons).toEqual(["Viettel Money", "Postpay (Bưu điện)", "MoMo", "VNPT Money", "Ứng dụng ngân hàng", "Loại khác", "Chưa có"]);
    await chat.tap("Chưa có", /Bạn muốn làm gì/);
    // How to open an e-payment account; the shop card under its title; the menu.
    const texts = chat.messages.map((m) => m.text);
    expect(texts).toHaveLength(3);
    expect(texts[0]).toMatch(/Tải ứng dụng Viettel Money hoặc Postpay/);
    expect(texts[1]).toBe("🎉 Cửa hàng của bạn đã mở!\n\n🏪 Na dai Hữu Lũng\n👤 Nông Thị Hoa\n📞 0912 000 111\n📍 Xã Hữu Lũng, Lạng Sơn\n💳 Chưa có");
    expect(chat.buttons).toEqual(["🌾 Đăng bán", "📦 Hàng của tôi", "📬 Đơn hàng", "🛒 Mua nông sản", "🏪 Cửa hàng của tôi", "✏️ Sửa thông tin", "❓ Trợ giúp"]);

    const household = await testDb.db.household.findUnique({ where: { phone: "+84912000111" }, include: { shop: true } });
    expect(household).toMatchObject({ name: "Nông Thị Hoa", payment: "none", provinceCode: "20" });
    expect(household?.shop).toMatchObject({ name: "Na dai Hữu Lũng", slug: "na-dai-huu-lung" });
    // Every tap was answered, so no button kept spinning.
    const taps = fake.updates.filter((u) => u.callback_query).map((u) => u.callback_query!.id);
    expect(fake.callbackAnswers).toEqual(expect.arrayContaining(taps));
  });

  it("sets the command list in Vietnamese by default and in English for English clients", async () => {
    await polling();
    await fake.waitFor(() => fake.commandsFor({ language_code: "en" }).length > 0);
    const vi = fake.commandsFor();
    expect(vi.map((c) => c.command)).toEqual(["menu", "mua", "trogiup", "huy", "quaylai", "ngonngu", "xoataikhoan"]);
    expect(vi.find((c) => c.command === "huy")?.description).toBe("Huỷ việc đang làm");
    expect(fake.commandsFor({ language_code: "en" }).find((c) => c.command === "huy")?.description).toMatch(/cancel/i);
  });

  it("handles a redelivered update once", async () => {
    await polling();
    const chat = new Chat(fake, newUser());
    await chat.send("/start", /đồng ý chứ/);
    await chat.tap("✅ Đồng ý", /Tên chủ hộ/);
    const before = chat.all.length;
    const tap = fake.updates.at(-1)!;
    await fake.pushUpdate(tap); // same update_id again
    await chat.send("Lộc Văn Bình", /Bấm nút bên dưới để gửi số/);
    expect(chat.all.length).toBe(before + 1);
    expect(await testDb.db.processedUpdate.count({ where: { key: `telegram:${fake.token.split(":")[0]}:${tap.update_id}` } })).toBe(1);
  });

  it("continues where the household stopped after the bot restarts", async () => {
    await polling();
    const user = newUser();
    const chat = new Chat(fake, user);
    await chat.send("/start", /đồng ý chứ/);
    await chat.tap("✅ Đồng ý", /Tên chủ hộ/);
    await chat.send("Hoàng Văn Sơn", /Bấm nút bên dưới để gửi số/);
    await chat.send("0987 111 222", /xã hoặc phường nào/);

    await bot!.stop();
    bot = await startBot(fake, testDb.url, "polling");

    await chat.send("/start", /xã hoặc phường nào/);
    expect(chat.messages.map((m) => m.text)).toEqual(["Mình tiếp tục từ chỗ bạn dừng lần trước nhé.\n\nBạn ở xã hoặc phường nào? Gõ tên, ví dụ: Chi Lăng"]);
    await chat.send("van quan", /chọn xã/);
    await chat.tap("Xã Văn Quan", /Đặt tên cho cửa hàng/);
    await chat.tap("Cửa hàng Hoàng Văn Sơn", /thanh toán điện tử/);
    await chat.tap("MoMo", /Bạn muốn làm gì/);
    expect(await testDb.db.household.findUnique({ where: { phone: "+84987111222" } })).toMatchObject({
      name: "Hoàng Văn Sơn",
      payment: "momo",
    });
  });

  it("marks a household unreachable when it has blocked the bot", async () => {
    await polling();
    const chat = new Chat(fake, newUser());
    await register(chat, { phone: "0913 222 333", name: "Triệu Văn Lâm" });
    fake.failNext("sendMessage", { kind: "403" }, { chatId: chat.user.id });
    await fake.sendText(chat.user, "/menu");
    await fake.waitFor(() => fake.calls.some((c) => c.method === "sendMessage" && c.status === 403));
    await expect
      .poll(async () => (await testDb.db.channelAccount.findFirst({ where: { userKey: String(chat.user.id) } }))?.unreachable)
      .toBe(true);
    // Writing again makes it reachable again.
    await chat.send("/menu", /Bạn muốn làm gì/);
    expect((await testDb.db.channelAccount.findFirst({ where: { userKey: String(chat.user.id) } }))?.unreachable).toBe(false);
  });

  it("waits out a 429 with retry_after and delivers the reply", async () => {
    await polling();
    const chat = new Chat(fake, newUser());
    fake.failNext("sendMessage", { kind: "429", retryAfter: 1 }, { chatId: chat.user.id });
    const started = Date.now();
    await chat.send("/start", /đồng ý chứ/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(fake.violations).toBe(0);
    expect(chat.messages.map((m) => m.text)[0]).toMatch(/Chợ Số giúp/);
  });

  it("waits out a 429 in the middle of a text sent in parts, so the part already sent does not come twice", async () => {
    await polling();
    const chatId = newUser().id;
    const long = "Hoa hồi khô Văn Quan, hàng mới thu. ".repeat(130); // over 4,096 characters: two parts
    // The first part is held a moment on the way, so the refusal can be set up for the second.
    fake.setLatency(() => 300);
    const sending = bot!.telegram!.send(String(chatId), [{ text: long }], "vi");
    await fake.waitFor(() => fake.callsTo("sendMessage").length === 1);
    fake.setLatency(null);
    fake.failNext("sendMessage", { kind: "429", retryAfter: 1 }, { chatId });
    expect(await sending).toEqual({ ok: true });
    const calls = fake.callsTo("sendMessage");
    expect(calls.map((c) => c.status)).toEqual([200, 429, 200]);
    expect(calls[2].time - calls[1].time).toBeGreaterThanOrEqual(950);
    expect(fake.violations).toBe(0);
    expect(fake.sentTexts(chatId)).toHaveLength(2);
    expect(fake.sentTexts(chatId).join("").replace(/\s/g, "")).toBe(long.replace(/\s/g, ""));
  });
});

describe("registration by webhook", () => {
  async function webhook() {
    fake = await startFakeBotApi();
    bot = await startBot(fake, testDb.url, "webhook");
  }

  it("sets the webhook with its secret and registers a household through it", async () => {
    await webhook();
    expect(fake.webhook).toMatchObject({ url: `${bot!.url}/webhook/telegram`, secret_token: WEBHOOK_SECRET });
    const chat = new Chat(fake, newUser({ first_name: "Hoàng Thị Mai" }));
    await register(chat, { phone: "+84 97 333 4444", name: "Hoàng Thị Mai" });
    expect(await testDb.db.household.findUnique({ where: { phone: "+84973334444" } })).toMatchObject({ name: "Hoàng Thị Mai" });
  });

  it("handles a redelivered update once, also when both deliveries arrive at the same time", async () => {
    await webhook();
    const chat = new Chat(fake, newUser());
    await chat.send("/start", /đồng ý chứ/);
    await chat.tap("✅ Đồng ý", /Tên chủ hộ/);
    const before = chat.all.length;
    // Telegram posts an update again when it did not see the answer: once more after it was handled...
    const tap = fake.updates.at(-1)!;
    expect(await fake.pushUpdate(tap)).toBe(200);
    // ...and while the first delivery is still being handled (a retry racing a slow answer).
    let statuses: Array<number | undefined> = [];
    await chat.act(async () => {
      const first = fake.sendText(chat.user, "Lộc Văn Bình");
      statuses = await Promise.all([first, fake.pushUpdate(fake.updates.at(-1)!)]);
    }, /Bấm nút bên dưới để gửi số/);
    const name = fake.updates.at(-1)!;
    expect(statuses).toEqual([200, 200]); // both acknowledged: Telegram stops retrying
    // The next answer comes after anything those deliveries caused (one chat's replies go in order).
    await chat.send("0987 654 321", /xã hoặc phường nào/);
    expect(chat.all.slice(before).map((m) => m.text)).toEqual([
      expect.stringMatching(/Bấm nút bên dưới để gửi số/),
      expect.stringMatching(/^Đã nhận số 0987 654 321\.\n\nBạn ở xã hoặc phường nào/),
    ]);
    const bot = fake.token.split(":")[0];
    for (const u of [tap, name]) expect(await testDb.db.processedUpdate.count({ where: { key: `telegram:${bot}:${u.update_id}` } })).toBe(1);
    expect(fake.updates.filter((u) => u.update_id === name.update_id)).toHaveLength(2); // it was posted twice
  });

  it("refuses forged or malformed webhook calls and processes nothing", async () => {
    await webhook();
    const update = { update_id: 999_001, message: { message_id: 1, date: 1, chat: { id: 77, type: "private" }, from: { id: 77, is_bot: false, first_name: "X" }, text: "/start" } };
    const post = (headers: Record<string, string>, body: string) =>
      fetch(`${bot!.url}/webhook/telegram`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
    const secret = { "x-telegram-bot-api-secret-token": WEBHOOK_SECRET };

    expect((await post({}, JSON.stringify(update))).status).toBe(401);
    expect((await post({ "x-telegram-bot-api-secret-token": "wrong" }, JSON.stringify(update))).status).toBe(401);
    expect((await post({ "x-telegram-bot-api-secret-token": `${WEBHOOK_SECRET}x` }, JSON.stringify(update))).status).toBe(401);
    expect((await post(secret, "{not json")).status).toBe(400);
    expect((await post(secret, JSON.stringify({ hello: "world" }))).status).toBe(400);
    expect((await post(secret, JSON.stringify({ ...update, pad: "x".repeat(1_100_000) }))).status).toBe(413);

    expect(fake.sent(77)).toHaveLength(0);
    expect(await testDb.db.processedUpdate.count({ where: { key: `telegram:${fake.token.split(":")[0]}:999001` } })).toBe(0);
    // The same update with the right secret is processed.
    expect((await post(secret, JSON.stringify(update))).status).toBe(200);
    await fake.waitForMessages(77, 1);
    expect(fake.sent(77)[0].text).toMatch(/^Chào bạn!.*\n\n.*Bạn đồng ý chứ\?$/);
  });
});

describe("bad input at every registration step", () => {
  // How to reach each step from /start, and the question it asks.
  const steps: Array<{ step: string; question: RegExp; reach: (chat: Chat) => Promise<unknown> }> = [
    // At a step answered by choosing, typed words that choose nothing get a short hint with the buttons.
    { step: "consent", question: /đồng ý chứ|chưa rõ bạn chọn ý nào/, reach: (c) => c.send("/start", /đồng ý chứ/) },
    {
      step: "name",
      question: /Tên chủ hộ/,
      reach: async (c) => {
        await c.send("/start", /đồng ý chứ/);
        await c.tap("✅ Đồng ý", /Tên chủ hộ/);
      },
    },
    {
      step: "phone",
      question: /gửi số điện thoại/,
      reach: async (c) => {
        await c.send("/start", /đồng ý chứ/);
        await c.tap("✅ Đồng ý", /Tên chủ hộ/);
        await c.send("Bế Văn Đàn", /Bấm nút bên dưới để gửi số/);
      },
    },
    {
      step: "commune",
      question: /xã hoặc phường nào/,
      reach: async (c) => {
        await c.send("/start", /đồng ý chứ/);
        await c.tap("✅ Đồng ý", /Tên chủ hộ/);
        await c.send("Bế Văn Đàn", /Bấm nút bên dưới để gửi số/);
        await c.send(`09${String(c.user.id).padStart(8, "1")}`, /xã hoặc phường nào/);
      },
    },
    {
      step: "shopName",
      question: /Đặt tên cho cửa hàng/,
      reach: async (c) => {
        await c.send("/start", /đồng ý chứ/);
        await c.tap("✅ Đồng ý", /Tên chủ hộ/);
        await c.send("Bế Văn Đàn", /Bấm nút bên dưới để gửi số/);
        await c.send(`09${String(c.user.id).padStart(8, "1")}`, /xã hoặc phường nào/);
        await c.send("bac son", /chọn xã/);
        await c.tap("Xã Bắc Sơn", /Đặt tên cho cửa hàng/);
      },
    },
    {
      step: "payment",
      question: /thanh toán điện tử|chưa rõ bạn chọn ý nào/,
      reach: async (c) => {
        await c.send("/start", /đồng ý chứ/);
        await c.tap("✅ Đồng ý", /Tên chủ hộ/);
        await c.send("Bế Văn Đàn", /Bấm nút bên dưới để gửi số/);
        await c.send(`09${String(c.user.id).padStart(8, "1")}`, /xã hoặc phường nào/);
        await c.send("bac son", /chọn xã/);
        await c.tap("Xã Bắc Sơn", /Đặt tên cho cửa hàng/);
        await c.send("Quýt Bắc Sơn nhà Đàn", /thanh toán điện tử/);
      },
    },
  ];

  const badInputs: Array<{ what: string; act: (c: Chat, question: RegExp) => Promise<unknown> }> = [
    { what: "only spaces", act: (c, q) => c.send("   ", q) },
    { what: "5,000 characters", act: (c, q) => c.send("a".repeat(5000), q) },
    { what: "emoji only", act: (c, q) => c.send("😀🌾🍊", q) },
    { what: "a sticker", act: (c, q) => c.sticker(q) },
    { what: "a photo", act: (c, q) => c.photo(q) },
    { what: "SQL", act: (c, q) => c.send("'); DROP TABLE Household; --", q) },
    { what: "an unknown command", act: (c, q) => c.send("/xyz", q) },
  ];

  it("answers every bad input with a short Vietnamese hint and the same question, saving nothing", async () => {
    await polling();
    for (const { step, question, reach } of steps) {
      const chat = new Chat(fake, newUser());
      await reach(chat);
      for (const bad of badInputs) {
        await bad.act(chat, question);
        // The hint and the question usually arrive as one message, a blank line apart.
        const [hint, ...rest] = chat.messages.flatMap((m) => (m.text ?? "").split("\n\n"));
        const context = `${step} / ${bad.what}`;
        expect(chat.messages.length, context).toBeGreaterThanOrEqual(1);
        expect(chat.messages.at(-1)!.text, context).toMatch(question);
        if (rest.length > 0) {
          expect(hint, context).toMatch(/[ạảãàáâậầấẩẫăắằặẳẵêềếểễệôồốổỗộơờớởỡợưừứửữựđ]/i);
          expect(hint.length, context).toBeLessThan(200);
        }
        for (const m of chat.messages) expect(m.text, context).not.toMatch(/Error|undefined|null|\bat \w+ \(|prisma/i);
      }
      const where = { accounts: { some: { userKey: String(chat.user.id) } } };
      expect(await testDb.db.household.count({ where }), step).toBe(0);
    }
    expect(await testDb.db.household.count({ where: { name: "Bế Văn Đàn" } })).toBe(0);
  }, 120_000);

  it("refuses another person's contact, landlines, foreign numbers and a phone already registered", async () => {
    await polling();
    const owner = new Chat(fake, newUser());
    await register(owner, { phone: "0914 555 666", name: "Chu Văn An" });

    const chat = new Chat(fake, newUser());
    await chat.send("/start", /đồng ý chứ/);
    await chat.tap("✅ Đồng ý", /Tên chủ hộ/);
    await chat.send("Đinh Thị Lan", /Bấm nút bên dưới để gửi số/);
    await chat.contact("84915000000", /Bấm nút bên dưới để gửi số/, owner.user.id);
    expect(chat.messages.map((m) => m.text)).toEqual([
      "Đây là số của người khác. Bạn gửi số của chính mình nhé.\n\nBấm nút bên dưới để gửi số điện thoại, hoặc gõ số, ví dụ: 0912 345 678",
    ]);
    expect(fake.replyKeyboard(chat.user.id)?.[0][0]).toMatchObject({ request_contact: true }); // still offered
    await chat.send("0205 3812 345", /Bấm nút bên dưới để gửi số/);
    expect(chat.messages[0].text).toMatch(/không phải số di động/);
    await chat.send("+1 202 555 0143", /Bấm nút bên dưới để gửi số/);
    expect(chat.messages[0].text).toMatch(/chỉ nhận số di động Việt Nam/);
    await chat.send("0914555666", /Bấm nút bên dưới để gửi số/);
    expect(chat.messages[0].text).toMatch(/Số 0914 555 666 đã có hộ khác đăng ký/);
    await chat.send("091.555.7777", /xã hoặc phường nào/);
    await chat.send("khong co xa nay", /xã hoặc phường nào/);
    expect(chat.messages[0].text).toMatch(/chưa tìm thấy "khong co xa nay" ở Lạng Sơn/);
  });
});

describe("cancel, back, help, language, edit and delete", () => {
  it("goes back one step with 'quay lại' and cancels with 'huỷ' without saving anything", async () => {
    await polling();
    const chat = new Chat(fake, newUser());
    await chat.send("/start", /đồng ý chứ/);
    await chat.tap("✅ Đồng ý", /Tên chủ hộ/);
    await chat.send("Lương Văn Tri", /Bấm nút bên dưới để gửi số/);
    await chat.send("quay lại", /Tên chủ hộ/);
    await chat.send("Lương Văn Trị", /Bấm nút bên dưới để gửi số/);
    await chat.send("quay lai", /Tên chủ hộ/);
    await chat.send("/quaylai", /đồng ý chứ/);
    await chat.send("Quay lại", /đồng ý chứ/);
    expect(chat.messages).toHaveLength(1);
    expect(chat.messages[0].text).toMatch(/^Đây là bước đầu tiên rồi\.\n\nĐể mở cửa hàng/);
    await chat.tap("✅ Đồng ý", /Tên chủ hộ/);
    await chat.send("Huỷ", /chưa lưu gì/);
    expect(await testDb.db.conversation.count({ where: { chatKey: String(chat.user.id) } })).toBe(0);
    await chat.send("hello", /đồng ý chứ/); // a newcomer is never stuck: anything starts again
  });

  it("asks whether a bare 'Huy' at the name step is a name or a cancel", async () => {
    await polling();
    const chat = new Chat(fake, newUser());
    await chat.send("/start", /đồng ý chứ/);
    await chat.tap("✅ Đồng ý", /Tên chủ hộ/);
    await chat.send("Huy", /Bạn muốn huỷ, hay tên là "Huy"\?/);
    await chat.tap("Tên là Huy", /Bấm nút bên dưới để gửi số/);
    await chat.send("huy", /chưa lưu gì/); // not a name step: cancels at once
  });

  it("shows help at any step and keeps the question on screen", async () => {
    await polling();
    const chat = new Chat(fake, newUser());
    await chat.send("/start", /đồng ý chứ/);
    await chat.tap("✅ Đồng ý", /Tên chủ hộ/);
    await chat.send("/trogiup", /Tên chủ hộ/);
    expect(chat.messages[0].text).toMatch(/\/xoataikhoan – xoá tài khoản/);
    await chat.send("/menu", /Tên chủ hộ/);
    expect(chat.messages.map((m) => m.text)).toEqual(["Bạn cần mở cửa hàng trước đã.\n\nTên chủ hộ là gì? Người mua sẽ thấy tên này."]);
  });

  it("switches to English with /ngonngu and follows the Telegram language by default", async () => {
    await polling();
    const english = new Chat(fake, newUser({ language_code: "en" }));
    await english.send("/start", /agree/i);
    const chat = new Chat(fake, newUser());
    await chat.send("/start", /đồng ý chứ/);
    await chat.send("/ngonngu", /Chọn ngôn ngữ/);
    await chat.tap("English", /agree/i);
    expect(chat.messages).toHaveLength(1);
    expect(chat.messages[0].text).toMatch(/^Switched to English\.\n\nTo open a shop/);
  });

  it("edits the phone and the shop name, then deletes everything after a confirmation", async () => {
    await polling();
    const chat = new Chat(fake, newUser());
    await register(chat, { phone: "0916 777 888", name: "Vy Thị Hằng" });
    await chat.tap("✏️ Sửa thông tin", /sửa thông tin nào/);
    await chat.tap("Số điện thoại", /Bấm nút bên dưới để gửi số/);
    await chat.send("0916 777 999", /Bạn muốn làm gì/);
    expect(chat.messages[0].text).toMatch(/^✅ Đã cập nhật\.\n\n🏪 Cửa hàng Vy Thị Hằng\n👤 Vy Thị Hằng\n📞 0916 777 999\n/);
    await chat.tap("✏️ Sửa thông tin", /sửa thông tin nào/);
    await chat.tap("Tên cửa hàng", /Đặt tên cho cửa hàng/);
    await chat.send("Hồng không hạt Bảo Lâm", /Bạn muốn làm gì/);
    await chat.tap("🏪 Cửa hàng của tôi", /Bạn muốn làm gì/);
    expect(chat.messages.map((m) => m.text).join("\n")).toMatch(/🏪 Hồng không hạt Bảo Lâm[\s\S]*📞 0916 777 999/);

    await chat.send("/xoataikhoan", /chắc chứ/);
    await chat.tap("Không xoá", /Bạn muốn làm gì/);
    expect(await testDb.db.household.count({ where: { phone: "+84916777999" } })).toBe(1);
    await chat.send("/xoataikhoan", /chắc chứ/);
    await chat.tap("🗑 Xoá hết", /Đã xoá toàn bộ/);
    expect(await testDb.db.household.count({ where: { phone: "+84916777999" } })).toBe(0);
    expect(await testDb.db.shop.count({ where: { name: "Hồng không hạt Bảo Lâm" } })).toBe(0);
    expect(await testDb.db.channelAccount.count({ where: { userKey: String(chat.user.id) } })).toBe(0);
    await chat.send("/start", /đồng ý chứ/);
  });

  it("says nothing is stored when consent is declined", async () => {
    await polling();
    const chat = new Chat(fake, newUser());
    await chat.send("/start", /đồng ý chứ/);
    await chat.tap("Không đồng ý", /chưa lưu gì/);
    expect(await testDb.db.conversation.count({ where: { chatKey: String(chat.user.id) } })).toBe(0);
    expect(await testDb.db.channelAccount.count({ where: { userKey: String(chat.user.id) } })).toBe(0);
  });
});
