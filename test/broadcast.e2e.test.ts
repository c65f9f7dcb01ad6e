// Officer broadcasts end to end: the real app with Telegram and Zalo against both fake servers.
// An officer takes the role with an invite code, composes in chat, and the outbox reaches exactly the
// right households, respecting opt-outs, 429 retry_after (no violations) and 403 (unreachable).
import { afterEach, describe, expect, it } from "vitest";
import type { App } from "../src/app.ts";
import { officers } from "../src/broadcast/officers.ts";
import { createDb, type Db } from "../src/db/client.ts";
import type { FakeTelegram, SimUser } from "./fakes/telegram-server.ts";
import { hexId, startFakeZalo, type FakeZalo } from "./fakes/zalo-server.ts";
import { Chat, startFakeBotApi } from "./support/bot.ts";
import { seedHouseholds, startBroadcastApp } from "./support/broadcast.ts";
import { createTestDatabase, type TestDatabase } from "./support/db.ts";
import { ZaloChat } from "./support/zalo.ts";

const CHI_LANG = "06463";
const HUU_LUNG = "06385";

let database: TestDatabase;
let db: Db;
let telegram: FakeTelegram;
let zalo: FakeZalo;
let app: App | undefined;
let nextId = 810_000;
const tgUser = (): SimUser => ({ id: ++nextId, first_name: "Cán bộ", language_code: "vi" });

// A database of its own for every test: nothing one test's app leaves behind (a late send, an
// outbox row) can reach the next test's households.
afterEach(async () => {
  await app?.stop();
  app = undefined;
  await telegram?.close();
  await zalo?.close();
  await db?.$disconnect();
  await database?.drop();
});

async function start(broadcast: Parameters<typeof startBroadcastApp>[2] = {}) {
  database = await createTestDatabase();
  db = createDb(database.url);
  telegram = await startFakeBotApi();
  zalo = await startFakeZalo();
  app = await startBroadcastApp(database.url, { telegram, zalo }, broadcast);
  await app.engine.catalog.get(); // seeds the product catalog that listings point to
}

/** An officer on Telegram who has taken the role with a fresh invite. */
async function officer(communes: string[] = []): Promise<Chat> {
  const { code } = await officers(db).invite(communes);
  const chat = new Chat(telegram, tgUser());
  await chat.send(`/canbo ${code}`, /Chào cán bộ/);
  return chat;
}

/** Texts each fake chat received from the bot. */
const tgTexts = (id: number) => telegram.sent(id).map((m) => m.text ?? m.caption ?? "");
const zaloTexts = (id: string) => zalo.sentTexts(id);

async function compose(chat: Chat, text: string, audience: (chat: Chat) => Promise<void>): Promise<string[]> {
  await chat.send("/thongbao", /Soạn thông báo mới|Thông báo gần đây|chưa gửi thông báo/);
  await chat.tap("✍️ Soạn thông báo mới", /gõ nội dung thông báo/);
  await chat.send(text, /gửi một ảnh kèm theo/);
  await chat.tap("Không kèm ảnh", /Gửi cho ai/);
  await audience(chat);
  // The count and "Hộ dân sẽ thấy như sau:" come as one message, then the announcement exactly as
  // households will see it, then the question.
  return chat.messages.map((m) => m.text ?? "");
}

