// Crash safety with a real process: `tsx src/main.ts` against the fake Telegram server, killed with
// SIGKILL in the middle of a broadcast, then started again. Every recipient gets the announcement;
// the only repeats are sends that were in flight (or not yet recorded) at the kill.
import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { broadcasts } from "../src/broadcast/store.ts";
import { createDb, type Db } from "../src/db/client.ts";
import type { FakeTelegram } from "./fakes/telegram-server.ts";
import { startFakeBotApi } from "./support/bot.ts";
import { seedHouseholds } from "./support/broadcast.ts";
import { createTestDatabase, type TestDatabase } from "./support/db.ts";
import { exited, killLeftovers, spawnBot } from "./support/process.ts";

const RECIPIENTS = 300;
const CONCURRENCY = 4;
const RATE = 100;
const OFFICER_CHAT = 990_001;

let database: TestDatabase;
let db: Db;
let fake: FakeTelegram;

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb(database.url);
  fake = await startFakeBotApi();
});
afterAll(async () => {
  killLeftovers();
  await fake.close();
  await db.$disconnect();
  await database.drop();
});

async function bot(): Promise<ChildProcess> {
  const { child } = await spawnBot({
    DATABASE_URL: database.url,
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    BROADCAST_TELEGRAM_RATE: String(RATE),
    BROADCAST_TELEGRAM_BURST: "5",
    BROADCAST_CONCURRENCY: String(CONCURRENCY),
    BROADCAST_LEASE_SECONDS: "2",
  });
  return child;
}

describe("a broadcast survives kill -9", () => {
  it("resumes after a restart: nobody missed, repeats limited to the in-flight sends", async () => {
    const chats = Array.from({ length: RECIPIENTS }, (_, i) => 600_000 + i);
    await seedHouseholds(db, chats.map((id) => ({ commune: "06463", telegram: id })));
    const officer = await db.officer.create({ data: { channel: "telegram", userKey: String(OFFICER_CHAT), chatKey: String(OFFICER_CHAT) } });
    const { id } = await broadcasts(db).create({
      officer: { id: officer.id, channel: "telegram", chatKey: String(OFFICER_CHAT), locale: "vi" },
      text: "Thông báo thử khởi động lại.",
      photo: null,
      audience: { communes: [], productId: null, channels: ["telegram"] },
      scheduledAt: new Date(),
    });
    const delivered = () => fake.sent().filter((m) => m.chatId !== OFFICER_CHAT).length;

    const first = await bot();
    await fake.waitFor(() => delivered() >= 130, { timeoutMs: 20_000 });
    first.kill("SIGKILL");
    await exited(first);
    const atKill = delivered();
    expect(atKill).toBeLessThan(RECIPIENTS); // killed in the middle

    const second = await bot();
    await fake.waitFor(() => fake.sent(OFFICER_CHAT).some((m) => /đã gửi xong/.test(m.text ?? "")), { timeoutMs: 30_000 });
    second.kill("SIGTERM");
    await exited(second);

    const perChat = new Map<number, number>();
    for (const m of fake.sent()) if (m.chatId !== OFFICER_CHAT) perChat.set(m.chatId, (perChat.get(m.chatId) ?? 0) + 1);
    console.info(`kill -9 after ${atKill} sends; repeats after restart: ${[...perChat.values()].reduce((n, k) => n + (k - 1), 0)}; rows taken twice: ${await db.outboxMessage.count({ where: { attempts: { gt: 1 } } })}`);
    const missing = chats.filter((c) => !perChat.has(c));
    const repeats = [...perChat.values()].reduce((n, k) => n + (k - 1), 0);
    expect(missing).toEqual([]);
    // in flight at the kill, plus what finished during one group-commit cycle (5 ms wait + the write;
    // 50 ms allowed here because the whole suite runs in parallel and slows every write down)
    expect(repeats).toBeLessThanOrEqual(CONCURRENCY + Math.ceil(RATE * 0.05));
    const report = await broadcasts(db).report(id);
    expect(report).toMatchObject({ status: "done", sent: RECIPIENTS, pending: 0, failed: 0 });
    expect(fake.sent(OFFICER_CHAT).map((m) => m.text).filter((t) => /đã gửi xong/.test(t ?? ""))).toHaveLength(1);
  }, 60_000);
});
