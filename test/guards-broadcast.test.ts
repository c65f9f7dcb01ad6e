// Guard tests: an officer's announcements stay within the officer's communes and the officer's own
// broadcasts. A commune officer finds no commune outside the scope, "every household in scope" reaches
// only the scope's households, a scope narrowed (or a role revoked) while a draft waits is checked again
// when it is sent, and one officer cannot stop another's broadcast with a forged button.
import { afterEach, describe, expect, it } from "vitest";
import type { Message } from "grammy/types";
import type { App } from "../src/app.ts";
import { officers } from "../src/broadcast/officers.ts";
import { broadcasts } from "../src/broadcast/store.ts";
import { createDb, type Db } from "../src/db/client.ts";
import type { FakeTelegram, SimUser } from "./fakes/telegram-server.ts";
import { Chat, startFakeBotApi } from "./support/bot.ts";
import { seedHouseholds, startBroadcastApp } from "./support/broadcast.ts";
import { createTestDatabase, whileLocked, type TestDatabase } from "./support/db.ts";
import { usePostgres } from "./support/paths.ts";

const CHI_LANG = "06463";
const HUU_LUNG = "06385";
const NOT_OFFICER = /Bạn không còn quyền gửi thông báo/;
const OUT_OF_SCOPE = /Xã này ngoài phạm vi của bạn/;

let database: TestDatabase | undefined;
let db: Db | undefined;
let telegram: FakeTelegram | undefined;
let app: App | undefined;
let nextId = 870_000;
const tgUser = (): SimUser => ({ id: ++nextId, first_name: "Cán bộ", language_code: "vi" });

afterEach(async () => {
  await app?.stop();
  app = undefined;
  await telegram?.close();
  telegram = undefined;
  await db?.$disconnect();
  db = undefined;
  await database?.drop();
  database = undefined;
});

/** Telegram only: one channel, so the flow asks no channel question. Households in both communes. */
async function start(): Promise<{ chiLang: number; huuLung: number }> {
  database = await createTestDatabase();
  db = createDb(database.url);
  telegram = await startFakeBotApi();
  app = await startBroadcastApp(database.url, { telegram });
  const chiLang = ++nextId;
  const huuLung = ++nextId;
  await seedHouseholds(db, [
    { commune: CHI_LANG, telegram: chiLang },
    { commune: HUU_LUNG, telegram: huuLung },
  ]);
  return { chiLang, huuLung };
}

async function officer(communes: string[]): Promise<Chat> {
  const { code } = await officers(db!).invite(communes);
  const chat = new Chat(telegram!, tgUser());
  await chat.send(`/canbo ${code}`, /Chào cán bộ/);
  return chat;
}

/** Up to the audience question. */
async function draft(chat: Chat, text: string): Promise<void> {
  await chat.send("/thongbao", /Soạn thông báo mới|Thông báo gần đây|chưa gửi thông báo/);
  await chat.tap("✍️ Soạn thông báo mới", /gõ nội dung thông báo/);
  await chat.send(text, /gửi một ảnh kèm theo/);
  await chat.tap("Không kèm ảnh", /Gửi cho ai/);
}

/** A draft for Hữu Lũng, at the preview, by an officer whose scope has Hữu Lũng. */
async function draftForHuuLung(chat: Chat, text: string): Promise<void> {
  await draft(chat, text);
  await chat.tap("📍 Chọn xã", /gõ tên xã/);
  await chat.send("huu lung", /chọn xã/);
  await chat.tap("Xã Hữu Lũng", /Đã chọn: Xã Hữu Lũng/);
  await chat.tap("✅ Xong", /Gửi thông báo này/);
  expect(chat.paragraphs).toContain("Thông báo sẽ tới 1 hộ.");
}

const tgTexts = (id: number) => telegram!.sent(id).map((m) => m.text ?? "");