describe("officer role", () => {
  it("an invite code works once; households and wrong codes get the unknown-command answer", async () => {
    await start();
    const [household] = [tgUser()];
    await seedHouseholds(db, [{ commune: CHI_LANG, telegram: household.id }]);
    const farmer = new Chat(telegram, household);
    await farmer.send("/thongbao", /chưa biết lệnh này/);
    await farmer.send("/canbo ABCDEFGHJK", /chưa biết lệnh này/);

    const { code } = await officers(db).invite([CHI_LANG]);
    const chat = new Chat(telegram, tgUser());
    await chat.send(`/canbo ${code}`, /Chào cán bộ! Bạn phụ trách Xã Chi Lăng\.\n\nBạn muốn làm gì\?/);
    // the officer menu, never "/start" (which would begin a household's registration)
    expect(chat.buttons).toEqual(["📢 Gửi thông báo", "📝 Đăng ký giúp hộ", "📌 Đăng giá tham khảo", "📊 Xem số liệu nhanh", "🔗 Mở trang tiến độ"]);
    await chat.tap("📢 Gửi thông báo", /chưa gửi thông báo nào/);
    expect(chat.buttons).toEqual(["✍️ Soạn thông báo mới"]);
    // used once: a second person with the same code is a stranger
    await new Chat(telegram, tgUser()).send(`/canbo ${code}`, /chưa biết lệnh này/);
    // revoked: the role is gone on the very next command
    const row = await db.officer.findFirstOrThrow({ where: { userKey: String(chat.user.id) } });
    await officers(db).revoke(row.id);
    await chat.send("/thongbao", /chưa biết lệnh này/);
  });
});

