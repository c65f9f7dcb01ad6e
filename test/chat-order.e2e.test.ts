// One chat's turns stay in order under a flood: a household sends 50 messages as fast as it can (25
// one-sentence listings, each followed by its "Đăng bán") while 500 other people send /start. The real
// app long-polls the fake Bot API; every update is queued at once, so they come in mixed batches.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeTelegram, SimUser } from "./fakes/telegram-server.ts";
import { Chat, register, startBot, startFakeBotApi } from "./support/bot.ts";
import { useTestDatabase } from "./support/db.ts";

const testDb = useTestDatabase();
const OTHERS = 500;
const LISTINGS = 25; // two messages each: the sentence, then "Đăng bán"

let fake: FakeTelegram;
let bot: Awaited<ReturnType<typeof startBot>>;

beforeAll(async () => {
  fake = await startFakeBotApi();
  bot = await startBot(fake, testDb.url);
});
afterAll(async () => {
  await bot?.stop();
  await fake?.close();
});

describe("per-chat order under a flood", () => {
  it("answers one chat's 50 quick messages in order while 500 other chats flood, and its state ends right", async () => {
    const chat = new Chat(fake, { id: 9_100_001, first_name: "Hoàng Văn Phúc", language_code: "vi" });
    await register(chat, { phone: "0919 100 001", name: "Hoàng Văn Phúc" });
    const before = chat.all.length;
    // Sends take 0-20 ms each, at random: a reply sent before the previous one arrived would overtake it.
    fake.setLatency((method) => (method === "sendMessage" ? Math.random() * 20 : 0));

    const others: SimUser[] = Array.from({ length: OTHERS }, (_, i) => ({ id: 9_200_000 + i, first_name: `N${i}`, language_code: "vi" }));
    // Interleaved: ten /start from others between each of the household's messages, all queued at once.
    const mine: string[] = [];
    for (let i = 1; i <= LISTINGS; i++) mine.push(`ban ${i} ta hoi kho 80k`, "Đăng bán");
    let next = 0;
    for (const text of mine) {
      for (let k = 0; k < OTHERS / mine.length && next < OTHERS; k++) await fake.sendText(others[next++], "/start");
      await fake.sendText(chat.user, text);
    }
    while (next < OTHERS) await fake.sendText(others[next++], "/start");

    const published = /Đã đăng bán/;
    await fake.waitFor(() => chat.all.slice(before).filter((m) => published.test(m.text ?? "")).length >= LISTINGS, {
      timeoutMs: 120_000,
      describe: () => `the household got ${chat.all.slice(before).filter((m) => published.test(m.text ?? "")).length} of ${LISTINGS} "Đã đăng bán"`,
    });
    await fake.waitFor(() => others.every((u) => fake.sent(u.id).length > 0), {
      timeoutMs: 120_000,
      describe: () => `${others.filter((u) => fake.sent(u.id).length > 0).length} of ${OTHERS} others answered`,
    });

    // The replies, in order: for each listing the card as buyers see it (its own quantity) under its
    // heading, then "published" with the menu.
    const replies = chat.all.slice(before).map((m) => m.text ?? "");
    const expected: RegExp[] = [];
    for (let i = 1; i <= LISTINGS; i++) expected.push(new RegExp(`^Người mua sẽ thấy thế này:\n\n🌿 Hoa hồi khô\n⚖️ Còn: ${i} tạ \\(`), published);
    expect(replies).toHaveLength(expected.length);
    replies.forEach((text, i) => expect(text, `reply ${i + 1} of ${expected.length}`).toMatch(expected[i]));

    // The end state: 25 listings, 1 tạ to 25 tạ, created in that order, and the chat back at the menu.
    const account = await testDb.db.channelAccount.findFirst({
      where: { channel: "telegram", userKey: String(chat.user.id) },
      include: { household: { include: { shop: { include: { listings: true } } } } },
    });
    const listings = account?.household?.shop?.listings ?? [];
    expect(listings.map((l) => l.stockMilli / 100_000).sort((a, b) => a - b)).toEqual(Array.from({ length: LISTINGS }, (_, i) => i + 1));
    for (const a of listings) {
      for (const b of listings) if (a.createdAt < b.createdAt) expect(a.stockMilli, "created out of order").toBeLessThan(b.stockMilli);
    }
    expect(listings.every((l) => l.status === "active" && l.priceVnd === 80_000 && l.productId === "hoi-kho")).toBe(true);
    expect(await testDb.db.conversation.count({ where: { channel: "telegram", chatKey: String(chat.user.id) } })).toBe(0); // idle: at the menu
    // Everyone else got one answer each, and waits at the consent question.
    for (const u of others) expect(fake.sent(u.id), `user ${u.id}`).toHaveLength(1);
  }, 180_000);
});