describe("an officer's scope", () => {
  it("a Chi Lăng officer finds no Hữu Lũng; 'every household in scope' is counted and sent to Chi Lăng only", async () => {
    const { chiLang, huuLung } = await start();
    const chat = await officer([CHI_LANG]);
    await draft(chat, "Lớp tập huấn trồng na.");
    await chat.tap("📍 Chọn xã", /gõ tên xã/);
    await chat.send("huu lung", /Không thấy xã "huu lung" trong phạm vi của bạn/);
    await chat.send("huỷ", /Đã huỷ thông báo/);

    await draft(chat, "Lớp tập huấn trồng na.");
    await chat.tap("👥 Tất cả hộ trong phạm vi", /Gửi thông báo này/);
    expect(chat.paragraphs).toContain("Thông báo sẽ tới 1 hộ.");
    await chat.tap("📤 Gửi ngay", /Đang gửi thông báo #\d+/);
    await telegram!.waitFor(() => chat.all.some((m) => /đã gửi xong/.test(m.text ?? "")), { timeoutMs: 10_000 });
    expect(tgTexts(chiLang)).toEqual([expect.stringContaining("Lớp tập huấn trồng na.")]);
    expect(tgTexts(huuLung)).toEqual([]);
  });

  it("a scope narrowed while the draft waits: sending it is refused, nothing is queued", async () => {
    const { huuLung } = await start();
    const chat = await officer([CHI_LANG, HUU_LUNG]);
    await draftForHuuLung(chat, "Họp thôn Hữu Lũng.");
    const row = await db!.officer.findFirstOrThrow({ where: { userKey: String(chat.user.id) } });
    await db!.officer.update({ where: { id: row.id }, data: { communes: JSON.stringify([CHI_LANG]) } });
    await chat.tap("📤 Gửi ngay", OUT_OF_SCOPE);
    expect(await db!.broadcast.count()).toBe(0);
    expect(tgTexts(huuLung)).toEqual([]);
  });

  it("a role revoked while the draft waits: sending it is refused, nothing is queued", async () => {
    await start();
    const chat = await officer([CHI_LANG, HUU_LUNG]);
    await draftForHuuLung(chat, "Họp thôn Hữu Lũng.");
    const row = await db!.officer.findFirstOrThrow({ where: { userKey: String(chat.user.id) } });
    await officers(db!).revoke(row.id);
    await chat.tap("📤 Gửi ngay", NOT_OFFICER);
    expect(await db!.broadcast.count()).toBe(0);
  });
});

describe("another officer's broadcast", () => {
  it("cannot be stopped by another officer, by a forged button or in the store; its own officer can stop it", async () => {
    await start();
    const a = await officer([]);
    await draft(a, "Hội chợ nông sản.");
    await a.tap("👥 Tất cả hộ trong phạm vi", /Gửi thông báo này/);
    await a.tap("🕒 Hẹn giờ", /Gửi lúc nào/);
    const next = new Date(Date.now() + 2 * 24 * 3600 * 1000);
    await a.send(`7:30 ${next.getDate()}/${next.getMonth() + 1}`, /Đã hẹn gửi thông báo #\d+/);
    const scheduled = await db!.broadcast.findFirstOrThrow({ where: { text: "Hội chợ nông sản." } });
    // B, another officer of the whole province, on its own announcement list: a stop button for A's
    // number, forged on B's current question, is not one B was shown.
    const b = await officer([]);
    await b.send("/thongbao", /chưa gửi thông báo/);
    const newButton = (b.last.reply_markup as { inline_keyboard: Array<Array<{ callback_data: string }>> }).inline_keyboard[0][0].callback_data;
    const message = structuredClone(b.last.message) as Message;
    await b.act(
      () =>
        telegram!.pushUpdate({
          callback_query: {
            id: String(4_400_000_000_000_000_000n + BigInt(b.user.id)),
            from: { id: b.user.id, is_bot: false, first_name: "Cán bộ", language_code: "vi" },
            message,
            chat_instance: String(-(8_200_000_000_000_000_000n + BigInt(b.user.id))),
            data: newButton.replace(/\.new$/, `.stop.${scheduled.number}`),
          },
        }),
      /Nút này đã cũ/,
    );
    expect((await db!.broadcast.findUniqueOrThrow({ where: { id: scheduled.id } })).status).toBe("scheduled");
    // Behind the buttons, the store stops a broadcast for its own officer only.
    const officerB = await db!.officer.findFirstOrThrow({ where: { userKey: String(b.user.id) } });
    expect(await broadcasts(db!).cancel(scheduled.id, officerB.id)).toBe(false);
    expect((await db!.broadcast.findUniqueOrThrow({ where: { id: scheduled.id } })).status).toBe("scheduled");

    await a.send("/thongbao", /Thông báo gần đây/);
    await a.tap(`⛔ Dừng #${scheduled.number}`, /Đã dừng thông báo/);
    expect((await db!.broadcast.findUniqueOrThrow({ where: { id: scheduled.id } })).status).toBe("cancelled");
  });
});

describe("an officer invite", () => {
  it("past its 7 days gives no role: the code is an unknown command, and nothing is stored", async () => {
    await start();
    const { code, expiresAt } = await officers(db!).invite([CHI_LANG], new Date(Date.now() - 8 * 24 * 3600_000));
    expect(expiresAt.getTime()).toBeLessThan(Date.now());
    const chat = new Chat(telegram!, tgUser());
    await chat.send(`/canbo ${code}`, /chưa biết lệnh này/);
    await chat.send("/thongbao", /chưa biết lệnh này/);
    expect(await db!.officer.count()).toBe(0);
    // A fresh code still works for the same person.
    const fresh = await officers(db!).invite([CHI_LANG]);
    await chat.send(`/canbo ${fresh.code}`, /Chào cán bộ/);
  });

  // PostgreSQL: a held row lock makes both redeemers read the unused code before either marks it used.
  it.runIf(usePostgres)("redeemed by two people at the same moment: exactly one gets the role", async () => {
    database = await createTestDatabase();
    const ours = (db = createDb(database.url));
    const { code } = await officers(ours).invite([CHI_LANG]);
    const who = (userKey: string) => ({ channel: "telegram" as const, userKey, chatKey: userKey });
    const results = await whileLocked(database.url, { sql: `SELECT 1 FROM "OfficerInvite" FOR UPDATE` }, 2, () =>
      Promise.all([officers(ours).redeem(code, who("880001"), "vi"), officers(ours).redeem(code, who("880002"), "vi")]),
    );
    expect(results.filter((r) => r !== null)).toHaveLength(1);
    expect(await ours.officer.count()).toBe(1);
  });
});
