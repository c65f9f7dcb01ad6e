// Replies to announcements, end to end: an officer of Thất Khê on Telegram sends an announcement, a
// household answers in its own words on Zalo, the officer gets it (name, commune, the words, "Trả
// lời") and answers in one message, which the household reads on Zalo. The real app, both fakes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../src/app.ts";
import { broadcasts } from "../src/broadcast/store.ts";
import { officers } from "../src/broadcast/officers.ts";
import { createDb, type Db } from "../src/db/client.ts";
import type { FakeTelegram } from "./fakes/telegram-server.ts";
import { hexId, startFakeZalo, type FakeZalo } from "./fakes/zalo-server.ts";
import { Chat, startFakeBotApi } from "./support/bot.ts";
import { seedHouseholds, startBroadcastApp } from "./support/broadcast.ts";
import { createTestDatabase, type TestDatabase } from "./support/db.ts";
import { ZaloChat } from "./support/zalo.ts";

const THAT_KHE = "06040";

let database: TestDatabase;
let db: Db;
let telegram: FakeTelegram;
let zalo: FakeZalo;
let app: App;

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb(database.url);
  telegram = await startFakeBotApi();
  zalo = await startFakeZalo();
  app = await startBroadcastApp(database.url, { telegram, zalo });
  await app.engine.catalog.get();
});

afterAll(async () => {
  await app?.stop();
  await telegram?.close();
  await zalo?.close();
  await db?.$disconnect();
  await database?.drop();
});

describe("a household's reply to an announcement", () => {
  it("reaches the officer who sent it, and the officer's answer reaches the household", async () => {
    const farmerId = hexId();
    const [householdId] = await seedHouseholds(db, [{ commune: THAT_KHE, zalo: farmerId }]);
    await db.household.update({ where: { id: householdId }, data: { name: "Hoàng Văn Páo" } });

    // The officer takes the role: the officer menu, not "/start".
    const { code } = await officers(db).invite([THAT_KHE]);
    const officer = new Chat(telegram, { id: 990_001, first_name: "Cán bộ", language_code: "vi" });
    await officer.send(`/canbo ${code}`, /Bạn muốn làm gì/);
    expect(officer.last.text).toMatch(/^Chào cán bộ! Bạn phụ trách Xã Thất Khê\./);
    expect(officer.last.text).not.toMatch(/\/start/);
    expect(officer.buttons).toEqual(["📢 Gửi thông báo", "📝 Đăng ký giúp hộ", "📌 Đăng giá tham khảo", "📊 Xem số liệu nhanh", "🔗 Mở trang tiến độ"]);

    const row = await db.officer.findFirstOrThrow({ where: { userKey: "990001" } });
    await broadcasts(db).create({
      officer: { id: row.id, channel: "telegram", chatKey: "990001", locale: "vi" },
      text: "Thứ 7 này có lớp tập huấn trồng na tại nhà văn hoá.",
      photo: null,
      audience: { communes: [THAT_KHE], productId: null, channels: ["zalo"] },
      scheduledAt: new Date(),
    });
    await zalo.waitFor(() => zalo.sentTexts(farmerId).length === 1, { timeoutMs: 10_000 });
    // The announcement says who sent it.
    expect(zalo.sentTexts(farmerId)[0]).toBe(
      "Cán bộ xã Thất Khê: Thứ 7 này có lớp tập huấn trồng na tại nhà văn hoá.\n\nGõ TAT để ngừng nhận thông báo.",
    );

    const farmer = new ZaloChat(zalo, { id: farmerId, display_name: "Páo" });
    // An offer is still an offer: it starts selling, nothing goes to the officer.
    await farmer.send("ban 2 ta hoi kho 80k", /Hoa hồi khô|hồi khô/i);
    await farmer.send("huy", /huỷ|Bạn muốn làm gì/i);
    // Words nothing else understands are passed on.
    await farmer.send("vang a, thu 7 em se den", /chuyển lời nhắn của bạn tới cán bộ/);

    await telegram.waitFor(() => officer.all.some((m) => /trả lời thông báo/.test(m.text ?? "")));
    const forwarded = officer.all.find((m) => /trả lời thông báo/.test(m.text ?? ""))!;
    expect(forwarded.text).toBe('💬 Hộ Hoàng Văn Páo (Xã Thất Khê) trả lời thông báo:\n"vang a, thu 7 em se den"');
    expect(officer.all.filter((m) => /trả lời thông báo/.test(m.text ?? ""))).toHaveLength(1);

    // One tap, one message.
    await officer.tap("↩️ Trả lời", /gõ câu trả lời cho hộ Hoàng Văn Páo/);
    await officer.send("Cảm ơn bác, hẹn bác 8 giờ sáng thứ 7.", /Đã gửi câu trả lời cho hộ Hoàng Văn Páo/);
    await zalo.waitFor(() => zalo.sentTexts(farmerId).some((t) => /trả lời bạn:/.test(t)));
    expect(zalo.sentTexts(farmerId).find((t) => /trả lời bạn:/.test(t))).toBe("Cán bộ xã Thất Khê trả lời bạn: Cảm ơn bác, hẹn bác 8 giờ sáng thứ 7.");
    // ... and is back at the officer menu.
    expect(officer.buttons).toContain("📢 Gửi thông báo");
    expect((await db.announcementReply.findFirstOrThrow({ where: { householdId } })).answeredAt).not.toBeNull();

    // Where there are no buttons the officer types the word shown ("TL <n>"): a second reply, typed.
    await farmer.send("cho em hoi co can mang theo gi khong", /chuyển lời nhắn/);
    await telegram.waitFor(() => officer.all.filter((m) => /trả lời thông báo/.test(m.text ?? "")).length === 2);
    const second = await db.announcementReply.findFirstOrThrow({ where: { householdId, answeredAt: null } });
    await officer.send(`tl ${second.id}`, /gõ câu trả lời cho hộ Hoàng Văn Páo/);
    await officer.send("huỷ", /chưa gửi gì cho hộ/);
    // Another officer cannot answer it.
    const other = await officers(db).invite([]);
    const stranger = new Chat(telegram, { id: 990_002, first_name: "Khác", language_code: "vi" });
    await stranger.send(`/canbo ${other.code}`, /Bạn muốn làm gì/);
    await stranger.send(`TL ${second.id}`, /Không thấy lời nhắn này/);
  });
});
