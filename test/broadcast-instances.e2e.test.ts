// Two instances of Chợ Số on one database sharing one broadcast (the point of it is PostgreSQL:
// `npm run test:pg`; on SQLite the same guarantees hold within one file). The fake Telegram server
// allows 20 requests per second for the whole bot; each instance is configured for 18/s, so only a
// deployment-wide limit keeps them under it together.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../src/app.ts";
import { broadcasts } from "../src/broadcast/store.ts";
import { createDb, type Db } from "../src/db/client.ts";
import type { FakeTelegram } from "./fakes/telegram-server.ts";
import { startFakeBotApi } from "./support/bot.ts";
import { clearBroadcastData, seedHouseholds, startBroadcastApp } from "./support/broadcast.ts";
import { createTestDatabase, type TestDatabase } from "./support/db.ts";

const OFFICER_CHAT = 991_001;

let database: TestDatabase;
let db: Db;
let fake: FakeTelegram;
const apps: App[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb(database.url);
});
afterAll(async () => {
  await db.$disconnect();
  await database.drop();
});
afterEach(async () => {
  for (const app of apps.splice(0)) await app.stop();
  await fake?.close();
});

describe("two instances, one broadcast", () => {
  it("starts it once, never sends a row twice, and keeps the shared rate limit", async () => {
    await clearBroadcastData(db);
    fake = await startFakeBotApi();
    fake.setRateLimit(20);
    const chats = Array.from({ length: 60 }, (_, i) => 700_000 + i);
    await seedHouseholds(db, chats.map((id) => ({ commune: "06385", telegram: id })));
    const officer = await db.officer.create({ data: { channel: "telegram", userKey: String(OFFICER_CHAT), chatKey: String(OFFICER_CHAT) } });
    const { id } = await broadcasts(db).create({
      officer: { id: officer.id, channel: "telegram", chatKey: String(OFFICER_CHAT), locale: "vi" },
      text: "Hai máy chủ, một thông báo.",
      photo: null,
      audience: { communes: [], productId: null, channels: ["telegram"] },
      scheduledAt: new Date(Date.now() + 300), // both schedulers are running when it falls due
    });
    const options = { rates: { telegram: { rate: 18, burst: 1 } }, batch: 10, concurrency: 3 };
    apps.push(await startBroadcastApp(database.url, { telegram: fake }, options));
    apps.push(await startBroadcastApp(database.url, { telegram: fake }, options, { listen: false }));

    await fake.waitFor(() => fake.sent(OFFICER_CHAT).some((m) => /đã gửi xong/.test(m.text ?? "")), { timeoutMs: 20_000 });
    for (const chat of chats) expect(fake.sent(chat), `chat ${chat}`).toHaveLength(1);
    expect(fake.calls.filter((c) => c.status === 429)).toEqual([]);
    expect(fake.violations).toBe(0);
    expect(fake.sent(OFFICER_CHAT).filter((m) => /Bắt đầu gửi/.test(m.text ?? ""))).toHaveLength(1);
    expect(await db.outboxMessage.count({ where: { broadcastId: id } })).toBe(60);
    // both instances did part of the work
    const owners = await db.outboxMessage.groupBy({ by: ["leaseOwner"], where: { broadcastId: id }, _count: { _all: true } });
    expect(owners.map((o) => o.leaseOwner).sort()).toEqual(apps.map((a) => a.broadcasts.owner).sort());
    // and together they stayed under the limit in every one-second window
    const sends = fake.calls.filter((c) => c.method === "sendMessage").map((c) => c.time).sort((a, b) => a - b);
    const busiest = Math.max(...sends.map((t, i) => sends.slice(i).filter((u) => u - t < 1000).length));
    expect(busiest).toBeLessThanOrEqual(20);
  });
});