describe("segmentation", () => {
  it("chosen communes on both channels: exactly the right households, once each, with the opt-out line", async () => {
    await start();
    const t = Array.from({ length: 5 }, () => ++nextId);
    const z = Array.from({ length: 3 }, () => hexId());
    await seedHouseholds(db, [
      { commune: CHI_LANG, telegram: t[0] },
      { commune: HUU_LUNG, telegram: t[1] },
      { commune: CHI_LANG, telegram: t[2], optedOut: true },
      { commune: CHI_LANG, telegram: t[3], unreachable: true },
      { commune: CHI_LANG, zalo: z[0] },
      { commune: HUU_LUNG, zalo: z[1] },
      { commune: CHI_LANG, telegram: t[4], zalo: z[2], last: "zalo" },
    ]);
    const chat = await officer();
    const shown = await compose(chat, "Ngày 5/12 có lớp tập huấn trồng na.", async (c) => {
      await c.tap("📍 Chọn xã", /gõ tên xã/);
      await c.send("chi lang", /chọn xã/);
      await c.tap("Xã Chi Lăng", /Đã chọn: Xã Chi Lăng/);
      await c.tap("✅ Xong", /Gửi qua kênh nào/);
      await c.tap("Cả hai", /Gửi thông báo này/);
    });
    expect(shown).toContain("Thông báo sẽ tới 3 hộ.\n\nHộ dân sẽ thấy như sau:");
    expect(shown).toContain("Cán bộ tỉnh Lạng Sơn: Ngày 5/12 có lớp tập huấn trồng na.\n\nGõ TAT để ngừng nhận thông báo.");
    await chat.tap("📤 Gửi ngay", /Đang gửi thông báo #\d+/);
    await telegram.waitFor(() => chat.all.some((m) => /đã gửi xong/.test(m.text ?? "")), { timeoutMs: 10_000 });

    const announcement = "Cán bộ tỉnh Lạng Sơn: Ngày 5/12 có lớp tập huấn trồng na.\n\nGõ TAT để ngừng nhận thông báo.";
    expect(tgTexts(t[0])).toEqual([announcement]);
    expect(zaloTexts(z[0])).toEqual([announcement]);
    expect(zaloTexts(z[2])).toEqual([announcement]); // on both: the channel used last, only
    for (const id of [t[1], t[2], t[3], t[4]]) expect(tgTexts(id)).toEqual([]);
    expect(zaloTexts(z[1])).toEqual([]);
    const report = chat.all.map((m) => m.text ?? "").find((m) => /đã gửi xong/.test(m));
    expect(report).toMatch(/3 đã nhận, 0 lỗi, 1 chặn bot, 1 đã tắt thông báo/);
  });

  it("households listing a product, Telegram only; a test send reaches the officer alone", async () => {
    await start();
    const t = Array.from({ length: 3 }, () => ++nextId);
    const z = hexId();
    await seedHouseholds(db, [
      { commune: CHI_LANG, telegram: t[0], product: "na-chi-lang" },
      { commune: HUU_LUNG, telegram: t[1], product: "hoi-kho" },
      { commune: HUU_LUNG, telegram: t[2] },
      { commune: CHI_LANG, zalo: z, product: "na-chi-lang" },
    ]);
    const chat = await officer();
    const shown = await compose(chat, "Giá na hôm nay 35.000đ/kg.", async (c) => {
      await c.tap("🌾 Hộ bán một mặt hàng", /mặt hàng nào/);
      await c.tap("Na", /Gửi qua kênh nào/);
      await c.tap("Telegram", /Gửi thông báo này/);
    });
    expect(shown).toContain("Thông báo sẽ tới 1 hộ.\n\nHộ dân sẽ thấy như sau:");
    await chat.tap("🧪 Gửi thử cho tôi", /Gửi thông báo này/);
    await telegram.waitFor(() => chat.all.some((m) => m.text === "Cán bộ tỉnh Lạng Sơn: Giá na hôm nay 35.000đ/kg.\n\nGõ TAT để ngừng nhận thông báo."));
    expect(tgTexts(t[0])).toEqual([]); // a test goes to the officer only
    await chat.tap("📤 Gửi ngay", /Đang gửi thông báo/);
    await telegram.waitFor(() => chat.all.some((m) => /đã gửi xong/.test(m.text ?? "")), { timeoutMs: 10_000 });
    expect(tgTexts(t[0])).toEqual(["Cán bộ tỉnh Lạng Sơn: Giá na hôm nay 35.000đ/kg.\n\nGõ TAT để ngừng nhận thông báo."]);
    expect(tgTexts(t[1])).toEqual([]);
    expect(tgTexts(t[2])).toEqual([]);
    expect(zaloTexts(z)).toEqual([]);
  });
});

describe("opt-out", () => {
  it("TAT on Telegram and Zalo stops announcements, BAT brings them back; both are counted", async () => {
    await start();
    const tg = { id: ++nextId, first_name: "Hoa", language_code: "vi" };
    const zu = { id: hexId(), display_name: "Lan" };
    await seedHouseholds(db, [
      { commune: CHI_LANG, telegram: tg.id },
      { commune: CHI_LANG, zalo: zu.id },
    ]);
    const farmer = new Chat(telegram, tg);
    const zfarmer = new ZaloChat(zalo, zu);
    await farmer.send("/tatthongbao", /Đã tắt thông báo/);
    await zfarmer.send("TAT", /Đã tắt thông báo/);

    const chat = await officer([CHI_LANG]);
    const shown = await compose(chat, "Mai có đợt thu mua hồi.", async (c) => {
      await c.tap("👥 Tất cả hộ trong phạm vi", /Gửi qua kênh nào/);
      await c.tap("Cả hai", /Gửi thông báo này/);
    });
    expect(shown).toContain("Không có hộ nào nhận được thông báo này. Bạn chọn lại người nhận nhé.\n\nHộ dân sẽ thấy như sau:");
    expect(chat.buttons).not.toContain("📤 Gửi ngay");
    await chat.tap("❌ Huỷ", /Đã huỷ thông báo/);

    await zfarmer.send("bat", /Đã bật lại thông báo/);
    await compose(chat, "Mai có đợt thu mua hồi.", async (c) => {
      await c.tap("👥 Tất cả hộ trong phạm vi", /Gửi qua kênh nào/);
      await c.tap("Cả hai", /Gửi thông báo này/);
    }).then((m) => expect(m).toContain("Thông báo sẽ tới 1 hộ.\n\nHộ dân sẽ thấy như sau:"));
    await chat.tap("📤 Gửi ngay", /Đang gửi thông báo/);
    await telegram.waitFor(() => chat.all.some((m) => /đã gửi xong/.test(m.text ?? "")), { timeoutMs: 10_000 });
    expect(zaloTexts(zu.id).at(-1)).toMatch(/^Cán bộ xã Chi Lăng: Mai có đợt thu mua hồi\.\n\nGõ TAT/);
    expect(farmer.all.map((m) => m.text).filter((x) => /thu mua/.test(x ?? ""))).toEqual([]);
    expect(chat.all.map((m) => m.text ?? "").find((m) => /đã gửi xong/.test(m))).toMatch(/1 đã nhận, 0 lỗi, 0 chặn bot, 1 đã tắt thông báo/);
  });
});

describe("delivery under platform limits", () => {
  it("429 with retry_after pauses the channel: everyone gets it once, no violations, progress reported", async () => {
    // One broadcast send in flight (the officer's progress messages are the only other sender): the
    // fake runs in this process, so on a busy event loop requests already on their way can arrive
    // well after the 429; the fake forgives 250 ms of that (the bench runs its fake in its own process).
    await start({ rates: { telegram: { rate: 60, burst: 5 } }, progressMs: 300, concurrency: 1 });
    const ids = Array.from({ length: 30 }, () => ++nextId);
    await seedHouseholds(db, ids.map((id) => ({ commune: HUU_LUNG, telegram: id })));
    const chat = await officer();
    await compose(chat, "Thông báo lịch nhận hàng của bưu điện.", async (c) => {
      await c.tap("👥 Tất cả hộ trong phạm vi", /Gửi qua kênh nào/);
      await c.tap("Telegram", /Gửi thông báo này/);
    }).then((m) => expect(m).toContain("Thông báo sẽ tới 30 hộ.\n\nHộ dân sẽ thấy như sau:"));
    telegram.setRateLimit(12); // the "platform" allows 12/s; we send at 60/s until told to wait
    await chat.tap("📤 Gửi ngay", /Đang gửi thông báo/);
    await telegram.waitFor(() => chat.all.some((m) => /đã gửi xong/.test(m.text ?? "")), { timeoutMs: 20_000 });
    for (const id of ids) expect(tgTexts(id)).toHaveLength(1);
    expect(telegram.calls.filter((c) => c.status === 429).length).toBeGreaterThan(0);
    expect(telegram.violations).toBe(0);
    expect(chat.all.some((m) => /: đã xong \d+\/30/.test(m.text ?? ""))).toBe(true);
  });

  it("403 marks the household unreachable on that channel; it is skipped until it writes again", async () => {
    await start();
    const blocker = { id: ++nextId, first_name: "Tú", language_code: "vi" };
    const other = ++nextId;
    await seedHouseholds(db, [
      { commune: CHI_LANG, telegram: blocker.id },
      { commune: CHI_LANG, telegram: other },
    ]);
    const chat = await officer([CHI_LANG]);
    telegram.failNext("sendMessage", { kind: "403" }, { chatId: blocker.id });
    const send = async (expectCount: number) => {
      const shown = await compose(chat, "Tin thời tiết: sắp có rét đậm.", async (c) => {
        await c.tap("👥 Tất cả hộ trong phạm vi", /Gửi qua kênh nào/);
        await c.tap("Telegram", /Gửi thông báo này/);
      });
      expect(shown).toContain(`Thông báo sẽ tới ${expectCount} hộ.\n\nHộ dân sẽ thấy như sau:`);
      const before = chat.all.filter((m) => /đã gửi xong/.test(m.text ?? "")).length;
      await chat.tap("📤 Gửi ngay", /Đang gửi thông báo/);
      await telegram.waitFor(() => chat.all.filter((m) => /đã gửi xong/.test(m.text ?? "")).length > before, { timeoutMs: 10_000 });
      return chat.all.map((m) => m.text ?? "").filter((m) => /đã gửi xong/.test(m)).at(-1)!;
    };
    expect(await send(2)).toMatch(/1 đã nhận, 0 lỗi, 1 chặn bot/);
    const account = await db.channelAccount.findFirstOrThrow({ where: { channel: "telegram", chatKey: String(blocker.id) } });
    expect(account.unreachable).toBe(true);

    expect(await send(1)).toMatch(/1 đã nhận, 0 lỗi, 1 chặn bot/);
    expect(tgTexts(blocker.id)).toEqual([]);
    expect(tgTexts(other)).toHaveLength(2);

    await new Chat(telegram, blocker).send("/menu", /Bạn muốn làm gì/); // writes again
    expect((await db.channelAccount.findUniqueOrThrow({ where: { id: account.id } })).unreachable).toBe(false);
    expect(await send(2)).toMatch(/2 đã nhận, 0 lỗi, 0 chặn bot/);
  });
});

describe("priority", () => {
  it("a household's reply is not queued behind a running broadcast", async () => {
    // 5/s: the broadcast to 150 households needs 30 s, so a reply that waited behind it would come
    // after most of them; one that did not comes while most are still pending, however slow the machine.
    await start({ rates: { telegram: { rate: 5, burst: 1 } } });
    const farmer = { id: ++nextId, first_name: "Hà", language_code: "vi" };
    const others = Array.from({ length: 150 }, () => ++nextId);
    const ids = await seedHouseholds(db, [farmer.id, ...others].map((id) => ({ commune: CHI_LANG, telegram: id })));
    expect(ids).toHaveLength(151);
    const chat = await officer();
    await compose(chat, "Thông báo dài hơi.", async (c) => {
      await c.tap("👥 Tất cả hộ trong phạm vi", /Gửi qua kênh nào/);
      await c.tap("Telegram", /Gửi thông báo này/);
    });
    await chat.tap("📤 Gửi ngay", /Đang gửi thông báo/);
    const reached = () => others.filter((id) => tgTexts(id).length > 0).length;
    await telegram.waitFor(() => reached() >= 3);
    await telegram.sendText(farmer, "/menu");
    await telegram.waitFor(() => telegram.sent(farmer.id).some((m) => /Bạn muốn làm gì/.test(m.text ?? "")), { timeoutMs: 20_000 });
    expect(reached()).toBeLessThan(100);
    const b = await db.broadcast.findFirstOrThrow({ where: { text: "Thông báo dài hơi." } });
    expect(await db.outboxMessage.count({ where: { broadcastId: b.id, status: "pending" } })).toBeGreaterThan(50);
    // and the officer can stop it from the list
    await chat.send("/thongbao", /Thông báo gần đây/);
    expect(chat.last.text).toMatch(/đang gửi \d+%/);
    await chat.tap(`⛔ Dừng #${b.number}`, /Đã dừng thông báo/);
    const sentBefore = reached();
    // Wait until every row is final (the stop cancels what is pending; the dispatcher finishes or
    // cancels what it had leased): from then on nothing of this broadcast can go out any more.
    await expect
      .poll(() => db.outboxMessage.count({ where: { broadcastId: b.id, status: { in: ["pending", "sending", "waiting"] } } }), { timeout: 15_000 })
      .toBe(0);
    expect(reached()).toBeLessThanOrEqual(sentBefore + 6); // in flight, and what went out before the dispatcher saw the stop
    // every row marked sent reached its household (the farmer is one of the recipients too)
    const received = [farmer.id, ...others].filter((id) => tgTexts(id).some((t) => t.startsWith("Cán bộ tỉnh Lạng Sơn: Thông báo dài hơi."))).length;
    expect(await db.outboxMessage.count({ where: { broadcastId: b.id, status: "sent" } })).toBe(received);
    expect(await db.outboxMessage.count({ where: { broadcastId: b.id, status: "cancelled" } })).toBeGreaterThan(50);
  });
});

describe("delivery on Zalo", () => {
  it("a 429 (no retry_after on Zalo) rests the channel and the message still arrives; a 403 marks unreachable", async () => {
    await start({ zaloQuotaPauseMs: 300 });
    const z = [hexId(), hexId(), hexId()];
    await seedHouseholds(db, z.map((id) => ({ commune: CHI_LANG, zalo: id })));
    zalo.failNext("sendMessage", { kind: "429" }, { chatId: z[0] });
    zalo.failNext("sendMessage", { kind: "403" }, { chatId: z[1] });
    const chat = await officer();
    await compose(chat, "Tin giá hồi tuần này.", async (c) => {
      await c.tap("👥 Tất cả hộ trong phạm vi", /Gửi qua kênh nào/);
      await c.tap("Zalo", /Gửi thông báo này/);
    });
    await chat.tap("📤 Gửi ngay", /Đang gửi thông báo/);
    await telegram.waitFor(() => chat.all.some((m) => /đã gửi xong/.test(m.text ?? "")), { timeoutMs: 10_000 });
    expect(chat.all.map((m) => m.text ?? "").find((m) => /đã gửi xong/.test(m))).toMatch(/2 đã nhận, 0 lỗi, 1 chặn bot/);
    expect(zaloTexts(z[0])).toEqual(["Cán bộ tỉnh Lạng Sơn: Tin giá hồi tuần này.\n\nGõ TAT để ngừng nhận thông báo."]);
    expect(zaloTexts(z[2])).toHaveLength(1);
    expect((await db.channelAccount.findFirstOrThrow({ where: { chatKey: z[1] } })).unreachable).toBe(true);
  });
});

describe("scheduling and the list", () => {
  it("schedules in Vietnamese time, lists it, starts it once when due, and can stop one", async () => {
    await start();
    const id = ++nextId;
    await seedHouseholds(db, [{ commune: CHI_LANG, telegram: id }]);
    const chat = await officer();
    await compose(chat, "Lịch tiêm phòng cho gà.", async (c) => {
      await c.tap("👥 Tất cả hộ trong phạm vi", /Gửi qua kênh nào/);
      await c.tap("Telegram", /Gửi thông báo này/);
    });
    await chat.tap("🕒 Hẹn giờ", /Gửi lúc nào/);
    await chat.send("25:99", /chưa hiểu giờ này/);
    const next = new Date(Date.now() + 2 * 24 * 3600 * 1000);
    const typed = `7:30 ${next.getDate()}/${next.getMonth() + 1}`;
    await chat.send(typed, /Đã hẹn gửi thông báo #\d+ lúc 07:30/);
    const b = await db.broadcast.findFirstOrThrow({ where: { text: "Lịch tiêm phòng cho gà." } });
    expect(b.status).toBe("scheduled");
    expect(b.scheduledAt.getHours()).toBe(7); // TZ=Asia/Ho_Chi_Minh in tests, as in production

    await chat.send("/thongbao", /Thông báo gần đây/);
    expect(chat.last.text).toMatch(new RegExp(`#${b.number} · .* · hẹn 07:30`));
    expect(chat.buttons).toContain(`⛔ Dừng #${b.number}`);
    await chat.tap("✍️ Soạn thông báo mới", /gõ nội dung/);
    await chat.send("huỷ", /Đã huỷ thông báo/);

    // due now: the scheduler starts it exactly once
    await db.broadcast.update({ where: { id: b.id }, data: { scheduledAt: new Date() } });
    await telegram.waitFor(() => chat.all.some((m) => /đã gửi xong/.test(m.text ?? "")), { timeoutMs: 10_000 });
    expect(tgTexts(id)).toEqual(["Cán bộ tỉnh Lạng Sơn: Lịch tiêm phòng cho gà.\n\nGõ TAT để ngừng nhận thông báo."]);
    expect(chat.all.filter((m) => /Bắt đầu gửi thông báo/.test(m.text ?? ""))).toHaveLength(1);

    // another one, stopped before it is due
    await compose(chat, "Hội chợ nông sản.", async (c) => {
      await c.tap("👥 Tất cả hộ trong phạm vi", /Gửi qua kênh nào/);
      await c.tap("Telegram", /Gửi thông báo này/);
    });
    await chat.tap("🕒 Hẹn giờ", /Gửi lúc nào/);
    await chat.send(typed, /Đã hẹn gửi/);
    const second = await db.broadcast.findFirstOrThrow({ where: { text: "Hội chợ nông sản." } });
    await chat.send("/thongbao", /Thông báo gần đây/);
    await chat.tap(`⛔ Dừng #${second.number}`, /Đã dừng thông báo/);
    expect((await db.broadcast.findUniqueOrThrow({ where: { id: second.id } })).status).toBe("cancelled");
  });
});
